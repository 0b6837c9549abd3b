"""The summary block as it sits in a text or HTML body, and how to find it again.

In text/plain the block opens with a localized heading line ("Your booking at a
glance", "Ihre Buchung im Überblick") and closes with a rule of dashes: words the
guest reads as part of the mail, and together the marker a second change finds
and replaces (in any supported language, taken from the catalogs). In text/html
the block is framed by comments, which nobody sees.
"""

from __future__ import annotations

import re
from functools import cache

from confirmcheck.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, translations

__all__ = [
    "HTML_BEGIN",
    "HTML_END",
    "TEXT_HEADING",
    "TEXT_RULE",
    "BlockError",
    "html_block",
    "insert_html",
    "insert_html_end",
    "insert_text",
    "remove_html_block",
    "remove_text_block",
    "text_block",
    "text_heading",
    "text_newline",
]


def _(message: str) -> str:
    """Mark a message for extraction; it is translated where it is used."""
    return message


TEXT_HEADING = _("Your booking at a glance")
"""The line that opens the summary in a text/plain body (English; see
:func:`text_heading` for the guest's language)."""
TEXT_RULE = "-" * 40
"""The line that closes the summary in a text/plain body (a blank line follows)."""
HTML_BEGIN = "<!-- confirmcheck:begin -->"
"""The comment that opens the summary in a text/html body."""
HTML_END = "<!-- confirmcheck:end -->"
"""The comment that closes the summary in a text/html body."""

# What an earlier version of confirmcheck wrote: still found and replaced.
_LEGACY_BEGIN = "=== confirmcheck ==="
_LEGACY_BLOCK = re.compile(
    r"^=== confirmcheck ===\r?\n.*?^=== /confirmcheck ===[ \t]*(?:\r?\n){0,2}",
    re.MULTILINE | re.DOTALL,
)
_LEGACY_BEGIN_LINE = re.compile(r"^=== confirmcheck ===[ \t]*\r?$", re.MULTILINE)
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


def text_heading(locale: str = DEFAULT_LOCALE) -> str:
    """The heading line of the text block in ``locale``.

    ``Your booking at a glance``, ``Ihre Buchung im Überblick``.
    """
    return translations(locale).gettext(TEXT_HEADING)


@cache
def _text_block_pattern() -> re.Pattern[str]:
    """The text block at the start of a body, opened by the heading of any
    supported language (an earlier change may have been in another one)."""
    headings = sorted({text_heading(locale) for locale in SUPPORTED_LOCALES})
    return re.compile(
        r"\A(?P<bom>\ufeff?)(?P<heading>"
        + "|".join(re.escape(heading) for heading in headings)
        + r")[ \t]*\r?\n(?P<rest>.*?^"
        + re.escape(TEXT_RULE)
        + r"[ \t]*(?:\r?\n|\Z)(?:\r?\n)?)?",
        re.MULTILINE | re.DOTALL,
    )


def _lines(summary: str) -> list[str]:
    # Trailing blanks would turn into soft line breaks in format=flowed text.
    lines = [line.rstrip() for line in summary.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def text_block(summary: str, newline: str, heading: str = TEXT_HEADING) -> str:
    """The summary under its heading line and above the closing rule, then one
    blank line."""
    body = [line for line in _lines(summary) if line != TEXT_RULE]
    return newline.join([heading, "", *body, TEXT_RULE]) + newline + newline


def html_block(fragment: str, newline: str) -> str:
    """The HTML fragment framed by the marker comments, then a line ending."""
    body = newline.join(_lines(fragment)).replace(HTML_END, "")
    return f"{HTML_BEGIN}{newline}{body}{newline}{HTML_END}{newline}"


def remove_text_block(text: str) -> str:
    """``text`` without the summary block an earlier change put at its start."""
    found = _text_block_pattern().match(text)
    if found:
        if found.group("rest") is None:
            raise BlockError(
                f"an earlier summary starts with {found.group('heading')!r} but its "
                f"closing line {TEXT_RULE!r} is missing; remove the damaged summary "
                "by hand"
            )
        text = found.group("bom") + text[found.end() :]
    if _LEGACY_BEGIN not in text:
        return text
    text = _LEGACY_BLOCK.sub("", text)
    if _LEGACY_BEGIN_LINE.search(text):
        raise BlockError(
            f"an earlier summary starts with {_LEGACY_BEGIN!r} but its closing "
            "line is missing; remove the damaged summary by hand"
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


# What may stand between <body> and the hotel's first content container: blanks,
# comments (and a summary put there), and a hidden preview line ("preheader")
# that clients show in the inbox.
_SKIP = re.compile(
    r"(?:\s+|<!-- confirmcheck:begin -->.*?<!-- confirmcheck:end -->|<!--.*?-->"
    r"|<(div|span)\b[^>]*display\s*:\s*none[^>]*>[^<]*</\1\s*>)*",
    re.IGNORECASE | re.DOTALL,
)
_BOX_TAG = re.compile(r"<(table|div|center)\b(" + _ATTRIBUTES + ")>", re.IGNORECASE)
# From a table's tag to the start of its first cell's content.
_FIRST_CELL = re.compile(
    r"(?:\s+|<!--.*?-->|<(?:tbody|tr)\b"
    + _ATTRIBUTES
    + r">)*<td\b"
    + _ATTRIBUTES
    + ">",
    re.IGNORECASE | re.DOTALL,
)
_STYLE = re.compile(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_WIDTH = re.compile(r"""\bwidth\s*=\s*["']?\s*(\d+)(px)?\s*["'\s]""", re.IGNORECASE)
_CENTRED = re.compile(
    r"""\balign\s*=\s*["']?center|margin[^;:]*:[^;]*\bauto\b""", re.IGNORECASE
)
_FIXED_WIDTH = re.compile(r"(?:^|;)\s*(?:max-)?width\s*:\s*\d+(?:\.\d+)?px", re.I)
_MAX_WIDTH = re.compile(r"(?:^|;)\s*max-width\s*:", re.IGNORECASE)
# Wrappers a layout may put around its container before it (a full-width table,
# a <center>): followed this many levels deep, no further.
_MAX_WRAPPERS = 3


def _container(html: str, point: int) -> tuple[int, str] | None:
    """The hotel's first content container, when one follows ``point`` (right
    after ``<body>``): a centred table or ``div`` of a fixed or maximum width,
    maybe inside full-width wrappers. Returns where its content starts (in a
    table: in its first cell) and the name of the element that holds it (``td``
    or ``div``); None when there is no such container."""
    for _level in range(_MAX_WRAPPERS + 1):
        skipped = _SKIP.match(html, point)
        point = skipped.end() if skipped else point
        tag = _BOX_TAG.match(html, point)
        if tag is None:
            return None
        name, attributes = tag.group(1).lower(), tag.group(2)
        inside, holder = tag.end(), name
        if name == "table":
            cell = _FIRST_CELL.match(html, inside)
            if cell is None:
                return None
            inside, holder = cell.end(), "td"
        style = "".join(next(iter(_STYLE.findall(attributes)), ("", "")))
        width = _WIDTH.search(attributes + " ")
        fixed = bool(_FIXED_WIDTH.search(style)) or width is not None
        if _MAX_WIDTH.search(style) or (fixed and _CENTRED.search(attributes)):
            return inside, holder
        if fixed:
            return None  # a narrow box that is not the layout's container
        point = inside  # a full-width wrapper: look inside it
    return None


def _end_of(html: str, start: int, name: str) -> int | None:
    """Where the element of ``name`` whose content starts at ``start`` ends (its
    closing tag), counting the elements of that name nested in it."""
    depth = 1
    for tag in re.finditer(rf"<(/?){name}\b" + _ATTRIBUTES + ">", html[start:], re.I):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start + tag.start()
    return None


def html_insertion_point(html: str) -> int:
    """Where the summary goes in an HTML body: at the start of the hotel's first
    content container (see :func:`_container`), else right after ``<body>``.

    Without a ``<body>`` tag: after ``</head>``, else after ``<html>``, else after
    a leading XML declaration or doctype, else at the very start, so that the
    summary never lands in front of a doctype (which would switch browsers to
    quirks mode) or inside the head (where it would not be shown).
    """
    body = _BODY_TAG.search(html)
    if body:
        container = _container(html, body.end())
        return body.end() if container is None else container[0]
    for pattern in (_HEAD_END, _HTML_TAG):
        found = pattern.search(html)
        if found:
            return found.end()
    prologue = _PROLOGUE.match(html)
    return prologue.end() if prologue else 0


def insert_html(html: str, block: str) -> str:
    """``block`` at the start of the hotel's content in ``html`` (see
    :func:`html_insertion_point`)."""
    point = html_insertion_point(html)
    return html[:point] + block + html[point:]


def insert_html_end(html: str, block: str) -> str:
    """``block`` after the hotel's words: at the end of the content that
    :func:`insert_html` puts the summary in front of, else before the last
    ``</body>`` (else ``</html>``), else at the very end."""
    body = _BODY_TAG.search(html)
    container = _container(html, body.end()) if body else None
    if container is not None:
        end = _end_of(html, *container)
        if end is not None:
            return html[:end] + block + html[end:]
    lowered = html.lower()
    for closing in ("</body", "</html"):
        point = lowered.rfind(closing)
        if point >= 0:
            return html[:point] + block + html[point:]
    return html + block
