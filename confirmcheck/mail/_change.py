"""Splice the summary into a mail: every byte outside the changed parts is copied.

:func:`insert_summary` learns the structure of the mail as byte offsets
(:mod:`._structure`), decides which parts change and how, and writes the result
as a list of slices of the original bytes with the new pieces in between.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from confirmcheck.errors import InputError
from confirmcheck.mail import _blocks
from confirmcheck.mail._codec import (
    CodecError,
    decode_body,
    decode_text,
    encode_base64,
    encode_quoted_printable,
    fits_identity_encoding,
    has_line_starting,
)
from confirmcheck.mail._structure import (
    DkimSignedError,
    Entity,
    MailError,
    SignedMailError,
    line_ending,
    parse_mail,
)

__all__ = [
    "CALENDAR_FILENAME",
    "COMPLETE_HEADER",
    "PART_HEADER",
    "PREFIX_HEADER",
    "insert_summary",
]

CALENDAR_FILENAME = "booking-summary.ics"
"""The file name of the calendar attached to the mail."""
COMPLETE_HEADER = "X-Confirmcheck-Complete"
"""Added to the mail: ``yes`` when everything is booked as requested, else ``no``."""
PREFIX_HEADER = "X-Confirmcheck-Subject-Prefix"
"""Added with a subject prefix: the prefix as put in the Subject (encoded words)."""
PART_HEADER = "X-Confirmcheck-Part"
"""On every part confirmcheck adds: ``summary`` or ``calendar``."""

MAX_PREFIX_CHARS = 100
"""The longest subject prefix accepted, in characters."""

_MARKERS = frozenset({"summary", "calendar"})
_SIGNED = frozenset({"multipart/signed", "multipart/encrypted"})
_PKCS7 = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
# Header fields that describe the content and move with it into the first part
# when the mail is wrapped in a multipart/mixed. Content-Language stays: it says
# which language the mail is in, and the locale is picked from it.
_KEEP_ON_TOP = frozenset({"content-language"})
_Q_LITERAL = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/"
)

_Fields = list[tuple[str, bytes]]


@dataclass(slots=True)
class _Edit:
    """How one entity changes; None/empty means "as it was"."""

    fields: _Fields | None = None
    body: bytes | None = None
    drop: set[int] = field(default_factory=set)
    prepend: list[bytes] = field(default_factory=list)
    append: list[bytes] = field(default_factory=list)


def _fields_of(data: bytes, entity: Entity) -> _Fields:
    return [(item.name, data[item.start : item.end]) for item in entity.fields]


def _join_fields(fields: _Fields, newline: bytes) -> bytes:
    out: list[bytes] = []
    for index, (_, raw) in enumerate(fields):
        out.append(raw)
        if index + 1 < len(fields) and not raw.endswith(b"\n"):
            out.append(newline)
    return b"".join(out)


def _find_bodies(entity: Entity) -> list[Entity]:
    """The text parts a reader sees first, which get the summary."""
    if entity.is_attachment or entity.marker in _MARKERS:
        return []
    if entity.content_type in _TEXT_TYPES:
        return [entity]
    if not entity.is_multipart:
        return []
    if entity.content_type == "multipart/alternative":
        # Every variant: the reader's program picks one, so each gets the summary.
        return [body for child in entity.children for body in _find_bodies(child)]
    if entity.content_type == "multipart/related":
        root = _related_root(entity)
        return [] if root is None else _find_bodies(root)
    # multipart/mixed and any other multipart: the first part that has a body.
    for child in entity.children:
        found = _find_bodies(child)
        if found:
            return found
    return []


def _related_root(entity: Entity) -> Entity | None:
    if entity.related_start:
        # The parameter parser drops the angle brackets of "<cid>"; compare bare.
        wanted = entity.related_start.strip("<>")
        for child in entity.children:
            if child.content_id is not None and child.content_id.strip("<>") == wanted:
                return child
    return entity.children[0] if entity.children else None


def _walk(entity: Entity) -> list[Entity]:
    out = [entity]
    for child in entity.children:
        out.extend(_walk(child))
    return out


def _refuse_signed(root: Entity, *, allow_dkim: bool) -> None:
    for entity in _walk(root):
        if entity.content_type in _SIGNED or (
            entity.content_type in _PKCS7 and not entity.is_attachment
        ):
            raise entity.error(
                "the mail is signed or encrypted, and the change would break the "
                "signature or cannot see the text; attach the summary before the "
                "mail is signed or encrypted",
                SignedMailError,
            )
    if not allow_dkim and any(item.name == "dkim-signature" for item in root.fields):
        raise DkimSignedError(
            "the mail carries a DKIM-Signature that the change would break; attach "
            "the summary before the mail is DKIM-signed, or allow it explicitly "
            "(allow_dkim=True, --allow-dkim) and sign the mail again afterwards",
            path=("mail",),
        )


def _boundary(kind: str, seed: bytes, taken: bytes) -> str:
    # Derived from content, never from a clock or random numbers: the same input
    # gives the same output. "=_" cannot occur in quoted-printable or base64 text.
    digest = hashlib.sha256(seed).hexdigest()
    for length in range(24, 65, 8):
        candidate = f"=_confirmcheck_{kind}_{digest[:length]}"
        if b"--" + candidate.encode() not in taken:
            return candidate
    raise MailError("no unused MIME boundary could be made", path=("mail",))


def _set_charset(fields: _Fields, content_type: str, newline: bytes) -> _Fields:
    for index, (name, raw) in enumerate(fields):
        if name != "content-type":
            continue
        changed, count = re.subn(
            rb"(?i)(;[ \t\r\n]*charset[ \t]*=[ \t]*)(\"[^\"]*\"|[^\s;\"]+)",
            rb'\1"utf-8"',
            raw,
            count=1,
        )
        if not count:
            body = raw.rstrip(b"\r\n")
            changed = body + b'; charset="utf-8"' + raw[len(body) :]
        return [*fields[:index], (name, changed), *fields[index + 1 :]]
    line = f'Content-Type: {content_type}; charset="utf-8"'.encode() + newline
    return [*fields, ("content-type", line)]


def _set_transfer_encoding(fields: _Fields, encoding: str, newline: bytes) -> _Fields:
    line = f"Content-Transfer-Encoding: {encoding}".encode() + newline
    for index, (name, raw) in enumerate(fields):
        if name == "content-transfer-encoding":
            if not raw.endswith(b"\n"):
                line = line[: -len(newline)]
            return [
                *fields[:index],
                ("content-transfer-encoding", line),
                *fields[index + 1 :],
            ]
    return [*fields, ("content-transfer-encoding", line)]


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (Q encoding, UTF-8), each ≤ 75 chars."""
    words: list[str] = []
    current = ""
    for char in text:
        if char == " ":
            piece = "_"
        else:
            piece = "".join(
                chr(byte) if byte in _Q_LITERAL else f"={byte:02X}"
                for byte in char.encode("utf-8")
            )
        if len(current) + len(piece) > 75 - len("=?utf-8?q??="):
            words.append(f"=?utf-8?q?{current}?=")
            current = ""
        current += piece
    words.append(f"=?utf-8?q?{current}?=")
    return words


def _check_prefix(prefix: str) -> str:
    text = prefix.strip()
    if not text:
        raise InputError(
            "must not be empty (leave it out instead)", path=("subject_prefix",)
        )
    if len(text) > MAX_PREFIX_CHARS:
        raise InputError(
            f"has {len(text)} characters, more than the {MAX_PREFIX_CHARS} accepted",
            path=("subject_prefix",),
        )
    if not text.isprintable():
        raise InputError("must be one line of printable text", path=("subject_prefix",))
    return text


class _Change:
    """One change of one mail; built, then written out once."""

    def __init__(self, data: bytes, root: Entity, newline: bytes) -> None:
        self.data = data
        self.root = root
        self.newline = newline
        self.edits: dict[int, _Edit] = {}
        self.touched: set[int] = set()
        self.boundaries = [
            b"--" + entity.boundary.encode("ascii", "surrogateescape")
            for entity in _walk(root)
            if entity.boundary and entity.is_multipart
        ]

    def edit(self, entity: Entity) -> _Edit:
        """The edit of ``entity``, made on first use, and its ancestors touched."""
        self._touch(self.root, entity)
        return self.edits.setdefault(id(entity), _Edit())

    def _touch(self, current: Entity, target: Entity) -> bool:
        if current is target or any(self._touch(c, target) for c in current.children):
            self.touched.add(id(current))
            return True
        return False

    # --- the text parts ------------------------------------------------------------

    def change_text(self, entity: Entity, text_summary: str, html_summary: str) -> None:
        """Put the summary at the top of one text/plain or text/html part."""
        newline = self.newline.decode()
        raw = self.data[entity.body_start : entity.end]
        try:
            octets = decode_body(raw, entity.transfer_encoding)
            text, codec = decode_text(octets, entity.charset)
        except CodecError as error:
            raise entity.error(str(error)) from None
        is_html = entity.content_type == "text/html"
        try:
            text = (
                _blocks.remove_html_block(text)
                if is_html
                else _blocks.remove_text_block(text)
            )
        except _blocks.BlockError as error:
            raise entity.error(str(error)) from None
        part_newline = _blocks.text_newline(text, newline)
        if is_html:
            new_text = _blocks.insert_html(
                text, _blocks.html_block(html_summary, part_newline)
            )
        else:
            new_text = _blocks.insert_text(
                text, _blocks.text_block(text_summary, part_newline)
            )
        fields = _fields_of(self.data, entity)
        octets, utf8 = self._encode_text(
            new_text, codec, declared=entity.charset is not None, is_html=is_html
        )
        if utf8:
            fields = _set_charset(fields, entity.content_type, self.newline)
        body, encoding = self._transfer_encode(octets, entity.transfer_encoding, raw)
        if encoding != entity.transfer_encoding:
            fields = _set_transfer_encoding(fields, encoding, self.newline)
        edit = self.edit(entity)
        edit.body = body
        if fields != _fields_of(self.data, entity):
            edit.fields = fields

    @staticmethod
    def _encode_text(
        text: str, codec: str | None, *, declared: bool, is_html: bool
    ) -> tuple[bytes, bool]:
        """The text in its own charset where it fits; the flag: declare UTF-8 now."""
        if is_html:
            # HTML carries any character in any charset as a character reference,
            # so the part keeps its charset (and any <meta charset> stays true).
            octets = text.encode(codec or "ascii", "xmlcharrefreplace")
        else:
            try:
                octets = text.encode(codec or "ascii")
            except UnicodeEncodeError:
                return text.encode("utf-8"), True
        # UTF-8 found in a part that declared no charset: declare it now.
        return octets, not declared and codec == "utf-8" and not octets.isascii()

    def _transfer_encode(
        self, octets: bytes, encoding: str, raw: bytes
    ) -> tuple[bytes, str]:
        newline = self.newline
        if encoding in ("7bit", "8bit", "binary") and fits_identity_encoding(
            octets, encoding
        ):
            body = octets
        elif encoding in ("7bit", "8bit", "binary", "quoted-printable"):
            encoding = "quoted-printable"
            body = encode_quoted_printable(octets, newline)
        else:
            encoding = "base64"
            body = b""
        if encoding != "base64" and has_line_starting(body, self.boundaries):
            # A line of the text would read as a boundary line: base64 has no "-".
            encoding = "base64"
        if encoding == "base64":
            stripped = raw.rstrip(b"\r\n")
            tail = raw[len(stripped) :] if raw.endswith(b"\n") else b""
            body = encode_base64(octets, newline) + tail
        return body, encoding

    # --- the parts confirmcheck adds ------------------------------------------------

    def summary_part(self, text_summary: str, html_summary: str) -> bytes:
        """A multipart/alternative part holding only the summary."""
        newline = self.newline
        text = _blocks.text_block(text_summary, newline.decode()).encode()
        html = _blocks.html_block(html_summary, newline.decode()).encode()
        boundary = _boundary("summary", text + b"\0" + html, b"")
        self.boundaries.append(b"--" + boundary.encode())
        pieces = []
        for content_type, octets in (("text/plain", text), ("text/html", html)):
            body, encoding = self._transfer_encode(octets, "quoted-printable", b"")
            pieces.append(
                f"--{boundary}".encode()
                + newline
                + f'Content-Type: {content_type}; charset="utf-8"'.encode()
                + newline
                + f"Content-Transfer-Encoding: {encoding}".encode()
                + newline
                + newline
                + body
                + newline
            )
        return (
            f'Content-Type: multipart/alternative; boundary="{boundary}"'.encode()
            + newline
            + b"Content-Disposition: inline"
            + newline
            + f"{PART_HEADER}: summary".encode()
            + newline
            + newline
            + b"".join(pieces)
            + f"--{boundary}--".encode()
        )

    def calendar_part(self, calendar: bytes) -> bytes:
        """A text/calendar attachment named booking-summary.ics."""
        newline = self.newline
        return (
            b'Content-Type: text/calendar; charset="utf-8"; method=PUBLISH;'
            + newline
            + f' name="{CALENDAR_FILENAME}"'.encode()
            + newline
            + b"Content-Disposition: attachment;"
            + newline
            + f' filename="{CALENDAR_FILENAME}"'.encode()
            + newline
            + b"Content-Transfer-Encoding: base64"
            + newline
            + f"{PART_HEADER}: calendar".encode()
            + newline
            + newline
            + encode_base64(calendar, newline)
        )

    def segment(self, boundary: str, part: bytes) -> bytes:
        """A part with its boundary line, ready to go before another boundary line."""
        return (
            b"--"
            + boundary.encode("ascii", "surrogateescape")
            + self.newline
            + part
            + self.newline
        )

    # --- writing -----------------------------------------------------------------

    def write(self, entity: Entity, out: list[bytes]) -> None:
        """Append the bytes of ``entity`` (changed or copied) to ``out``."""
        data = self.data
        if id(entity) not in self.touched:
            out.append(data[entity.start : entity.end])
            return
        edit = self.edits.get(id(entity))
        header = (
            data[entity.start : entity.header_end]
            if edit is None or edit.fields is None
            else _join_fields(edit.fields, self.newline)
        )
        out.append(header)
        out.append(self._separator(entity, header))
        self.write_body(entity, out)

    def _separator(self, entity: Entity, header: bytes) -> bytes:
        separator = self.data[entity.header_end : entity.body_start]
        if separator:
            return separator
        # A mail that ended after its header fields gets its blank line now.
        return self.newline if header.endswith(b"\n") else self.newline * 2

    def write_body(self, entity: Entity, out: list[bytes]) -> None:
        """Append the body of ``entity`` (changed or copied) to ``out``."""
        data = self.data
        edit = self.edits.get(id(entity)) or _Edit()
        if edit.body is not None:
            out.append(edit.body)
            return
        if not entity.children:
            out.append(data[entity.body_start : entity.end])
            return
        out.append(data[entity.body_start : entity.delimiters[0]])
        out.extend(edit.prepend)
        ends = [*entity.delimiters[1:], entity.close]
        for index, child in enumerate(entity.children):
            if index in edit.drop:
                continue
            out.append(data[entity.delimiters[index] : child.start])
            self.write(child, out)
            between = data[child.end : ends[index]]
            if not between and child.start == child.end and id(child) in self.touched:
                # An empty part ("--B" right after "--B") has no line ending of
                # its own before the next boundary line; once it has content, it
                # needs one, as every part has: else attaching again adds it.
                between = self.newline
            out.append(between)
        out.extend(edit.append)
        out.append(data[entity.close : entity.end])


def _subject_edit(
    fields: _Fields, recorded: bytes | None, prefix: str | None, newline: bytes
) -> tuple[_Fields, list[str] | None]:
    """The fields with the Subject prefixed, and the words of the prefix.

    ``recorded`` is the PREFIX_HEADER field of an earlier change: the prefix it
    put in front of the Subject, which is taken off first.
    """
    index = next((i for i, (name, _) in enumerate(fields) if name == "subject"), None)
    value = b""
    name_raw = b"Subject:"
    if index is not None:
        raw = fields[index][1]
        colon = raw.index(b":")
        name_raw, value = raw[: colon + 1], raw[colon + 1 :]
        if recorded is not None:
            old_words = recorded.split(b":", 1)[1].split()
            pattern = (
                rb"\A[ \t]*"
                + rb"(?:\r?\n)?[ \t]+".join(re.escape(w) for w in old_words)
                + rb"(?:\r?\n[ \t]+|[ \t]*(?=\r?\n\Z|\Z))"
            )
            match = re.match(pattern, value)
            if match:
                value = value[match.end() :]
    rest = value.lstrip(b" \t")
    if not rest.strip():
        rest = b""
    if prefix is None:
        if index is None:
            return fields, None
        subject = name_raw + (b" " + rest if rest else newline)
        return [*fields[:index], ("subject", subject), *fields[index + 1 :]], None
    text = _check_prefix(prefix)
    if text.isascii() and "=?" not in text:
        words = [text]
    else:
        # Whitespace between two encoded words is dropped by readers, so the
        # blank that separates prefix and subject goes inside the last word then.
        words = _encoded_words(text + " " if rest.startswith(b"=?") else text)
    joined = (newline + b" ").join(word.encode("ascii") for word in words)
    subject = name_raw + b" " + joined + (newline + b" " + rest if rest else newline)
    if index is None:
        return [*fields, ("subject", subject)], words
    return [*fields[:index], ("subject", subject), *fields[index + 1 :]], words


def insert_summary(
    message: bytes,
    *,
    text: str,
    html: str,
    calendar: bytes | None,
    complete: bool,
    subject_prefix: str | None = None,
    allow_dkim: bool = False,
) -> bytes:
    """Put already rendered summaries into a mail; returns the changed mail's bytes.

    ``text`` goes at the top of every text/plain body a reader sees, ``html`` (a
    fragment) right after the ``<body>`` tag of every text/html body; a mail
    without such a body gets a new first part with both. ``calendar`` (iCalendar
    bytes) is attached as ``booking-summary.ics`` unless it is None. The header
    ``X-Confirmcheck-Complete: yes|no`` tells ``complete``; ``subject_prefix``,
    if given, goes in front of the Subject. Every other byte is copied as it was;
    a second call replaces what the first added. Raises :class:`MailError` (and
    changes nothing) for what cannot be changed safely; see docs/mail.md.
    """
    if not isinstance(message, bytes | bytearray | memoryview):
        raise TypeError(f"message must be bytes, not {type(message).__name__}")
    data = bytes(message)
    if subject_prefix is not None:
        _check_prefix(subject_prefix)
    root = parse_mail(data)
    _refuse_signed(root, allow_dkim=allow_dkim)
    newline = line_ending(data)
    change = _Change(data, root, newline)

    # What an earlier change added goes first, so that it is replaced, not doubled.
    for entity in _walk(root):
        for index, child in enumerate(entity.children):
            if child.marker in _MARKERS:
                change.edit(entity).drop.add(index)

    bodies = _find_bodies(root)
    for body in bodies:
        change.change_text(body, text, html)

    new_parts: list[bytes] = []
    if not bodies:
        new_parts.append(change.summary_part(text, html))
    calendar_part = None if calendar is None else change.calendar_part(calendar)
    wrap = bool(new_parts or calendar_part) and root.content_type != "multipart/mixed"

    root_edit = change.edit(root)
    fields = (
        root_edit.fields if root_edit.fields is not None else _fields_of(data, root)
    )
    moved: _Fields = []
    if wrap:
        boundary = _boundary("mixed", data, data)
        change.boundaries.append(b"--" + boundary.encode())
        moved = [
            (name, raw)
            for name, raw in fields
            if name.startswith("content-") and name not in _KEEP_ON_TOP
        ]
        kept = [
            (name, raw)
            for name, raw in fields
            if not (name.startswith("content-") and name not in _KEEP_ON_TOP)
        ]
        mixed = (
            "content-type",
            f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode() + newline,
        )
        at = next(
            (i for i, (name, _) in enumerate(fields) if name == "content-type"), None
        )
        if at is None:
            kept.append(mixed)
        else:
            position = sum(
                1
                for name, _ in fields[:at]
                if not (name.startswith("content-") and name not in _KEEP_ON_TOP)
            )
            kept.insert(position, mixed)
        fields = kept
    else:
        boundary = root.boundary or ""

    recorded = next(
        (raw for name, raw in fields if name == PREFIX_HEADER.lower()), None
    )
    fields = [(n, r) for n, r in fields if not n.startswith("x-confirmcheck-")]
    fields, words = _subject_edit(fields, recorded, subject_prefix, newline)
    if not any(name == "mime-version" for name, _ in fields):
        fields.append(("mime-version", b"MIME-Version: 1.0" + newline))
    fields.append(
        (
            COMPLETE_HEADER.lower(),
            f"{COMPLETE_HEADER}: {'yes' if complete else 'no'}".encode() + newline,
        )
    )
    if words is not None:
        folded = (newline + b" ").join(word.encode("ascii") for word in words)
        fields.append(
            (PREFIX_HEADER.lower(), f"{PREFIX_HEADER}: ".encode() + folded + newline)
        )
    root_edit.fields = fields

    out: list[bytes] = []
    if not wrap:
        if new_parts:
            root_edit.prepend.extend(change.segment(boundary, p) for p in new_parts)
        if calendar_part is not None:
            root_edit.append.append(change.segment(boundary, calendar_part))
        change.write(root, out)
        return b"".join(out)

    header = _join_fields(fields, newline)
    out.append(header)
    out.append(change._separator(root, header))
    for part in new_parts:
        out.append(change.segment(boundary, part))
    moved_header = _join_fields(moved, newline)
    if moved_header and not moved_header.endswith(b"\n"):
        # The field was the mail's last line, without a line ending.
        moved_header += newline
    content: list[bytes] = [moved_header]
    original_separator = data[root.header_end : root.body_start]
    content.append(original_separator or newline)
    change.write_body(root, content)
    out.append(change.segment(boundary, b"".join(content)))
    if calendar_part is not None:
        out.append(change.segment(boundary, calendar_part))
    out.append(f"--{boundary}--".encode() + newline)
    return b"".join(out)
