"""insert_summary, case by case: headers, subject prefix, charsets, encodings."""

from __future__ import annotations

import email.header
import re
from pathlib import Path

import pytest

from confirmcheck.mail import (
    COMPLETE_HEADER,
    HTML_BEGIN,
    PART_HEADER,
    PREFIX_HEADER,
    TEXT_HEADING,
    insert_summary,
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
)

CORPUS = Path(__file__).parent / "corpus"
PLAIN = (
    b"From: Hotel <h@example.com>\r\nTo: g@example.com\r\n"
    b"Subject: Your reservation\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=us-ascii\r\n\r\nYour room is booked.\r\n"
)


def _change(data: bytes, **options: object) -> bytes:
    settings: dict[str, object] = {
        "text": TEXT,
        "html": HTML,
        "calendar": None,
        "complete": False,
    }
    settings.update(options)
    return insert_summary(data, **settings)  # type: ignore[arg-type]


def _subject(data: bytes) -> str:
    return str(parse(data)["subject"])


@pytest.mark.parametrize("complete", [True, False])
def test_one_header_says_whether_everything_is_booked(complete: bool) -> None:
    out = _change(PLAIN, complete=complete)
    assert parse(out).get_all(COMPLETE_HEADER) == ["yes" if complete else "no"]
    again = _change(out, complete=not complete)
    assert parse(again).get_all(COMPLETE_HEADER) == ["no" if complete else "yes"]


@pytest.mark.parametrize(
    "prefix", ["[NOT BOOKED: 1]", "NICHT GEBUCHT – 1 von 20:", "🛏️ Prüfen!"]
)
@pytest.mark.parametrize(
    "path",
    [
        CORPUS / "folded-encoded-headers-crlf.eml",
        CORPUS / "alternative-base64-utf8-lf.eml",
    ],
    ids=["encoded-subject", "ascii-subject"],
)
def test_the_subject_prefix_goes_in_front_of_the_subject(
    path: Path, prefix: str
) -> None:
    data = path.read_bytes()
    out = _change(data, subject_prefix=prefix)
    assert _subject(out) == f"{prefix} {_subject(data)}"
    # Readers that decode headers the old way see the same.
    raw = parse(out)["subject"]
    assert raw is not None
    assert _change(out, subject_prefix=prefix) == out
    assert _subject(_change(out, subject_prefix="[OK]")) == f"[OK] {_subject(data)}"
    assert _subject(_change(out)) == _subject(data)
    assert PREFIX_HEADER.lower() not in _change(out).decode().lower()


def test_the_subject_prefix_is_off_by_default() -> None:
    assert _subject(_change(PLAIN)) == "Your reservation"


def test_a_mail_without_subject_gets_one_with_the_prefix() -> None:
    data = b"From: h@example.com\r\nTo: g@example.com\r\n\r\nBooked.\r\n"
    out = _change(data, subject_prefix="[NOT BOOKED]")
    assert _subject(out) == "[NOT BOOKED]"
    assert _change(out, subject_prefix="[NOT BOOKED]") == out


def test_an_encoded_word_prefix_is_encoded_correctly_for_non_ascii() -> None:
    out = _change(PLAIN, subject_prefix="Prüfen:")
    line = next(
        raw for raw in out.split(b"\r\n") if raw.lower().startswith(b"subject:")
    )
    assert line.isascii()
    decoded = email.header.make_header(
        email.header.decode_header(str(parse(out)["subject"]))
    )
    assert str(decoded) == "Prüfen: Your reservation"


def test_a_second_summary_replaces_the_first() -> None:
    first = _change(PLAIN)
    second = _change(first, text="All 20 requested stays are booked as requested.")
    body = text_of(parse(second))
    assert body.count(TEXT_HEADING) == 1
    assert body == text_block("All 20 requested stays are booked as requested.") + (
        "Your room is booked.\n"
    )


def test_a_second_change_without_calendar_removes_the_first_calendar() -> None:
    with_calendar = _change(PLAIN, calendar=ICS)
    without = _change(with_calendar)
    parts = [p for _, p in numbered(parse(without))]
    assert not [p for p in parts if p[PART_HEADER] == "calendar"]
    assert text_of(parse(without).get_body(("plain",))).startswith(TEXT_HEADING)  # type: ignore[arg-type]


def test_a_charset_that_can_carry_the_summary_is_kept() -> None:
    data = (CORPUS / "plain-latin1-8bit-lf.eml").read_bytes()
    out = _change(data, text="NICHT GEBUCHT: 1 von 20 gewünschten Aufenthalten.")
    part = parse(out)
    assert part.get_content_charset() == "iso-8859-1"
    assert part["content-transfer-encoding"] == "8bit"
    assert "gewünschten" in text_of(part)


def test_a_charset_that_cannot_carry_the_summary_becomes_utf8() -> None:
    data = (CORPUS / "plain-latin1-8bit-lf.eml").read_bytes()
    part = parse(_change(data))
    assert part.get_content_charset() == "utf-8"
    assert "–" in text_of(part)
    assert "Grüßen" in text_of(part)


def test_html_keeps_its_charset_and_uses_character_references() -> None:
    data = (CORPUS / "alternative-qp-latin1-crlf.eml").read_bytes()
    html = parse(_change(data)).get_body(("html",))
    assert html is not None
    assert html.get_content_charset() == "iso-8859-1"
    assert "&#8211;" in text_of(html)
    assert html_block(charset="iso-8859-1") in text_of(html)


def test_the_summary_goes_right_after_the_body_tag_with_its_attributes() -> None:
    data = (CORPUS / "related-inline-images-crlf.eml").read_bytes()
    html = parse(_change(data)).get_body(("html",))
    assert html is not None
    assert re.search(r"<body\b[^>]*>" + re.escape(HTML_BEGIN), text_of(html), re.I)


def test_the_summary_goes_into_the_hotels_content_container() -> None:
    data = (CORPUS / "alternative-base64-utf8-lf.eml").read_bytes()
    html = parse(_change(data)).get_body(("html",))
    assert html is not None
    assert (
        """<BODY BGCOLOR="#FFFFFF" onload='track("open")'>\n"""
        """<div style="font-family:Helvetica,Arial,sans-serif;max-width:600px">"""
        + HTML_BEGIN
    ) in text_of(html)


@pytest.mark.parametrize(
    ("html", "before"),
    [
        ("<p>Booked.</p>", ""),
        ("<!DOCTYPE html>\n<p>Booked.</p>", "<!DOCTYPE html>"),
        ("<html><head><title>x</title></head><p>Booked.</p></html>", "</head>"),
        ("<html lang='de'><p>Booked.</p></html>", "<html lang='de'>"),
    ],
    ids=["fragment", "doctype", "head", "html"],
)
def test_without_a_body_tag_the_summary_goes_first_in_the_visible_html(
    html: str, before: str
) -> None:
    data = (
        b"From: h@example.com\nSubject: s\nContent-Type: text/html; charset=utf-8\n\n"
        + html.encode()
    )
    content = text_of(parse(_change(data)))
    assert (
        content[: content.index(HTML_BEGIN)] == html[: html.index(before) + len(before)]
    )


def test_a_long_summary_line_moves_a_7bit_part_to_quoted_printable() -> None:
    out = _change(PLAIN, text="x" * 1200)
    part = parse(out)
    assert part["content-transfer-encoding"] == "quoted-printable"
    assert all(len(line) <= 78 for line in out.split(b"\r\n"))
    assert "x" * 1200 in text_of(part)


def test_a_summary_line_that_reads_as_a_boundary_goes_out_in_base64() -> None:
    data = (CORPUS / "mixed-pdf-crlf.eml").read_bytes()
    out = _change(data, text="--mixed_b5c2--\nNOT BOOKED", calendar=ICS)
    message = parse(out)
    assert not any(p.defects for _, p in numbered(message))
    plain = message.get_body(("plain",))
    assert plain is not None
    assert plain["content-transfer-encoding"] == "base64"
    assert text_of(plain).startswith(TEXT_HEADING + "\n\n--mixed_b5c2--\n")
    assert len([p for _, p in numbered(message) if not p.is_multipart()]) == 4


@pytest.mark.parametrize(
    ("octets", "found"),
    [
        (b"--b\r\nx", True),  # the first line
        (b"x\r\n--b--", True),  # a later line, CRLF
        (b"x\n--bc", True),  # a later line, LF; the boundary is a prefix
        (b"x --b\n", False),  # inside a line
        (b"x\r--b", False),  # a bare CR ends no line
        (b"-b\n- -b", False),
    ],
)
def test_a_boundary_is_found_only_at_the_start_of_a_line(
    octets: bytes, found: bool
) -> None:
    from confirmcheck.mail._codec import has_line_starting

    assert has_line_starting(octets, [b"--a", b"--b"]) is found


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_base64_comes_in_lines_of_76_characters(newline: bytes) -> None:
    import base64

    from confirmcheck.mail._codec import encode_base64

    for size in range(200):
        octets = bytes(range(256))[:size]
        lines = base64.encodebytes(octets).rstrip(b"\n").replace(b"\n", newline)
        assert encode_base64(octets, newline) == lines


def test_a_mail_of_only_header_fields_gets_a_body() -> None:
    out = _change(b"From: h@example.com\r\nSubject: s")
    assert text_of(parse(out)).startswith(text_block())


def test_a_mail_that_is_one_attachment_is_wrapped_with_the_summary_first() -> None:
    data = (
        b"From: h@example.com\nSubject: s\nContent-Language: de\nMIME-Version: 1.0\n"
        b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
        b"Content-Disposition: attachment; filename=c.pdf\n\nJVBERi0xLjQK\n"
    )
    out = _change(data, calendar=ICS)
    message = parse(out)
    assert message.get_content_type() == "multipart/mixed"
    assert message["content-language"] == "de"
    kinds = [p.get_content_type() for p in message.iter_parts()]
    assert kinds == ["multipart/alternative", "application/pdf", "text/calendar"]
    pdf = list(message.iter_parts())[1]
    assert pdf.get_payload(decode=True) == b"%PDF-1.4\n"
    assert b"Content-Disposition: attachment; filename=c.pdf\n\nJVBERi0xLjQK\n" in out
    assert _change(out, calendar=ICS) == out


def test_forwarded_messages_and_attachments_are_never_changed() -> None:
    data = (CORPUS / "forwarded-message-lf.eml").read_bytes()
    out = _change(data, calendar=ICS)
    inner = data[data.index(b"From: Hotel Lindenhof") : data.index(b"\n--fwd-001--")]
    assert inner in out
    cover = parse(out).get_body(("plain",))
    assert cover is not None
    assert text_of(cover).startswith(text_block())
    assert "Hi Sam" in text_of(cover)


def test_a_block_of_an_earlier_version_with_marker_lines_is_replaced() -> None:
    legacy = (
        "=== confirmcheck ===\nNOT BOOKED: 1 of 20 requested stays.\n"
        "=== /confirmcheck ===\n\nYour room is booked.\n"
    )
    data = (
        b"From: h@example.com\nSubject: s\nContent-Type: text/plain\n\n"
        + legacy.encode()
    )
    assert text_of(parse(_change(data))) == text_block() + "Your room is booked.\n"


def test_a_mail_that_only_mentions_the_heading_later_is_left_as_it_was() -> None:
    hotel = f"Dear guest,\n\n{TEXT_HEADING}\n--------\n\nYour room is booked.\n"
    data = (
        b"From: h@example.com\nSubject: s\nContent-Type: text/plain\n\n"
        + hotel.encode()
    )
    assert text_of(parse(_change(data))) == text_block() + hotel


@pytest.mark.parametrize(
    ("body", "before"),
    [
        ('<div style="max-width:600px;margin:0 auto">', 'margin:0 auto">'),
        ('<table align="center" width="600"><tr><td class="c">', '<td class="c">'),
        ('<table style="width:640px;margin:0 auto"><tbody><tr><td>', "<td>"),
        (
            '<center><table width="100%"><tr><td align="center">'
            '<div style="max-width:560px">',
            'max-width:560px">',
        ),
        (
            '<div style="display:none">preview</div>\n<div style="max-width:600px">',
            'max-width:600px">',
        ),
        ('<table width="300"><tr><td>', "<body>"),  # narrow, not centred
        ('<table align="center" width="100%"><tr><td>x</td><td>', "<body>"),
        ("<p>", "<body>"),
    ],
    ids=[
        "centred-div",
        "centred-table",
        "styled-table",
        "wrappers",
        "preheader",
        "narrow-box",
        "no-fixed-width",
        "text",
    ],
)
def test_the_summary_goes_into_a_recognised_container_else_after_the_body_tag(
    body: str, before: str
) -> None:
    html = f"<html><body>{body}<p>Dear guest,</p></body></html>"
    data = b"From: h@example.com\nContent-Type: text/html\n\n" + html.encode()
    content = text_of(parse(_change(data)))
    assert content[: content.index(HTML_BEGIN)].endswith(before)
