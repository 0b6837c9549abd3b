"""Series expansion agrees with a direct dateutil expansion of the same rule.

The reference is dateutil's ``rrule`` itself, started at midnight of the first
check-in, with exdate and rdate applied on top: whatever confirmcheck does to keep
the expansion bounded and fast must not change the set of occurrences.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from dateutil import rrule as du
from hypothesis import given
from hypothesis import strategies as st

from confirmcheck.stay import Series, Stay

FREQUENCIES: dict[str, Literal[1, 2, 3]] = {
    "DAILY": du.DAILY,
    "WEEKLY": du.WEEKLY,
    "MONTHLY": du.MONTHLY,
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def rules(draw: st.DrawFn) -> tuple[Series, list[dt.date]]:
    """A series and the check-ins a direct dateutil expansion gives for it."""
    start = draw(st.dates(dt.date(2025, 11, 1), dt.date(2029, 3, 31)))
    nights = draw(st.integers(1, 5))
    freq = draw(st.sampled_from(sorted(FREQUENCIES)))
    interval = draw(st.integers(1, 3))
    parts = [f"FREQ={freq}"]
    if interval > 1 or draw(st.booleans()):
        parts.append(f"INTERVAL={interval}")
    byday: list[int] = []
    if draw(st.booleans()):
        # The first stay must be an occurrence, so its weekday is always among them.
        byday = sorted(
            {start.weekday(), *draw(st.lists(st.integers(0, 6), max_size=4))}
        )
        parts.append("BYDAY=" + ",".join(WEEKDAYS[day] for day in byday))
    count: int | None = None
    until: dt.date | None = None
    if draw(st.booleans()):
        count = draw(st.integers(1, 25))
        parts.append(f"COUNT={count}")
    else:
        until = start + dt.timedelta(days=draw(st.integers(0, 400)))
        form = draw(st.sampled_from(["%Y%m%d", "%Y%m%dT235959Z", "%Y%m%dT000000Z"]))
        parts.append("UNTIL=" + until.strftime(form))
    parts = draw(st.permutations(parts))

    midnight = dt.datetime.combine(start, dt.time())
    reference = [
        occurrence.date()
        for occurrence in du.rrule(
            FREQUENCIES[freq],
            dtstart=midnight,
            interval=interval,
            byweekday=byday or None,
            count=count,
            until=None if until is None else dt.datetime.combine(until, dt.time()),
        )
    ]
    exdate = draw(st.lists(st.sampled_from(reference), unique=True, max_size=3))
    rdate = draw(
        st.lists(
            st.dates(start - dt.timedelta(days=30), start + dt.timedelta(days=400)),
            max_size=3,
        ).filter(lambda days: not set(days) & set(exdate))
    )
    expected = sorted((set(reference) - set(exdate)) | set(rdate))
    first = Stay(start, start + dt.timedelta(days=nights), rooms=2, room_type="double")
    series = Series(first, ";".join(parts), exdate=tuple(exdate), rdate=tuple(rdate))
    return series, expected


@given(rules())
def test_series_expansion_agrees_with_dateutil(
    case: tuple[Series, list[dt.date]],
) -> None:
    series, expected = case
    assert [stay.check_in for stay in series.stays] == expected
    length = series.first.check_out - series.first.check_in
    for stay in series.stays:
        assert stay.check_out - stay.check_in == length
        assert (stay.rooms, stay.room_type) == (2, "double")


@given(
    st.builds(
        Stay,
        st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
        st.dates(dt.date(2031, 1, 1), dt.date(2031, 1, 9)),
        rooms=st.integers(1, 3),
        room_type=st.none() | st.sampled_from(["single", " Double "]),
        guests=st.none() | st.integers(1, 4),
        ref=st.none() | st.sampled_from(["AB-1", "x "]),
    ),
    st.sampled_from(["FREQ=DAILY;COUNT=3", "FREQ=YEARLY;INTERVAL=2;COUNT=2"]),
)
def test_occurrences_are_the_stays_the_constructor_makes(
    first: Stay, rule: str
) -> None:
    # Occurrences are copies of the first stay made without Stay(...): they must
    # be equal to, and look like, the stays Stay(...) makes on those days.
    series = Series(first, rule)
    length = first.check_out - first.check_in
    made = tuple(
        Stay(
            stay.check_in,
            stay.check_in + length,
            rooms=first.rooms,
            room_type=first.room_type,
            guests=first.guests,
            ref=first.ref,
        )
        for stay in series.stays
    )
    assert series.stays == made
    assert [repr(stay) for stay in series.stays] == [repr(stay) for stay in made]
    assert all(hash(a) == hash(b) for a, b in zip(series.stays, made, strict=True))
