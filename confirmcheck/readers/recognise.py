"""How each format is recognised by its start: cheap checks, no parsing.

:func:`~confirmcheck.readers.read_stays` asks these before it loads the reader
that parses: a check of JSON files loads neither the XML nor the mail parser.
"""

from __future__ import annotations

import re

__all__ = [
    "HTML_START",
    "MAIL_HEAD",
    "OTA_MESSAGES",
    "is_json_ld",
    "is_markup",
    "is_ota",
    "root_name",
]

#: The messages read, and where their reservations are: (list, reservation).
OTA_MESSAGES: dict[str, tuple[str, str] | None] = {
    "OTA_HotelResNotifRQ": ("HotelReservations", "HotelReservation"),
    "OTA_HotelResModifyNotifRQ": ("HotelResModifies", "HotelResModify"),
    "OTA_ResRetrieveRS": ("ReservationsList", "HotelReservation"),
    "OTA_CancelRQ": None,
}

#: The first element of a document: after the XML declaration, comments,
#: processing instructions and blanks (a DOCTYPE is let through to be refused).
_FIRST_ELEMENT = re.compile(
    r"\A\ufeff?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>\s*)*"
    r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)",
    re.DOTALL,
)
#: A document type declaration that is not HTML's: XML with a DTD, whose root may
#: lie beyond the start looked at. The OTA reader refuses it, saying why.
_XML_DOCTYPE = re.compile(
    r"\A\ufeff?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE\s+(?!html\b)",
    re.DOTALL | re.IGNORECASE,
)
#: The start of a mail: a header field (with its folded lines), then another field
#: or the blank line that ends the header (which may lie far beyond the start).
#: iCalendar's lines look alike, but no mail starts with BEGIN:. A mailbox's
#: "From " line may come first.
MAIL_HEAD = re.compile(
    r"\A(?:From [^\n]*\n)?(?!BEGIN:)"
    r"[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*(?:[!-9;-~]+:|\r?\n)",
    re.IGNORECASE,
)
HTML_START = re.compile(
    r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|"
    r"table|p|script)\b",
    re.IGNORECASE | re.DOTALL,
)


def root_name(text: str) -> str | None:
    """The local name of the first element of XML ``text``, or None if it is none."""
    match = _FIRST_ELEMENT.match(text[:4096])
    return match.group(1) if match is not None else None


def is_ota(text: str) -> bool:
    """Whether ``text`` is an OTA message (or a SOAP envelope), by its first element.

    The namespace is not looked at here: a message in the wrong one is still
    given to :func:`~confirmcheck.readers.ota.read_ota`, which says what is
    wrong with it, as it does for any XML with a DTD (a DOCTYPE other than HTML's).
    """
    name = root_name(text)
    return (
        name in OTA_MESSAGES
        or name == "Envelope"
        or _XML_DOCTYPE.match(text[:4096]) is not None
    )


def is_markup(text: str) -> bool:
    """Whether ``text`` is an HTML page or a mail (markup's places), by its start."""
    head = text[:8192].replace("\r\n", "\n")
    return bool(HTML_START.match(head) or MAIL_HEAD.match(head))


def is_json_ld(value: object) -> bool:
    """Whether decoded JSON is schema.org JSON-LD (it has ``@context`` or
    ``@type``), not a stays document."""
    items = value if isinstance(value, list) else [value]
    return any(
        isinstance(item, dict) and ("@context" in item or "@type" in item)
        for item in items
    )
