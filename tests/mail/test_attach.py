"""attach_summary: the report rendered in the mail's language and put in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from confirmcheck import LocaleError, Stay, diff
from confirmcheck.mail import (
    COMPLETE_HEADER,
    PART_HEADER,
    _attach,
    attach_summary,
    mail_languages,
)
from confirmcheck.render import render_text
from confirmcheck.report import Report
from mail.oracle import numbered, parse, text_block, text_of

CORPUS = Path(__file__).parent / "corpus"
WEEK = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13), room_type="double")
NOT_BOOKED = diff([WEEK], [])
BOOKED = diff([WEEK], [WEEK])


def _mail(language: str | None) -> bytes:
    head = b"From: h@example.com\r\nTo: g@example.com\r\nSubject: Booking\r\n"
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
        ("de-AT", None, "de"),
        ("fr, de-CH", None, "de"),
        ("fr", None, "en"),
        ("de", "en", "en"),
        (None, "de_DE", "de"),
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
        attach_summary(_mail(None), NOT_BOOKED, locale="fr", attach_calendar=False)


def test_the_mails_languages_are_read_in_order() -> None:
    assert mail_languages(_mail("fr, de-CH")) == ("fr", "de-CH")
    assert mail_languages(_mail(None)) == ()


@pytest.mark.parametrize(("report", "flag"), [(BOOKED, "yes"), (NOT_BOOKED, "no")])
def test_the_header_says_whether_everything_is_booked_as_requested(
    report: Report, flag: str
) -> None:
    out = attach_summary(_mail(None), report, attach_calendar=False)
    assert parse(out)[COMPLETE_HEADER] == flag


def test_the_calendar_is_written_in_the_chosen_locale_and_attached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Report, str]] = []

    def writer(report: Report, *, locale: str) -> bytes:
        calls.append((report, locale))
        return b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    def fake() -> Callable[..., bytes]:
        return writer

    monkeypatch.setattr(_attach, "_calendar_writer", fake)
    out = attach_summary(_mail("de-AT"), NOT_BOOKED)
    assert calls == [(NOT_BOOKED, "de")]
    parts = [p for _, p in numbered(parse(out)) if p[PART_HEADER] == "calendar"]
    assert len(parts) == 1
    assert parts[0].get_payload(decode=True) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_attaching_a_report_twice_equals_attaching_it_once() -> None:
    data = (CORPUS / "alternative-qp-latin1-crlf.eml").read_bytes()
    once = attach_summary(data, NOT_BOOKED, attach_calendar=False, subject_prefix="!")
    assert (
        attach_summary(once, NOT_BOOKED, attach_calendar=False, subject_prefix="!")
        == once
    )
    # The corpus mail says Content-Language: de-AT.
    assert "NICHT GEBUCHT" in _plain(once)
