"""Hypothesis-generated MIME trees: the change is safe for any well-formed mail.

For every generated mail: the result parses without defects, every text part a
reader sees starts with the summary and still holds all of its text, every other
part is byte for byte where it was, and changing twice equals changing once.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confirmcheck import SUPPORTED_LOCALES
from confirmcheck.mail import HTML_BEGIN, MailError, insert_summary, text_heading
from confirmcheck.mail._codec import (
    decode_body,
    encode_base64,
    encode_quoted_printable,
)
from tests.mail.oracle import (
    HTML,
    ICS,
    TEXT,
    html_block,
    numbered,
    parse,
    text_block,
    text_of,
    visible_text_parts,
)

WORDS = [
    "Booked",
    "room",
    "Zimmer",
    "Grüße",
    "Nacht",
    "–",
    "€",
    "=",
    "--",
    ".",
    "From",
    "é",
    "<b>",
    "&amp;",
    "  ",
    "\t",
    "x" * 90,
]
SUMMARIES = [
    (TEXT, HTML),
    ("All 3 requested stays are booked as requested (12 nights).", "<p>All booked</p>"),
    ("--=_b0--\nNOT BOOKED: 1 of 2", "<p>--=_b0</p>"),
]


@dataclass
class Mail:
    """A generated mail and what must survive the change unchanged."""

    newline: str
    boundary_count: int = 0
    kept: list[bytes] = field(default_factory=list)
    leaves: dict[str, bytes] = field(default_factory=dict)


def _text(draw: st.DrawFn, charset: str | None, ascii_only: bool) -> str:
    words = [
        w
        for w in WORDS
        if (w.isascii() or not ascii_only)
        and (charset in (None, "utf-8") or _fits(w, charset or "ascii"))
    ]
    lines = draw(
        st.lists(st.lists(st.sampled_from(words), max_size=8).map(" ".join), max_size=6)
    )
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")


def _fits(word: str, charset: str) -> bool:
    try:
        word.encode(charset)
    except UnicodeEncodeError:
        return False
    return True


def _encode(octets: bytes, encoding: str | None, newline: bytes) -> bytes:
    if encoding == "base64":
        return encode_base64(octets, newline)
    if encoding == "quoted-printable":
        return encode_quoted_printable(octets, newline)
    return octets


@st.composite
def text_part(draw: st.DrawFn, mail: Mail) -> tuple[list[str], bytes]:
    subtype = draw(st.sampled_from(["plain", "html"]))
    charset = draw(st.sampled_from([None, "us-ascii", "iso-8859-1", "utf-8"]))
    encoding = draw(
        st.sampled_from([None, "7bit", "8bit", "quoted-printable", "base64"])
    )
    ascii_only = encoding in (None, "7bit") or charset in (None, "us-ascii")
    text = _text(draw, charset, ascii_only)
    if subtype == "html" and draw(st.booleans()):
        text = (
            "<html><head><title>t</title></head>"
            f'<body class="c" style="margin:0">{text}</body></html>'
        )
    newline = mail.newline
    octets = text.replace("\n", newline).encode(charset or "ascii")
    headers = [
        f"Content-Type: text/{subtype}" + (f"; charset={charset}" if charset else "")
    ]
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    disposition = draw(st.sampled_from([None, "inline", "attachment"]))
    if disposition:
        headers.append(f"Content-Disposition: {disposition}")
    return headers, _encode(octets, encoding, newline.encode())


@st.composite
def other_part(draw: st.DrawFn, mail: Mail) -> tuple[list[str], bytes]:
    kind = draw(st.sampled_from(["image", "pdf", "rfc822", "calendar"]))
    newline = mail.newline.encode()
    if kind == "image":
        blob = draw(st.binary(min_size=1, max_size=120))
        return [
            "Content-Type: image/png",
            "Content-Transfer-Encoding: base64",
            f"Content-ID: <img{draw(st.integers(0, 99))}@example.com>",
        ], encode_base64(blob, newline)
    if kind == "pdf":
        blob = b"%PDF-1.4\n" + draw(st.binary(max_size=200))
        return [
            'Content-Type: application/pdf; name="c.pdf"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="c.pdf"',
        ], encode_base64(blob, newline)
    if kind == "calendar":
        return [
            "Content-Type: text/calendar; method=REQUEST; charset=utf-8",
        ], b"BEGIN:VCALENDAR" + newline + b"END:VCALENDAR"
    inner = newline.join(
        [
            b"From: hotel@example.com",
            b"Subject: inner",
            b"Content-Type: text/plain",
            b"",
            b"The forwarded confirmation.",
        ]
    )
    return ["Content-Type: message/rfc822"], inner


@st.composite
def entity(draw: st.DrawFn, mail: Mail, depth: int) -> tuple[list[str], bytes]:
    choice = draw(
        st.sampled_from(["text", "other", "multi"] if depth < 3 else ["text", "other"])
    )
    if choice == "text":
        headers, body = draw(text_part(mail))
    elif choice == "other":
        headers, body = draw(other_part(mail))
    else:
        return draw(multipart(mail, depth))
    # A leaf that is no visible text must come out exactly as it went in; which
    # leaves are visible is decided after the whole mail is built, by this name.
    name = str(len(mail.leaves))
    headers = [*headers, f"X-Leaf: {name}"]
    mail.leaves[name] = _join(headers, body, mail.newline) if depth else body
    return headers, body


@st.composite
def multipart(draw: st.DrawFn, mail: Mail, depth: int) -> tuple[list[str], bytes]:
    subtype = draw(st.sampled_from(["mixed", "alternative", "related"]))
    boundary = f"=_b{mail.boundary_count}"
    mail.boundary_count += 1
    newline = mail.newline.encode()
    children = draw(st.lists(entity(mail, depth + 1), min_size=1, max_size=3))
    preamble = draw(
        st.sampled_from([b"", b"This is a multi-part message in MIME format."])
    )
    epilogue = draw(st.sampled_from([b"", b"epilogue text" + newline]))
    body = preamble + newline if preamble else b""
    for headers, child in children:
        body += (
            b"--" + boundary.encode() + newline + _join(headers, child, mail.newline)
        )
        body += newline
    body += b"--" + boundary.encode() + b"--" + newline + epilogue
    if preamble:
        mail.kept.append(preamble)
    if epilogue:
        mail.kept.append(epilogue)
    return [f'Content-Type: multipart/{subtype}; boundary="{boundary}"'], body


def _join(headers: list[str], body: bytes, newline: str) -> bytes:
    head = "".join(h + newline for h in headers)
    return head.encode() + newline.encode() + body


@st.composite
def mails(draw: st.DrawFn) -> tuple[bytes, Mail]:
    mail = Mail(newline=draw(st.sampled_from(["\r\n", "\n"])))
    headers, body = draw(entity(mail, 0))
    top = [
        "From: Hotel <hotel@example.com>",
        "To: guest@example.com",
        "Subject: =?utf-8?q?Best=C3=A4tigung?= of your stays",
        "Date: Mon, 5 Jan 2026 10:00:00 +0100",
        "MIME-Version: 1.0",
    ]
    data = _join(top + headers, body, mail.newline)
    mail.kept.extend(h.encode() + mail.newline.encode() for h in top)
    return data, mail


DETAIL = '<table data-confirmcheck="detail"><tr><td>every stay</td></tr></table>'


def _change(
    data: bytes, summary: tuple[str, str], calendar: bool, locale: str = "en"
) -> bytes:
    return insert_summary(
        data,
        text=summary[0],
        html=summary[1],
        html_detail=DETAIL,
        calendar=ICS if calendar else None,
        complete=False,
        locale=locale,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mails(),
    st.sampled_from(SUMMARIES),
    st.booleans(),
    st.sampled_from(SUPPORTED_LOCALES),
    st.sampled_from(SUPPORTED_LOCALES),
)
def test_any_mail_gets_the_summary_and_keeps_everything_else(
    generated: tuple[bytes, Mail],
    summary: tuple[str, str],
    calendar: bool,
    locale: str,
    second_locale: str,
) -> None:
    data, mail = generated
    before = parse(data)
    assert not any(part.defects for _, part in numbered(before))
    out = _change(data, summary, calendar, locale)

    after = parse(out)
    assert not any(part.defects for _, part in numbered(after))
    visible = visible_text_parts(after)
    assert visible
    for _, part in visible:
        text = text_of(part)
        if part.get_content_type() == "text/plain":
            assert text.startswith(text_block(summary[0], text_heading(locale)))
        else:
            charset = part.get_content_charset() or "us-ascii"
            assert html_block(summary[1], charset) in text
            assert text.count(HTML_BEGIN) == 2  # the summary and the detail

    # Every part that is no visible text, every preamble and epilogue, and every
    # header field of the mail is still there byte for byte.
    changed = {str(part["X-Leaf"]) for _, part in visible_text_parts(before)}
    for name, kept in mail.leaves.items():
        if name not in changed:
            assert kept in out
    for kept in mail.kept:
        assert kept in out

    assert _change(out, summary, calendar, locale) == out
    # A re-send, in another language and with other words, replaces the block:
    # the guest reads the same as after one change (byte for byte but for a
    # charset parameter the first change had to declare, which stays).
    other = SUMMARIES[(SUMMARIES.index(summary) + 1) % len(SUMMARIES)]
    assert _decoded(_change(out, other, calendar, second_locale)) == _decoded(
        _change(data, other, calendar, second_locale)
    )


def _decoded(data: bytes) -> list[tuple[str, str]]:
    return [
        (number, text_of(part) if part.get_content_maintype() == "text" else "")
        for number, part in numbered(parse(data))
    ]


@given(st.binary(max_size=400), st.sampled_from([b"\r\n", b"\n"]))
def test_quoted_printable_decodes_to_exactly_what_was_encoded(
    octets: bytes, newline: bytes
) -> None:
    encoded = encode_quoted_printable(octets, newline)
    assert decode_body(encoded, "quoted-printable") == octets
    assert all(len(line) <= 76 for line in encoded.split(newline))
    assert encoded.isascii()


def _b2a_qp_by_line(octets: bytes, newline: bytes) -> bytes:
    out = []
    for line in octets.split(newline):
        encoded = binascii.b2a_qp(line, quotetabs=False, istext=False)
        out.append(encoded.replace(b"=\n", b"=" + newline))
    return newline.join(out)


# Long lines of mostly printable ASCII, as HTML mails have them, with the bytes
# that b2a_qp treats specially: "=", blanks (at the end too), dots, stray line
# breaks, 8-bit bytes.
_QP_PIECES = st.sampled_from(
    [b"a", b"word ", b"=", b"==", b" ", b"\t", b".", b"x" * 70, b"y" * 73]
)
_QP_RARE = st.sampled_from([b"\r", b"\n", b"\xc3\xa4", b"\x00"])
_QP_LINES = st.lists(
    st.one_of(
        st.lists(_QP_PIECES, max_size=60),
        st.lists(st.one_of(_QP_PIECES, _QP_RARE), max_size=60),
    ).map(b"".join),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300)
@given(_QP_LINES, st.sampled_from([b"\r\n", b"\n"]))
def test_quoted_printable_is_what_b2a_qp_writes_line_by_line(
    lines: list[bytes], newline: bytes
) -> None:
    # Long plain lines are cut by slices, not by b2a_qp: the bytes must not change.
    octets = newline.join(lines)
    assert encode_quoted_printable(octets, newline) == _b2a_qp_by_line(octets, newline)


def test_quoted_printable_breaks_long_lines_where_b2a_qp_does() -> None:
    # Every column an escape or the last byte can fall on, for both line endings.
    for newline in (b"\n", b"\r\n"):
        for k in range(70, 420):
            for line in (
                b"x" * k,
                b"x" * k + b"=",
                b"x" * (k - 200) + b"=" + b"y" * 200,
                b"x" * 200 + b"=" * (k - 200),
                (b"ab=" * k)[:k],
                b"x" * k + b" y",
                *(
                    b"x" * at + b"=" + b"y" * (k - at)
                    for at in (72, 73, 74, 75, 76, 147, 148, 149)
                ),
            ):
                octets = line + newline + line
                assert encode_quoted_printable(octets, newline) == _b2a_qp_by_line(
                    octets, newline
                ), (newline, line)


@given(st.binary(max_size=400), st.sampled_from([b"\r\n", b"\n"]))
def test_base64_decodes_to_exactly_what_was_encoded(
    octets: bytes, newline: bytes
) -> None:
    encoded = encode_base64(octets, newline)
    assert decode_body(encoded, "base64") == octets
    assert base64.b64decode(encoded.replace(newline, b"")) == octets
    assert all(len(line) <= 76 for line in encoded.split(newline))
    assert binascii.a2b_base64(encoded) == octets


CORPUS_MAILS = sorted(Path(__file__).parent.glob("*/*.eml"))


@st.composite
def damaged_mails(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS_MAILS)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "drop"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(
                st.sampled_from([b"\r\n", b"\n", b"--", b"=", b"=?", b":", b"\x00"])
            )
        else:
            del data[at : at + draw(st.integers(1, 40))]
        if not data:
            break
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(damaged_mails(), st.booleans())
def test_a_damaged_mail_is_changed_safely_or_refused_with_a_mail_error(
    data: bytes, calendar: bool
) -> None:
    refused: MailError | None = None
    try:
        out = _change(data, SUMMARIES[0], calendar)
    except MailError as error:
        refused = error
    if refused is not None:
        assert refused.problems[0].path[0] == "mail"
    else:
        assert _change(out, SUMMARIES[0], calendar) == out
