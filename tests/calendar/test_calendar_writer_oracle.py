"""The calendar writer against icalendar: whatever the text, icalendar reads every
value back exactly as it was meant.

report_to_ics writes content lines itself (icalendar's writer is several times
the budget of a webhook call); these properties hold it to what icalendar reads,
with room types and hotel names full of the characters TEXT must escape and
lines long enough to fold inside multi-byte characters and escape pairs.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from confirmcheck.diff import diff
from confirmcheck.readers.ics import OUTCOME, ROOM_TYPE
from confirmcheck.render import summarize
from confirmcheck.render.ics import report_to_ics
from confirmcheck.stay import Stay

STAMP = dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.UTC)
FIRST = dt.date(2026, 12, 28)

awkward_text = st.text(
    alphabet=st.sampled_from(list("ab ,;:\\\n\r\"'é€😀–")), min_size=1, max_size=120
).filter(lambda s: s.strip() != "")

stays = st.builds(
    lambda start, nights, rooms, room_type, guests: Stay(
        FIRST + dt.timedelta(days=start),
        FIRST + dt.timedelta(days=start + nights),
        rooms=rooms,
        room_type=room_type,
        guests=guests,
    ),
    start=st.integers(0, 20),
    nights=st.integers(1, 6),
    rooms=st.integers(1, 2),
    room_type=st.one_of(st.none(), awkward_text),
    guests=st.sampled_from([None, 1, 2]),
)


def as_text(value: str) -> str:
    """What a TEXT value can carry: a line break is a line break, whatever it was."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=60, deadline=None)
@given(
    requested=st.lists(stays, max_size=5),
    confirmed=st.lists(stays, max_size=5),
    hotel=st.one_of(st.none(), awkward_text),
    locale=st.sampled_from(["en", "de", "fr", "pl"]),
)
def test_icalendar_reads_back_every_value_as_meant(
    requested: list[Stay],
    confirmed: list[Stay],
    hotel: str | None,
    locale: str,
) -> None:
    report = diff(requested, confirmed)
    data = report_to_ics(report, stamp=STAMP, locale=locale, hotel=hotel)

    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")
    data.decode("utf-8")  # folding never splits a character

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.errors == []
    events = list(calendar.walk("VEVENT"))
    ranges = (
        len(report.booked)
        + len(report.booked_differently)
        + len(report.not_booked)
        + len(report.unrequested)
    )
    assert len(events) == ranges
    assert len({str(e["UID"]) for e in events}) == ranges

    summary = summarize(report, locale=locale)
    sentences = {
        as_text(sentence.replace("\u00a0", " "))
        for section in summary.events
        for sentence in section.items
    }
    # One wording for every output: titles and categories are the summary's too.
    titles = {
        as_text(title.replace("\u00a0", " "))
        for section in summary.events
        for title in section.titles
    }
    labels = {section.label for section in summary.events}
    for event in events:
        assert str(event["SUMMARY"]) in titles
        categories = event["CATEGORIES"]
        assert isinstance(categories, icalendar.vCategory)
        assert categories.cats[0] in labels
        assert event.errors == []
        assert isinstance(event.decoded("DTSTART"), dt.date)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert event.decoded("DTSTAMP") == STAMP
        assert str(event["DESCRIPTION"]) in sentences
        if hotel is None:
            assert "LOCATION" not in event
        else:
            assert str(event["LOCATION"]) == hotel.strip().replace(
                "\r\n", "\n"
            ).replace("\r", "\n")
        assert str(event[OUTCOME]) in {
            "booked",
            "booked-differently",
            "not-booked",
            "unrequested",
        }
        if ROOM_TYPE in event:
            # X- properties come back as written: TEXT escapes included.
            written = str(event[ROOM_TYPE])
            assert "\n" not in written
