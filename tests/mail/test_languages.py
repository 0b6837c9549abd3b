"""The summary in every supported language, in every kind of mail: attaching twice
equals attaching once, and a re-send replaces the block, also when the report or
the language changed in between. The guest's decoded text shows no marker.

The languages are those of SUPPORTED_LOCALES: a language added to the catalogs
is tested here without a change.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools

import icalendar
import pytest

from confirmcheck import SUPPORTED_LOCALES, Stay, diff
from confirmcheck.mail import (
    HTML_BEGIN,
    PART_HEADER,
    TEXT_RULE,
    attach_summary,
    calendar_filename,
    text_heading,
)
from confirmcheck.report import Report
from tests.mail.oracle import numbered, parse, text_of

WEEKS = [
    Stay(
        dt.date(2026, 1, 5) + dt.timedelta(weeks=n),
        dt.date(2026, 1, 9) + dt.timedelta(weeks=n),
    )
    for n in range(4)
]
NOT_BOOKED = diff(WEEKS, WEEKS[:2] + WEEKS[3:])
COMPLETE = diff(WEEKS, WEEKS)
STAMP = dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC)
HOTEL = "Hotel Alpenblick"

TEXT = "Dear guest,\n\nwe confirm your stays.\n\nKind regards\n"
HTML = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
    '<body>\n<table align="center" width="600" style="max-width:600px"><tr><td>\n'
    "<p>Dear guest,</p>\n<p>we confirm your stays.</p>\n</td></tr></table>\n"
    "</body></html>\n"
)
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(32)).decode()
PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
HEAD = (
    "From: Hotel Alpenblick <reservations@alpenblick.example>\n"
    "To: guest@example.org\n"
    "Subject: Your reservation\n"
    "Date: Mon, 1 Dec 2025 09:00:00 +0100\n"
    "MIME-Version: 1.0\n"
)


def _part(content_type: str, body: str, encoding: str = "8bit") -> str:
    return (
        f'Content-Type: {content_type}; charset="utf-8"\n'
        f"Content-Transfer-Encoding: {encoding}\n\n{body}"
    )


def _multipart(kind: str, boundary: str, *parts: str, extra: str = "") -> str:
    inner = "".join(f"--{boundary}\n{part}\n" for part in parts)
    return (
        f'Content-Type: multipart/{kind}; boundary="{boundary}"{extra}\n\n'
        f"{inner}--{boundary}--\n"
    )


ALTERNATIVE = _multipart(
    "alternative", "alt-1", _part("text/plain", TEXT), _part("text/html", HTML)
)
RELATED = _multipart(
    "related",
    "rel-1",
    _part("text/html", HTML),
    "Content-Type: image/png\nContent-ID: <logo@alpenblick>\n"
    f"Content-Transfer-Encoding: base64\n\n{PNG}\n",
    extra='; type="text/html"',
)
MAILS = {
    "single": HEAD + _part("text/plain", TEXT, "quoted-printable"),
    "single-html": HEAD + _part("text/html", HTML),
    "alternative": HEAD + ALTERNATIVE,
    "related": HEAD + RELATED,
    "mixed": HEAD
    + _multipart(
        "mixed",
        "mix-1",
        ALTERNATIVE,
        "Content-Type: application/pdf\n"
        'Content-Disposition: attachment; filename="invoice.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{PDF}\n",
    ),
}
SHAPES = [
    pytest.param(name, newline, id=f"{name}-{label}")
    for name in MAILS
    for newline, label in (("\n", "lf"), ("\r\n", "crlf"))
]


def _mail(name: str, newline: str) -> bytes:
    return MAILS[name].replace("\n", newline).encode()


def _attach(mail: bytes, report: Report, locale: str) -> bytes:
    return attach_summary(mail, report, locale=locale, stamp=STAMP, hotel=HOTEL)


def _plain_texts(mail: bytes) -> list[str]:
    return [
        text_of(part)
        for _, part in numbered(parse(mail))
        if part.get_content_type() == "text/plain" and part[PART_HEADER] is None
    ]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(("name", "newline"), SHAPES)
def test_attaching_twice_equals_attaching_once(
    name: str, newline: str, locale: str
) -> None:
    once = _attach(_mail(name, newline), NOT_BOOKED, locale)
    assert _attach(once, NOT_BOOKED, locale) == once


@pytest.mark.parametrize(
    ("first", "second"), list(itertools.product(SUPPORTED_LOCALES, repeat=2))
)
def test_a_resend_replaces_the_block_whatever_the_languages(
    first: str, second: str
) -> None:
    for name, newline in itertools.product(MAILS, ("\n", "\r\n")):
        mail = _mail(name, newline)
        resent = _attach(_attach(mail, NOT_BOOKED, first), COMPLETE, second)
        assert resent == _attach(mail, COMPLETE, second), (name, repr(newline))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(("name", "newline"), SHAPES)
def test_the_guest_reads_a_heading_and_no_marker(
    name: str, newline: str, locale: str
) -> None:
    out = _attach(_attach(_mail(name, newline), COMPLETE, locale), NOT_BOOKED, locale)
    texts = _plain_texts(out)
    # An HTML-only mail keeps its shape: the summary goes into its HTML only.
    assert bool(texts) == (name in ("single", "alternative", "mixed"))
    for text in texts:
        assert text.startswith(text_heading(locale) + "\n\n")
        assert text.count(text_heading(locale)) == 1
        assert text.count(TEXT_RULE) == 1
        assert "confirmcheck" not in text.lower()
        assert "===" not in text
        # The hotel's words follow the block, as they were.
        assert text.endswith(TEXT)
    for _, part in numbered(parse(out)):
        if part.get_content_type() == "text/html":
            assert text_of(part).count(HTML_BEGIN) == 2  # the summary and its detail


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_calendar_is_named_and_titled_in_the_guests_language(locale: str) -> None:
    out = _attach(_mail("alternative", "\n"), NOT_BOOKED, locale)
    [part] = [p for _, p in numbered(parse(out)) if p[PART_HEADER] == "calendar"]
    assert part.get_filename() == calendar_filename(locale)
    assert calendar_filename(locale).isascii()
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    calendar = icalendar.Calendar.from_ical(payload)
    titles = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert HOTEL in titles  # a booked stay is called by the hotel's name
    assert any(title.endswith(f" – {HOTEL}") and title != HOTEL for title in titles)


def test_german_names_and_titles() -> None:
    out = _attach(_mail("alternative", "\n"), NOT_BOOKED, "de-AT")
    [part] = [p for _, p in numbered(parse(out)) if p[PART_HEADER] == "calendar"]
    assert part.get_filename() == "buchungsuebersicht.ics"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "SUMMARY:NICHT GEBUCHT – Hotel Alpenblick" in payload.decode()
    assert _plain_texts(out)[0].startswith("Ihre Buchung im Überblick\n")
