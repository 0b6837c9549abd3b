"""read_calendar as a library function: inputs, limits, and what it never does."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from confirmcheck.errors import InputError
from confirmcheck.readers.ics import (
    MAX_CALENDAR_BYTES,
    CalendarError,
    looks_like_calendar,
    read_calendar,
)
from confirmcheck.stay import Stay
from tests.calendar.conftest import Calendars

ONE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:one\r\n"
    "DTSTART;VALUE=DATE:20260309\r\nDTEND;VALUE=DATE:20260313\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_import_confirmcheck_does_not_import_the_calendar_libraries() -> None:
    code = (
        "import sys, confirmcheck, confirmcheck.readers.ics, confirmcheck.render.ics\n"
        "import confirmcheck.cli\n"
        "heavy = {'icalendar', 'recurring_ical_events', 'x_wr_timezone'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "data",
    [
        b"BEGIN:VCALENDAR\r\n",
        b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n",
        b"\r\n  \tbegin:vcalendar\r\n",
        "\ufeffBEGIN:VCALENDAR\n",
    ],
)
def test_calendars_are_recognised_by_content(data: bytes | str) -> None:
    assert looks_like_calendar(data)


@pytest.mark.parametrize(
    "data", [b"", b'{"stays": []}', b"[]", b"BEGIN:VCARD\r\n", b"BEGIN:VCALENDARX"]
)
def test_other_content_is_not_a_calendar(data: bytes) -> None:
    assert not looks_like_calendar(data)


def test_a_bom_and_lf_line_ends_are_fine() -> None:
    data = b"\xef\xbb\xbf" + ONE.replace("\r\n", "\n").encode()
    assert read_calendar(data) == [Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))]


def test_a_file_name_is_never_opened(tmp_path: Path) -> None:
    # icalendar reads a str without line breaks as a path; confirmcheck never does.
    secret = tmp_path / "secret.ics"
    secret.write_text(ONE)
    with pytest.raises(CalendarError, match="not an iCalendar file"):
        read_calendar(str(secret))


def test_a_calendar_over_the_limit_is_refused_before_parsing() -> None:
    data = ONE.encode() + b" " * MAX_CALENDAR_BYTES
    with pytest.raises(CalendarError, match="larger than 10 MiB") as caught:
        read_calendar(data, path=("confirmed",))
    assert caught.value.problems[0].path == ("confirmed",)
    with pytest.raises(CalendarError, match="larger than 10 MiB"):
        read_calendar(data.decode())


def test_calendar_errors_are_input_errors() -> None:
    assert issubclass(CalendarError, InputError)
    assert issubclass(CalendarError, ValueError)


def test_the_hotel_zone_may_be_a_windows_name(calendars: Calendars) -> None:
    stays = read_calendar(
        calendars.hotel_zone_decides_the_date, timezone="W. Europe Standard Time"
    )
    assert stays[0].check_in == dt.date(2026, 10, 19)


def test_until_must_be_a_date() -> None:
    with pytest.raises(InputError, match="until: must be a date"):
        read_calendar(ONE, until=dt.datetime(2026, 1, 1))


def test_stays_come_in_order_of_check_in(calendars: Calendars) -> None:
    stays = read_calendar(calendars.year_end)
    assert stays == sorted(stays, key=lambda s: (s.check_in, s.check_out))


def test_not_booked_events_written_by_confirmcheck_are_no_stays() -> None:
    gap = ONE.replace("UID:one", "UID:one\r\nX-CONFIRMCHECK-OUTCOME:not-booked")
    assert read_calendar(gap) == []
    booked = ONE.replace("UID:one", "UID:one\r\nX-CONFIRMCHECK-OUTCOME:booked")
    assert len(read_calendar(booked)) == 1
    odd = ONE.replace("UID:one", "UID:one\r\nX-CONFIRMCHECK-OUTCOME:maybe")
    with pytest.raises(CalendarError, match="line 6, UID one: X-CONFIRMCHECK-OUTCOME"):
        read_calendar(odd)


def test_a_property_given_twice_is_an_error() -> None:
    twice = ONE.replace(
        "UID:one", "UID:one\r\nX-CONFIRMCHECK-ROOMS:1\r\nX-CONFIRMCHECK-ROOMS:2"
    )
    with pytest.raises(CalendarError, match="X-CONFIRMCHECK-ROOMS is given 2 times"):
        read_calendar(twice)


def test_a_vendor_prefixed_time_zone_is_read_without_a_warning() -> None:
    # Evolution and Lightning write "/vendor/Europe/Berlin"; pytest turns any
    # warning into an error, so this also proves none escapes.
    zone = "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin"
    timed = ONE.replace(
        "DTSTART;VALUE=DATE:20260309", f"DTSTART;TZID={zone}:20260309T150000"
    ).replace("DTEND;VALUE=DATE:20260313", f"DTEND;TZID={zone}:20260313T110000")
    assert read_calendar(timed) == [Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))]


def test_all_problems_of_a_calendar_are_reported_at_once() -> None:
    event = (
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;VALUE=DATE:20260309\r\n"
        "X-CONFIRMCHECK-ROOMS:none\r\nEND:VEVENT\r\n"
    )
    data = ONE.replace(
        "END:VCALENDAR", event.format(uid="a") + event.format(uid="b") + "END:VCALENDAR"
    )
    with pytest.raises(CalendarError) as caught:
        read_calendar(data)
    assert [p.message.split(":")[0] for p in caught.value.problems] == [
        "line 12, UID a",
        "line 17, UID b",
    ]
    assert "(and 1 more problem)" in str(caught.value)
