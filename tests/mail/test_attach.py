"""attach_summary: the report rendered in the mail's language and put in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from confirmcheck import LocaleError, Stay, diff
from confirmcheck.mail import (
    COMPLETE_HEADER,
    PART_HEADER,
    MailError,
    attach_summary,
    mail_date,
    mail_languages,
)
from confirmcheck.render import render_text
from confirmcheck.report import Report
from tests.mail.oracle import numbered, parse, text_block, text_of

CORPUS = Path(__file__).parent / "corpus"
WEEK = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13), room_type="double")
NOT_BOOKED = diff([WEEK], [])
BOOKED = diff([WEEK], [WEEK])
DATE = "Mon, 5 Jan 2026 10:30:00 +0100"


def _mail(language: str | None, *, date: str | None = None) -> bytes:
    head = b"From: h@example.com\r\nTo: g@example.com\r\nSubject: Booking\r\n"
    if date is not None:
        head += f"Date: {date}\r\n".encode()
    if language is not None:
        head += f"Content-Language: {language}\r\n".encode()
    return head + b"Content-Type: text/plain; charset=utf-8\r\n\r\nBooked.\r\n"


def _plain(data: bytes) -> str:
    body = parse(data).get_body(("plain",))
    assert body is not None
    return text_of(body)


@pytest.mark.parametrize(
    ("language", "explicit", "expected"),
    [
        (None, None, "en"),
        ("de-AT", None, "de-AT"),
        ("sv, de-CH", None, "de-CH"),
        ("sv", None, "en"),
        ("de", "en", "en"),
        (None, "de_DE", "de-DE"),
    ],
)
def test_the_locale_is_explicit_else_the_mails_language_else_english(
    language: str | None, explicit: str | None, expected: str
) -> None:
    out = attach_summary(
        _mail(language), NOT_BOOKED, locale=explicit, attach_calendar=False
    )
    assert _plain(out) == text_block(render_text(NOT_BOOKED, locale=expected)) + (
        "Booked.\n"
    )


def test_an_unsupported_explicit_locale_is_refused() -> None:
    with pytest.raises(LocaleError):
        attach_summary(_mail(None), NOT_BOOKED, locale="sv", attach_calendar=False)


def test_the_mails_languages_are_read_in_order() -> None:
    assert mail_languages(_mail("sv, de-CH")) == ("sv", "de-CH")
    assert mail_languages(_mail(None)) == ()


@pytest.mark.parametrize(("report", "flag"), [(BOOKED, "yes"), (NOT_BOOKED, "no")])
def test_the_header_says_whether_everything_is_booked_as_requested(
    report: Report, flag: str
) -> None:
    out = attach_summary(_mail(None), report, attach_calendar=False)
    assert parse(out)[COMPLETE_HEADER] == flag


def _calendar(data: bytes) -> icalendar.Calendar:
    parts = [p for _, p in numbered(parse(data)) if p[PART_HEADER] == "calendar"]
    assert len(parts) == 1
    payload = parts[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return icalendar.Calendar.from_ical(payload)


def test_the_calendar_is_stamped_with_the_mails_date_and_in_its_language() -> None:
    out = attach_summary(_mail("de-AT", date=DATE), NOT_BOOKED)
    calendar = _calendar(out)
    events = list(calendar.walk("VEVENT"))
    assert events
    stamp = events[0].decoded("DTSTAMP")
    assert stamp == dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    assert "NICHT GEBUCHT" in str(events[0]["SUMMARY"]).upper()
    # The same mail, the same report: the same bytes, calendar included.
    assert attach_summary(out, NOT_BOOKED) == out


def test_an_explicit_stamp_wins_over_the_mails_date() -> None:
    when = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
    out = attach_summary(_mail(None, date=DATE), NOT_BOOKED, stamp=when)
    stamp = next(iter(_calendar(out).walk("VEVENT"))).decoded("DTSTAMP")
    assert stamp == when


def test_a_calendar_for_a_mail_without_date_needs_a_stamp() -> None:
    with pytest.raises(MailError, match="no usable Date header"):
        attach_summary(_mail(None), NOT_BOOKED)
    when = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
    assert _calendar(attach_summary(_mail(None), NOT_BOOKED, stamp=when))


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (DATE, dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)),
        (
            "Mon, 5 Jan 2026 10:30:00 -0000",
            dt.datetime(2026, 1, 5, 10, 30, tzinfo=dt.UTC),
        ),
        ("the day after tomorrow", None),
        (None, None),
    ],
)
def test_the_mails_date_is_read_as_an_aware_date_time(
    date: str | None, expected: dt.datetime | None
) -> None:
    assert mail_date(_mail(None, date=date)) == expected


def test_attaching_a_report_twice_equals_attaching_it_once() -> None:
    data = (CORPUS / "alternative-qp-latin1-crlf.eml").read_bytes()
    once = attach_summary(data, NOT_BOOKED, attach_calendar=False, subject_prefix="!")
    assert (
        attach_summary(once, NOT_BOOKED, attach_calendar=False, subject_prefix="!")
        == once
    )
    # The corpus mail says Content-Language: de-AT.
    assert "NICHT GEBUCHT" in _plain(once)
