"""The summary block as it sits in a text or HTML body, and how to find it again.

The block is framed by marker lines (text) or comments (HTML) so that a second
change finds and replaces it instead of adding another one.
"""

from __future__ import annotations

import re

__all__ = [
    "HTML_BEGIN",
    "HTML_END",
    "TEXT_BEGIN",
    "TEXT_END",
    "html_block",
    "insert_html",
    "insert_text",
    "remove_html_block",
    "remove_text_block",
    "text_block",
    "text_newline",
]

TEXT_BEGIN = "=== confirmcheck ==="
"""The line that opens the summary in a text/plain body."""
TEXT_END = "=== /confirmcheck ==="
"""The line that closes the summary in a text/plain body (a blank line follows)."""
HTML_BEGIN = "<!-- confirmcheck:begin -->"
"""The comment that opens the summary in a text/html body."""
HTML_END = "<!-- confirmcheck:end -->"
"""The comment that closes the summary in a text/html body."""

# What text_block() writes: the marker lines, the summary, and one blank line.
_TEXT_BLOCK = re.compile(
    r"^=== confirmcheck ===\r?\n.*?^=== /confirmcheck ===[ \t]*(?:\r?\n){0,2}",
    re.MULTILINE | re.DOTALL,
)
_TEXT_BEGIN_LINE = re.compile(r"^=== confirmcheck ===[ \t]*\r?$", re.MULTILINE)
_HTML_BLOCK = re.compile(
    r"<!-- confirmcheck:begin -->.*?<!-- confirmcheck:end -->(?:\r?\n)?", re.DOTALL
)

_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_BODY_TAG = re.compile(r"<body\b" + _ATTRIBUTES + ">", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<html\b" + _ATTRIBUTES + ">", re.IGNORECASE)
_PROLOGUE = re.compile(
    r"\A\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?", re.IGNORECASE
)


class BlockError(Exception):
    """An earlier summary whose closing marker is missing."""


def text_newline(text: str, default: str) -> str:
    """The line ending ``text`` uses (that of its first line), else ``default``."""
    newline = text.find("\n")
    if newline < 0:
        return default
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _lines(summary: str) -> list[str]:
    # Trailing blanks would turn into soft line breaks in format=flowed text.
    lines = [line.rstrip() for line in summary.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def text_block(summary: str, newline: str) -> str:
    """The summary framed by the text markers, then one blank line."""
    body = [line for line in _lines(summary) if line not in (TEXT_BEGIN, TEXT_END)]
    return newline.join([TEXT_BEGIN, *body, TEXT_END]) + newline + newline


def html_block(fragment: str, newline: str) -> str:
    """The HTML fragment framed by the marker comments, then a line ending."""
    body = newline.join(_lines(fragment)).replace(HTML_END, "")
    return f"{HTML_BEGIN}{newline}{body}{newline}{HTML_END}{newline}"


def remove_text_block(text: str) -> str:
    """``text`` without the summary blocks an earlier change put in."""
    if TEXT_BEGIN not in text:
        return text  # nothing to find: the multiline search takes 10 us a KB
    text = _TEXT_BLOCK.sub("", text)
    if _TEXT_BEGIN_LINE.search(text):
        raise BlockError(
            f"an earlier summary starts with {TEXT_BEGIN!r} but its closing line "
            f"{TEXT_END!r} is missing; remove the damaged summary by hand"
        )
    return text


def remove_html_block(text: str) -> str:
    """``text`` without the summary blocks an earlier change put in."""
    if HTML_BEGIN not in text:
        return text
    text = _HTML_BLOCK.sub("", text)
    if HTML_BEGIN in text:
        raise BlockError(
            f"an earlier summary starts with {HTML_BEGIN!r} but its closing "
            f"comment {HTML_END!r} is missing; remove the damaged summary by hand"
        )
    return text


def insert_text(text: str, block: str) -> str:
    """``block`` at the very start of a text body (after a byte order mark)."""
    start = 1 if text.startswith("\ufeff") else 0
    return text[:start] + block + text[start:]


def html_insertion_point(html: str) -> int:
    """Where the summary goes in an HTML body: right after the ``<body>`` tag.

    Without a ``<body>`` tag: after ``</head>``, else after ``<html>``, else after
    a leading XML declaration or doctype, else at the very start, so that the
    summary never lands in front of a doctype (which would switch browsers to
    quirks mode) or inside the head (where it would not be shown).
    """
    for pattern in (_BODY_TAG, _HEAD_END, _HTML_TAG):
        found = pattern.search(html)
        if found:
            return found.end()
    prologue = _PROLOGUE.match(html)
    return prologue.end() if prologue else 0


def insert_html(html: str, block: str) -> str:
    """``block`` right after the opening ``<body ...>`` tag of ``html``."""
    point = html_insertion_point(html)
    return html[:point] + block + html[point:]
