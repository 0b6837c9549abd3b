"""report_to_ics: the calendar a guest imports, in shape and in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest

from confirmcheck.diff import diff
from confirmcheck.errors import InputError, LocaleError
from confirmcheck.readers.ics import read_calendar
from confirmcheck.render import render_text, summarize
from confirmcheck.render.ics import report_to_ics
from confirmcheck.report import Report
from confirmcheck.stay import Series, Stay

STAMP = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.UTC)
D = dt.date


def week(
    day: dt.date,
    *,
    rooms: int = 1,
    room_type: str | None = None,
    guests: int | None = None,
) -> Stay:
    return Stay(
        day, day + dt.timedelta(days=4), rooms=rooms, room_type=room_type, guests=guests
    )


def mixed() -> Report:
    """Booked, not booked, booked differently and unrequested, all at once."""
    requested: list[Stay | Series] = [
        Series(
            week(D(2026, 1, 5), room_type="single", guests=1), "FREQ=WEEKLY;COUNT=3"
        ),
        week(D(2026, 2, 2), rooms=2, room_type="double", guests=2),
    ]
    confirmed = [
        week(D(2026, 1, 5), room_type="single", guests=1),
        Stay(D(2026, 1, 19), D(2026, 1, 24), room_type="single", guests=1),
        week(D(2026, 2, 2), room_type="double", guests=2),
    ]
    # Week 2 (12 Jan) is not booked; week 3 has an extra night; 2 Feb has one
    # of two rooms.
    confirmed.append(week(D(2026, 3, 2), room_type="suite; sea view, top"))
    requested.append(week(D(2026, 3, 2), room_type="double"))
    return diff(requested, confirmed)


def events(data: bytes) -> list[Any]:
    """The events as icalendar parses them (their values are checked one by one)."""
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def by_outcome(data: bytes, outcome: str) -> list[Any]:
    return [e for e in events(data) if str(e["X-CONFIRMCHECK-OUTCOME"]) == outcome]


def test_the_calendar_has_the_required_properties() -> None:
    data = report_to_ics(mixed(), stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]).startswith("-//confirmcheck//")
    for event in events(data):
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert name in event
        assert event["DTSTAMP"].dt == STAMP
        assert type(event["DTSTART"].dt) is dt.date
        assert type(event["DTEND"].dt) is dt.date


def test_lines_end_in_crlf_and_are_folded() -> None:
    report = diff([week(D(2026, 1, 5), room_type="x" * 200)], [])
    data = report_to_ics(report, stamp=STAMP)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    assert b"\r\n " in data


@pytest.mark.parametrize(
    "day", [D(1, 1, 1), D(999, 12, 31), D(1000, 1, 1), D(9999, 12, 31)]
)
def test_all_day_dates_are_written_as_strftime_writes_them(day: dt.date) -> None:
    from confirmcheck.render.ics import _date

    assert _date(day) == day.strftime("%Y%m%d")


def test_text_is_escaped_and_comes_back_unchanged() -> None:
    data = report_to_ics(mixed(), stamp=STAMP)
    (different,) = by_outcome(data, "booked-differently")
    assert "suite; sea view, top" in str(different["SUMMARY"])
    # X- properties are TEXT too (RFC 5545, 3.8.8.2), escaped as such; icalendar
    # hands them over as written, and read_calendar unescapes them.
    assert b"X-CONFIRMCHECK-ROOM-TYPE:suite\\; sea view\\, top\r\n" in data
    assert "suite; sea view, top" in {stay.room_type for stay in read_calendar(data)}


def test_every_range_is_one_event() -> None:
    report = mixed()
    data = report_to_ics(report, stamp=STAMP)
    assert len(by_outcome(data, "booked")) == len(report.booked)
    assert len(by_outcome(data, "not-booked")) == len(report.not_booked)
    assert len(by_outcome(data, "booked-differently")) == len(report.booked_differently)
    assert len(by_outcome(data, "unrequested")) == len(report.unrequested)
    assert len({str(e["UID"]) for e in events(data)}) == len(events(data))


def test_not_booked_is_free_categorised_and_titled() -> None:
    data = report_to_ics(mixed(), stamp=STAMP)
    gaps = by_outcome(data, "not-booked")
    titles = sorted(str(e["SUMMARY"]) for e in gaps)
    assert titles == [
        "NOT BOOKED — 1 of 2 rooms not reserved",
        "NOT BOOKED — no room reserved",
    ]
    for gap in gaps:
        assert str(gap["TRANSP"]) == "TRANSPARENT"
        assert gap["CATEGORIES"].cats == ["NOT BOOKED"]
        assert "STATUS" not in gap
    (whole,) = [e for e in gaps if "no room" in str(e["SUMMARY"])]
    assert (whole["DTSTART"].dt, whole["DTEND"].dt) == (D(2026, 1, 12), D(2026, 1, 16))
    assert "Stay 2 of 5" in str(whole["DESCRIPTION"])
    for booked in by_outcome(data, "booked"):
        assert str(booked["TRANSP"]) == "OPAQUE"
        assert str(booked["STATUS"]) == "CONFIRMED"


def test_unrequested_nights_are_busy_events_of_their_own() -> None:
    data = report_to_ics(mixed(), stamp=STAMP)
    (extra,) = by_outcome(data, "unrequested")
    assert (extra["DTSTART"].dt, extra["DTEND"].dt) == (D(2026, 1, 23), D(2026, 1, 24))
    assert str(extra["SUMMARY"]) == "BOOKED BUT NOT REQUESTED: 1 room, single, 1 guest"
    assert str(extra["TRANSP"]) == "OPAQUE"


def test_booked_differently_says_what_differs() -> None:
    data = report_to_ics(mixed(), stamp=STAMP)
    (different,) = by_outcome(data, "booked-differently")
    assert str(different["SUMMARY"]) == (
        "BOOKED DIFFERENTLY: suite; sea view, top instead of double"
    )


def test_titles_are_in_the_reports_locale() -> None:
    data = report_to_ics(mixed(), stamp=STAMP, locale="de-AT")
    titles = {str(e["SUMMARY"]) for e in events(data)}
    assert "NICHT GEBUCHT — kein Zimmer reserviert" in titles
    assert "Gebucht: 1 Zimmer, single, 1 Gast" in titles
    (gap,) = [e for e in events(data) if "kein Zimmer" in str(e["SUMMARY"])]
    assert gap["CATEGORIES"].cats == ["NICHT GEBUCHT"]
    assert "Aufenthalt 2 von 5" in str(gap["DESCRIPTION"])


def test_the_calendar_says_what_the_summary_says() -> None:
    # One wording for every output: numbers grouped as the language groups them
    # ("1.200 Zimmer", not "1200 Zimmer"), the same sentences and categories.
    report = diff(
        [Stay(D(2026, 1, 5), D(2026, 1, 6), rooms=1200, room_type="Bett", guests=1500)],
        [Stay(D(2026, 1, 5), D(2026, 1, 6), rooms=1200, room_type="Bett", guests=1500)],
    )
    data = report_to_ics(report, stamp=STAMP, locale="de")
    (booked,) = events(data)
    assert str(booked["SUMMARY"]) == "Gebucht: 1.200 Zimmer, Bett, 1.500 Gäste"
    summary = summarize(report, locale="de")
    (section,) = summary.events
    assert str(booked["SUMMARY"]) == section.titles[0].replace("\u00a0", " ")
    assert str(booked["DESCRIPTION"]) == section.items[0].replace("\u00a0", " ")
    assert booked["CATEGORIES"].cats == [section.label]
    assert "1.200 Zimmer" in render_text(summary)


def test_a_re_sent_calendar_keeps_its_uids() -> None:
    # The gap of 12 Jan is booked later: the same UID now says "booked", so the
    # guest's calendar replaces the NOT BOOKED event instead of keeping both.
    requested = [Series(week(D(2026, 1, 5)), "FREQ=WEEKLY;COUNT=3")]
    first = diff(requested, [week(D(2026, 1, 5)), week(D(2026, 1, 19))])
    again = diff(
        requested, [week(D(2026, 1, 5)), week(D(2026, 1, 12)), week(D(2026, 1, 19))]
    )
    later = STAMP + dt.timedelta(days=3)

    def uids(report: Report, stamp: dt.datetime) -> dict[dt.date, str]:
        return {
            e["DTSTART"].dt: str(e["UID"])
            for e in events(report_to_ics(report, stamp=stamp))
        }

    assert uids(first, STAMP) == uids(again, later)


def test_uids_follow_the_stay_not_its_number() -> None:
    stay = week(D(2026, 3, 9))
    alone = report_to_ics(diff([stay], []), stamp=STAMP)
    after_another = report_to_ics(diff([week(D(2026, 1, 5)), stay], []), stamp=STAMP)
    (uid,) = {str(e["UID"]) for e in events(alone)}
    assert uid in {str(e["UID"]) for e in events(after_another)}


def test_two_hotels_get_different_uids() -> None:
    report = diff([week(D(2026, 3, 9))], [])
    first = events(report_to_ics(report, stamp=STAMP, hotel="Alpenblick"))
    second = events(report_to_ics(report, stamp=STAMP, hotel="Seeblick"))
    assert str(first[0]["UID"]) != str(second[0]["UID"])
    assert str(first[0]["LOCATION"]) == "Alpenblick"


def test_identical_requests_get_distinct_uids() -> None:
    report = diff([week(D(2026, 3, 9)), week(D(2026, 3, 9))], [week(D(2026, 3, 9))])
    uids = [str(e["UID"]) for e in events(report_to_ics(report, stamp=STAMP))]
    assert len(uids) == len(set(uids)) == 2


def test_the_stamp_must_say_its_time_zone() -> None:
    with pytest.raises(InputError, match="stamp: must be a date-time with a time zone"):
        report_to_ics(mixed(), stamp=dt.datetime(2026, 1, 2))


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(LocaleError):
        report_to_ics(mixed(), stamp=STAMP, locale="xx")


def test_the_same_report_and_stamp_give_the_same_bytes() -> None:
    assert report_to_ics(mixed(), stamp=STAMP) == report_to_ics(mixed(), stamp=STAMP)
