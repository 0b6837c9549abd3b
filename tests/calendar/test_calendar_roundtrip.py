"""A report written to .ics and read back as the confirmed side gives exactly the
booked nights again.

What is read back: every event except the NOT BOOKED ones
(``X-CONFIRMCHECK-OUTCOME:not-booked``, no room is reserved there). Booked,
booked-differently and booked-but-not-requested events each carry the rooms, room
type and guests that are booked, so together they are every confirmed room-night.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from confirmcheck.diff import diff
from confirmcheck.readers.ics import read_calendar
from confirmcheck.render.ics import report_to_ics
from confirmcheck.stay import Stay

STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FIRST = dt.date(2027, 12, 20)  # over a year end and a leap day

stays = st.builds(
    lambda start, nights, rooms, room_type, guests: Stay(
        FIRST + dt.timedelta(days=start),
        FIRST + dt.timedelta(days=start + nights),
        rooms=rooms,
        room_type=room_type,
        guests=guests,
    ),
    start=st.integers(0, 80),
    nights=st.integers(1, 10),
    rooms=st.integers(1, 3),
    room_type=st.sampled_from([None, "single", "Double", "suite, sea view; top"]),
    guests=st.sampled_from([None, 1, 2]),
)


def room_nights(items: list[Stay]) -> Counter[tuple[dt.date, str | None, int | None]]:
    """Rooms per night, by room type and guests: what the hotel holds."""
    out: Counter[tuple[dt.date, str | None, int | None]] = Counter()
    for stay in items:
        for n in range(stay.nights):
            night = stay.check_in + dt.timedelta(days=n)
            out[night, stay.room_type_key, stay.guests] += stay.rooms
    return out


@settings(max_examples=60, deadline=None)
@given(
    requested=st.lists(stays, max_size=6),
    confirmed=st.lists(stays, max_size=6),
    locale=st.sampled_from(["en", "de"]),
)
def test_the_calendar_gives_the_booked_nights_back(
    requested: list[Stay], confirmed: list[Stay], locale: str
) -> None:
    report = diff(requested, confirmed)
    back = read_calendar(report_to_ics(report, stamp=STAMP, locale=locale))
    assert room_nights(back) == room_nights(confirmed)
    # And as the confirmed side of the same check, nothing booked goes missing.
    # (Which of two competing requests gets a scarce room may change, because
    # the diff breaks such ties by the confirmed stays' dates, and the calendar
    # splits them into ranges; how many room-nights are not booked cannot.)
    again = diff(requested, back)
    assert again.totals.not_booked_room_nights == report.totals.not_booked_room_nights
    assert again.totals.unrequested_room_nights == report.totals.unrequested_room_nights
