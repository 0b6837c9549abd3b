"""Independent views of a mail for the tests, built on the stdlib parser.

The change under test finds its parts by byte offsets; these helpers find the same
things through ``email.message_from_bytes`` so that a test compares two readings.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from confirmcheck.mail import HTML_BEGIN, HTML_END, TEXT_HEADING, TEXT_RULE

TEXT = (
    "NOT BOOKED: 1 of 20 requested stays.\n"
    "  Mon 9 Mar 2026 – Fri 13 Mar 2026 (4 nights, 1 room): no room is reserved.\n"
    "Booked as requested: 19 stays, 76 nights.\n"
)
HTML = (
    '<div data-confirmcheck="summary" style="border:3px solid #c62828">\n'
    "<p><b>NOT BOOKED</b>: 1 of 20 requested stays.</p>\n"
    "<ul><li>Mon 9 Mar 2026 – Fri 13 Mar 2026 (4 nights, 1 room): "
    "no room is reserved.</li></ul>\n"
    "</div>"
)
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//confirmcheck//tests//EN\r\n"
    b"METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:stay-7@confirmcheck\r\n"
    b"DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260309\r\n"
    b"DTEND;VALUE=DATE:20260313\r\nSUMMARY:NOT BOOKED\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)

_BODY_TAG = re.compile(r"""<body\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)


def parse(data: bytes) -> EmailMessage:
    """The mail as the stdlib reads it (policy.default)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def numbered(message: Message, number: str = "") -> list[tuple[str, Message]]:
    """Every MIME part outside forwarded messages, with its IMAP number."""
    out = [(number, message)]
    if message.get_content_maintype() == "multipart":
        for index, child in enumerate(message.get_payload(), 1):
            assert isinstance(child, Message)
            out.extend(numbered(child, f"{number}.{index}" if number else str(index)))
    return out


def visible_text_parts(message: Message, number: str = "") -> list[tuple[str, Message]]:
    """The text parts a reader sees first, by the rules docs/mail.md states."""
    if message.get_content_disposition() == "attachment":
        return []
    content_type = message.get_content_type()
    if content_type in ("text/plain", "text/html"):
        return [(number, message)]
    if message.get_content_maintype() != "multipart":
        return []
    children = [
        (f"{number}.{i}" if number else str(i), child)
        for i, child in enumerate(message.get_payload(), 1)
    ]
    if content_type == "multipart/alternative":
        return [found for n, c in children for found in visible_text_parts(c, n)]
    if content_type == "multipart/related":
        start = message.get_param("start")
        root = next(
            ((n, c) for n, c in children if start and c["content-id"] == start), None
        )
        root = root or (children[0] if children else None)
        return [] if root is None else visible_text_parts(root[1], root[0])
    for n, c in children:
        found = visible_text_parts(c, n)
        if found:
            return found
    return []


def text_of(part: Message) -> str:
    """The decoded text of a part, with LF line endings."""
    assert isinstance(part, EmailMessage)
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def text_block(summary: str = TEXT, heading: str = TEXT_HEADING) -> str:
    """What the summary looks like at the top of a text/plain body (LF), under
    its heading line (English unless given)."""
    lines = [line.rstrip() for line in summary.strip("\n").split("\n")]
    return "\n".join([heading, "", *lines, TEXT_RULE]) + "\n\n"


def html_block(fragment: str = HTML, charset: str = "utf-8") -> str:
    """What the summary looks like in a text/html body (LF), in ``charset``."""
    block = f"{HTML_BEGIN}\n{fragment}\n{HTML_END}\n"
    return block.encode(charset, "xmlcharrefreplace").decode(charset)


class _FirstElements(HTMLParser):
    """The start tags that open the body, up to the first text, with offsets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0]
        for line in html.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.tags: list[tuple[str, dict[str, str], int]] = []
        self.done = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        line, column = self.getpos()
        end = self.lines[line - 1] + column + len(self.get_starttag_text() or "")
        self.tags.append((tag, {k: v or "" for k, v in attrs}, end))

    def handle_data(self, data: str) -> None:
        if data.strip() and any(tag == "body" for tag, _, _ in self.tags):
            self.done = True


def html_insertion_point(html: str) -> int | None:
    """Right after the <body> tag, or None when there is no <body> tag; inside a
    first content container (docs/mail.md: a div or table of a maximum width, or
    a centred one of a fixed width, maybe in full-width wrappers) when the body
    opens with one."""
    found = _BODY_TAG.search(html)
    if found is None:
        return None
    tags = _FirstElements(html).tags
    names = [tag for tag, _, _ in tags]
    if "body" not in names:
        return found.end()
    for tag, attributes, end in tags[names.index("body") + 1 :]:
        style = attributes.get("style", "").replace(" ", "").lower()
        width = attributes.get("width", "")
        centred = attributes.get("align", "").lower() == "center" or "auto" in style
        fixed = width.rstrip("px").isdigit() or re.search(r"(^|;)width:\d", style)
        if tag in ("tbody", "tr") or (tag == "td" and not fixed):
            continue
        if tag not in ("table", "div", "center", "td"):
            break
        if "max-width" in style or (fixed and centred):
            # A table's content starts in its first cell.
            if tag != "table":
                return end
            cells = [e for t, _, e in tags if t == "td" and e > end]
            return cells[0] if cells else found.end()
        if fixed:
            break
    return found.end()
