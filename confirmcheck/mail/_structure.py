"""Learn where the header fields and MIME parts of a message sit, as byte offsets.

The parser never copies or rewrites anything: it records offsets into the original
bytes so that the change can later splice new bytes in and copy every other byte
verbatim. It follows the line rules of the stdlib ``email.feedparser`` (what counts
as a header line, what counts as a boundary line) so that the structure it sees is
the structure every other reader of the mail sees.
"""

from __future__ import annotations

import email.message
import email.utils
import re
from dataclasses import dataclass, field

from confirmcheck.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "MAX_HEADER_BYTES",
    "MAX_MAIL_BYTES",
    "MAX_PARAMS",
    "MAX_PARTS",
    "Entity",
    "Field",
    "MailError",
    "parse_mail",
]

MAX_MAIL_BYTES = 25 * 1024 * 1024
"""The largest mail accepted, in bytes (25 MiB, what common mail services take)."""

MAX_DEPTH = 16
"""How deep multiparts may nest inside each other (the mail itself is depth 0)."""

MAX_PARTS = 500
"""How many MIME parts a mail may have, counted outside forwarded messages."""

MAX_HEADER_BYTES = 1024 * 1024
"""How large the header of the mail or of one MIME part may be (1 MiB)."""

MAX_PARAMS = 100
"""How many parameters one Content-Type (or Content-Disposition) may have."""

# The stdlib feedparser's notion of a header line: a field name directly followed
# by a colon (the name may even be empty), or a continuation line.
_FIELD_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]*:")
_BARE_CR = re.compile(rb"\r(?!\n)")
# What may follow "--boundary" on a boundary line: "--" (the closing one), blanks.
_LINE_REST = re.compile(rb"(--)?[ \t]*\r?(?=\n|\Z)")

# Headers of which at least one shows that the input is a mail and not, say, a
# JSON file whose first line happens to look like "name: value".
_MAIL_FIELDS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "received",
        "return-path",
        "sender",
        "reply-to",
    }
)


class MailError(InputError):
    """A mail that cannot be changed as it is; nothing was changed.

    ``path`` is ``("mail",)`` for the message as a whole and
    ``("mail", "part 1.2")`` for a MIME part (numbered as IMAP numbers them).
    """


class SignedMailError(MailError):
    """The mail is signed or encrypted (S/MIME, OpenPGP): a change would break it
    or could not see the text. Attach the summary before signing."""


class DkimSignedError(MailError):
    """The mail carries a DKIM-Signature that a change would break (unless DKIM
    is allowed explicitly, and the mail signed again afterwards)."""


@dataclass(slots=True)
class Field:
    """One header field: ``name`` lower-cased, ``start``/``end`` its raw bytes.

    ``end`` is after the line ending of its last (folded) line. A stray line that
    is no field (a continuation line before the first field) has the name "".
    """

    name: str
    start: int
    end: int


@dataclass(slots=True)
class Entity:
    """The mail or one MIME part of it, as offsets into the raw bytes."""

    number: str
    """IMAP part number ("1.2"); "" for the mail itself."""
    depth: int
    start: int
    end: int
    fields: list[Field]
    header_end: int
    """Where the header fields end: the blank line, if any, starts here."""
    body_start: int
    content_type: str = "text/plain"
    boundary: str | None = None
    charset: str | None = None
    related_start: str | None = None
    transfer_encoding: str = "7bit"
    disposition: str | None = None
    content_id: str | None = None
    marker: str | None = None
    """The value of ``X-Confirmcheck-Part`` on a part confirmcheck added."""
    children: list[Entity] = field(default_factory=list)
    delimiters: list[int] = field(default_factory=list)
    """Offset of the ``--boundary`` line opening each child."""
    close: int = 0
    """Offset of the closing ``--boundary--`` line of a multipart."""

    @property
    def path(self) -> tuple[str, ...]:
        """The error path of this entity: ``("mail", "part 1.2")``."""
        return ("mail", f"part {self.number}") if self.number else ("mail",)

    @property
    def is_multipart(self) -> bool:
        """True for a multipart whose parts were found."""
        return self.content_type.startswith("multipart/")

    @property
    def is_attachment(self) -> bool:
        """True for a part marked ``Content-Disposition: attachment``."""
        return self.disposition == "attachment"

    def error(self, message: str, kind: type[MailError] = MailError) -> MailError:
        """A MailError about this entity: the path names it, the message its type."""
        return kind(f"{self.content_type}: {message}", path=self.path)


def _unfold(raw: bytes) -> str:
    # Header values are ASCII by the RFCs; 8-bit bytes survive as surrogates so
    # that parameter parsing never fails on them.
    value = raw.split(b":", 1)[1] if b":" in raw else b""
    return re.sub(rb"\r?\n", b"", value).strip().decode("ascii", "surrogateescape")


def _parse_fields(data: bytes, start: int, limit: int) -> tuple[list[Field], int, int]:
    """The fields in ``data[start:limit]``, where they end and where the body starts."""
    fields: list[Field] = []
    pos = start
    while pos < limit:
        newline = data.find(b"\n", pos, limit)
        line_end = limit if newline < 0 else newline + 1
        first = data[pos]
        if first in b"\r\n" and data[pos:line_end] in (b"\n", b"\r\n"):
            return fields, pos, line_end
        if first in b" \t":
            if fields:
                fields[-1].end = line_end
            else:
                fields.append(Field("", pos, line_end))
        elif _FIELD_LINE.match(data, pos, line_end):
            colon = data.index(b":", pos, line_end)
            name = data[pos:colon].decode("ascii", "replace").lower()
            fields.append(Field(name, pos, line_end))
        else:
            # A line that is no header ends the header without a blank line; the
            # stdlib parser does the same (MissingHeaderBodySeparatorDefect).
            return fields, pos, pos
        pos = line_end
    return fields, limit, limit


class _Counter:
    __slots__ = ("parts",)

    def __init__(self) -> None:
        self.parts = 0


def _describe(entity: Entity, data: bytes, default_type: str) -> None:
    """Fill in the content type and parameters from the entity's own fields."""
    message = email.message.Message()
    for item in entity.fields:
        if (
            item.name
            in (
                "content-type",
                "content-transfer-encoding",
                "content-disposition",
                "content-id",
                "x-confirmcheck-part",
            )
            and item.name not in message
        ):
            value = _unfold(data[item.start : item.end])
            if value.count(";") > MAX_PARAMS:
                # Counted before the parameters are parsed (which takes minutes
                # for hundreds of thousands of them).
                raise MailError(
                    f"the {item.name} field has more than {MAX_PARAMS} parameters, the "
                    "most accepted",
                    path=entity.path,
                )
            message[item.name] = value
    message.set_default_type(default_type)
    entity.content_type = message.get_content_type()
    # The parameters parsed once, not once per get_param (each parse of a
    # Content-Type was 4-5 us): get_param returns the first one of that name.
    params: dict[str, str | tuple[str | None, str | None, str]] = {}
    for key, value in message.get_params() or ():
        params.setdefault(key.lower(), value)
    boundary = params.get("boundary")
    if boundary is not None:
        # What get_boundary() gives.
        boundary = email.utils.collapse_rfc2231_value(boundary).rstrip()
    entity.boundary = boundary
    charset = params.get("charset")
    if charset is not None:
        entity.charset = str(email.utils.collapse_rfc2231_value(charset)).strip()
    start = params.get("start")
    if start is not None:
        entity.related_start = str(email.utils.collapse_rfc2231_value(start)).strip()
    encoding = message.get("content-transfer-encoding")
    if encoding is not None:
        entity.transfer_encoding = str(encoding).strip().lower()
    entity.disposition = message.get_content_disposition()
    content_id = message.get("content-id")
    entity.content_id = None if content_id is None else str(content_id).strip()
    marker = message.get("x-confirmcheck-part")
    entity.marker = None if marker is None else str(marker).strip().lower()


def _parse_entity(
    data: bytes,
    start: int,
    *,
    end: int,
    number: str,
    depth: int,
    default_type: str,
    counter: _Counter,
) -> Entity:
    fields, header_end, body_start = _parse_fields(data, start, end)
    entity = Entity(number, depth, start, end, fields, header_end, body_start)
    if header_end - start > MAX_HEADER_BYTES:
        raise MailError(
            f"the header has {header_end - start} bytes, more than the "
            f"{MAX_HEADER_BYTES} accepted",
            path=entity.path,
        )
    _describe(entity, data, default_type)
    if entity.is_multipart:
        if depth >= MAX_DEPTH:
            raise entity.error(
                f"multiparts nest deeper than {MAX_DEPTH} levels, the most accepted"
            )
        _split_multipart(data, entity, counter)
    return entity


def _split_multipart(data: bytes, entity: Entity, counter: _Counter) -> None:
    if not entity.boundary:
        raise entity.error("the multipart has no boundary parameter")
    if not entity.boundary.isascii() or not entity.boundary.isprintable():
        raise entity.error(
            f"the boundary parameter {entity.boundary!r} is not printable ASCII"
        )
    # The same line the stdlib feedparser takes for a boundary: the whole line is
    # "--boundary", optionally "--" after it, optionally blanks. Found with
    # bytes.find (a multiline regex is several times slower on a large base64).
    needle = b"--" + entity.boundary.encode("ascii")
    delimiters: list[tuple[int, int]] = []
    close: tuple[int, int] | None = None
    position = entity.body_start
    while close is None:
        found = data.find(needle, position, entity.end)
        if found < 0:
            break
        position = found + 1
        if found != entity.body_start and data[found - 1] != 0x0A:
            continue
        rest = _LINE_REST.match(data, found + len(needle), entity.end)
        if rest is None:
            continue
        line_end = min(rest.end() + 1, entity.end)
        if rest.group(1):
            close = (found, line_end)
        else:
            delimiters.append((found, line_end))
    if not delimiters:
        raise entity.error("no part of the multipart starts with its boundary line")
    if close is None:
        raise entity.error(
            "the multipart ends without its closing boundary line; "
            "the mail looks cut off"
        )
    child_type = (
        "message/rfc822" if entity.content_type == "multipart/digest" else "text/plain"
    )
    entity.close = close[0]
    prefix = f"{entity.number}." if entity.number else ""
    next_starts = [d[0] for d in delimiters[1:]] + [close[0]]
    for (delimiter, content_start), next_start in zip(
        delimiters, next_starts, strict=True
    ):
        # The line ending before a boundary line belongs to the boundary.
        content_end = next_start
        if data[content_end - 2 : content_end] == b"\r\n":
            content_end -= 2
        elif data[content_end - 1 : content_end] == b"\n":
            content_end -= 1
        content_end = max(content_end, content_start)
        counter.parts += 1
        if counter.parts > MAX_PARTS:
            raise entity.error(
                f"the mail has more than {MAX_PARTS} MIME parts, the most accepted"
            )
        child = _parse_entity(
            data,
            content_start,
            end=content_end,
            number=f"{prefix}{len(entity.children) + 1}",
            depth=entity.depth + 1,
            default_type=child_type,
            counter=counter,
        )
        entity.children.append(child)
        entity.delimiters.append(delimiter)


def line_ending(data: bytes) -> bytes:
    """The line ending the mail uses: that of its first line (CRLF or LF)."""
    newline = data.find(b"\n")
    return b"\r\n" if newline > 0 and data[newline - 1] == 0x0D else b"\n"


def parse_mail(data: bytes) -> Entity:
    """The structure of the mail in ``data``; MailError when it is not a mail."""
    if len(data) > MAX_MAIL_BYTES:
        raise MailError(
            f"the mail has {len(data)} bytes, more than the {MAX_MAIL_BYTES} "
            "(25 MiB) accepted",
            path=("mail",),
        )
    if not data.strip():
        raise MailError("is empty, not a mail", path=("mail",))
    if data.startswith(b"From "):
        raise MailError(
            "starts with an mbox 'From ' line; pass one RFC 5322 message, "
            "not an mbox file",
            path=("mail",),
        )
    fields, header_end, _ = _parse_fields(data, 0, len(data))
    names = {item.name for item in fields}
    if (
        not fields
        or fields[0].name == ""
        or not names & _MAIL_FIELDS
        or b"\x00" in data[:header_end]
    ):
        raise MailError(
            "is not a mail: it does not start with header fields such as "
            "From:, To:, Subject: or Content-Type:",
            path=("mail",),
        )
    if _BARE_CR.search(data, 0, header_end):
        raise MailError(
            "has a line that ends in a bare CR; only CRLF and LF line endings "
            "are understood",
            path=("mail",),
        )
    return _parse_entity(
        data,
        0,
        end=len(data),
        number="",
        depth=0,
        default_type="text/plain",
        counter=_Counter(),
    )


def parse_header_fields(data: bytes) -> list[tuple[str, str]]:
    """The mail's own header fields as (lower-case name, unfolded value) pairs."""
    return header_values(data, None)


def header_values(data: bytes, name: str | None) -> list[tuple[str, str]]:
    """:func:`parse_header_fields`, only the fields called ``name`` (lower-case)
    when it is given: the others are not unfolded."""
    fields, _, _ = _parse_fields(data, 0, min(len(data), MAX_MAIL_BYTES))
    return [
        (item.name, _unfold(data[item.start : item.end]))
        for item in fields
        if item.name and (name is None or item.name == name)
    ]
