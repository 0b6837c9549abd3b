"""Hypothesis strategies for realistic small stays and series.

Dates fall in a narrow window around a month end, so that generated stays overlap,
touch and nest often; rooms, room types and guests come from small sets so that
requests and confirmations agree often enough to be interesting.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from confirmcheck.stay import Series, Stay

WINDOW_START = dt.date(2026, 2, 24)
WINDOW_DAYS = 10
# "Double" and "double" are the same room type, written differently.
ROOM_TYPES = ("single", "double", "Double", "suite")


def stays(
    *,
    room_types: bool = True,
    guests: bool = True,
    refs: bool = False,
) -> st.SearchStrategy[Stay]:
    """One stay of 1-4 nights in the window, 1-3 rooms, maybe typed and with guests."""
    return st.builds(
        _stay,
        offset=st.integers(0, WINDOW_DAYS - 1),
        nights=st.integers(1, 4),
        rooms=st.integers(1, 3),
        room_type=st.sampled_from((None, *ROOM_TYPES)) if room_types else st.none(),
        guests=st.one_of(st.none(), st.integers(1, 3)) if guests else st.none(),
        ref=st.sampled_from((None, "A-1", "B-2")) if refs else st.none(),
    )


def _stay(
    *,
    offset: int,
    nights: int,
    rooms: int,
    room_type: str | None,
    guests: int | None,
    ref: str | None,
) -> Stay:
    check_in = WINDOW_START + dt.timedelta(days=offset)
    return Stay(
        check_in,
        check_in + dt.timedelta(days=nights),
        rooms=rooms,
        room_type=room_type,
        guests=guests,
        ref=ref,
    )


def weekly_series(stay: st.SearchStrategy[Stay]) -> st.SearchStrategy[Series]:
    """A short series: ``stay`` every week, 2 or 3 times."""
    return st.builds(
        lambda first, count: Series(first, f"FREQ=WEEKLY;COUNT={count}"),
        stay,
        st.integers(2, 3),
    )


def sides(
    *, room_types: bool = True, guests: bool = True, max_size: int = 6
) -> st.SearchStrategy[list[Stay | Series]]:
    """One side of a diff: a few stays, now and then a short series among them."""
    stay = stays(room_types=room_types, guests=guests, refs=True)
    item: st.SearchStrategy[Stay | Series] = st.one_of(
        stay, stay, stay, weekly_series(stay)
    )
    return st.lists(item, max_size=max_size)
