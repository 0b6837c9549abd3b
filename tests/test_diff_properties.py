"""Properties of the diff that hold for any requested and confirmed stays.

These are the promises the summary rests on: every requested room-night is
accounted for exactly once, every confirmed room-night too, and the outcome does
not depend on the order in which the stays were given.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from confirmcheck.diff import diff
from confirmcheck.report import DifferentRange, Range, Report, Status
from confirmcheck.report_json import report_from_json, report_to_json
from confirmcheck.stay import Series, Stay, expand
from tests.strategies import sides
from tests.support import nights, schema_errors

Side = list[Stay | Series]


def _type_key(room_type: str | None) -> str | None:
    return None if room_type is None else room_type.casefold()


def _per_night(
    ranges: Iterable[Range],
) -> Counter[tuple[dt.date, str | None, int | None]]:
    """Rooms per (night, room type, guests) over ``ranges``."""
    out: Counter[tuple[dt.date, str | None, int | None]] = Counter()
    for r in ranges:
        for night in nights(r.check_in, r.check_out):
            out[night, _type_key(r.room_type), r.guests] += r.rooms
    return out


def _all_ranges(report: Report) -> list[Range]:
    return [*report.booked, *report.booked_differently, *report.not_booked]


@given(sides(), sides())
def test_every_requested_room_night_is_in_exactly_one_bucket(
    requested: Side, confirmed: Side
) -> None:
    report = diff(requested, confirmed)
    stays = expand(requested)
    assert [s.stay for s in report.stays] == list(range(1, len(stays) + 1))
    rooms: Counter[tuple[int | None, dt.date]] = Counter()
    for r in _all_ranges(report):
        for night in nights(r.check_in, r.check_out):
            rooms[r.stay, night] += r.rooms
    expected: Counter[tuple[int | None, dt.date]] = Counter()
    for number, stay in enumerate(stays, start=1):
        for night in nights(stay.check_in, stay.check_out):
            expected[number, night] += stay.rooms
    assert rooms == expected
    totals = report.totals
    assert totals.requested_room_nights == sum(s.room_nights for s in stays)
    assert totals.requested_room_nights == (
        totals.booked_room_nights
        + totals.booked_differently_room_nights
        + totals.not_booked_room_nights
    )
    # The diff counts the totals as it builds the report; counted afresh from the
    # report's values, they are the same.
    again = Report(
        stays=report.stays,
        booked=report.booked,
        booked_differently=report.booked_differently,
        not_booked=report.not_booked,
        unrequested=report.unrequested,
    )
    assert again.totals == totals


@given(sides(), sides())
def test_every_confirmed_room_night_is_booked_or_unrequested(
    requested: Side, confirmed: Side
) -> None:
    report = diff(requested, confirmed)
    expected: Counter[tuple[dt.date, str | None, int | None]] = Counter()
    for stay in expand(confirmed):
        for night in nights(stay.check_in, stay.check_out):
            expected[night, stay.room_type_key, stay.guests] += stay.rooms
    used = _per_night([*report.booked, *report.booked_differently, *report.unrequested])
    assert used == expected


@given(sides())
def test_a_confirmation_of_exactly_the_request_is_complete(requested: Side) -> None:
    report = diff(requested, requested)
    assert report.complete
    assert all(s.status is Status.BOOKED for s in report.stays)
    assert report.totals.booked_room_nights == report.totals.requested_room_nights


@given(sides(room_types=False, guests=False), sides(room_types=False, guests=False))
def test_not_booked_one_way_is_unrequested_the_other_way(a: Side, b: Side) -> None:
    forward = diff(a, b)
    backward = diff(b, a)
    assert _per_night(forward.not_booked) == _per_night(backward.unrequested)
    assert _per_night(forward.unrequested) == _per_night(backward.not_booked)


def _outcome(report: Report, requested: Sequence[Stay]) -> Counter[object]:
    """The report with stay numbers replaced by the stays they stand for."""

    def stay(number: int | None) -> Stay | None:
        return None if number is None else requested[number - 1]

    def fields(r: Range) -> tuple[object, ...]:
        return (stay(r.stay), r.check_in, r.check_out, r.rooms, r.room_type, r.guests)

    out: Counter[object] = Counter()
    out.update(("stay", stay(s.stay), s.status) for s in report.stays)
    out.update(("booked", *fields(r)) for r in report.booked)
    out.update(
        ("different", *fields(r), r.requested_room_type, r.requested_guests)
        for r in report.booked_differently
    )
    out.update(("not_booked", *fields(r)) for r in report.not_booked)
    out.update(("unrequested", *fields(r)) for r in report.unrequested)
    return out


@given(sides(), sides(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_changes_nothing_but_stay_numbers(
    requested: Side, confirmed: Side, rng: random.Random
) -> None:
    shuffled_requested = list(requested)
    shuffled_confirmed = list(confirmed)
    rng.shuffle(shuffled_requested)
    rng.shuffle(shuffled_confirmed)
    before = _outcome(diff(requested, confirmed), expand(requested))
    after = _outcome(
        diff(shuffled_requested, shuffled_confirmed), expand(shuffled_requested)
    )
    assert after == before


def _attributes(r: Range) -> tuple[object, ...]:
    if isinstance(r, DifferentRange):
        return (
            r.stay,
            r.room_type,
            r.guests,
            r.requested_room_type,
            r.requested_guests,
        )
    return (r.stay, r.room_type, r.guests)


@given(sides(), sides())
def test_ranges_are_maximal(requested: Side, confirmed: Side) -> None:
    report = diff(requested, confirmed)
    lists: tuple[Sequence[Range], ...] = (
        report.booked,
        report.booked_differently,
        report.not_booked,
        report.unrequested,
    )
    for ranges in lists:
        for i, a in enumerate(ranges):
            for b in ranges[i + 1 :]:
                if _attributes(a) != _attributes(b):
                    continue
                # Same stay and same rooms booked the same way: never overlapping,
                # and touching only if the number of rooms changes there.
                assert a.check_out <= b.check_in or b.check_out <= a.check_in, (a, b)
                if a.rooms == b.rooms:
                    assert a.check_out != b.check_in, (a, b)
                    assert b.check_out != a.check_in, (a, b)


def _status(stay: Stay, ranges: Iterable[tuple[str, Range]]) -> Status:
    room_nights = Counter[str]()
    for bucket, r in ranges:
        room_nights[bucket] += r.room_nights
    if room_nights["not_booked"] == stay.room_nights:
        return Status.NOT_BOOKED
    if room_nights["not_booked"]:
        return Status.PARTLY_BOOKED
    if room_nights["different"]:
        return Status.BOOKED_DIFFERENTLY
    return Status.BOOKED


@given(sides(), sides())
def test_ranges_belong_to_their_stay_and_statuses_agree(
    requested: Side, confirmed: Side
) -> None:
    report = diff(requested, confirmed)
    stays = expand(requested)
    by_stay: dict[int, list[tuple[str, Range]]] = {
        n: [] for n in range(1, len(stays) + 1)
    }
    buckets: tuple[tuple[str, Sequence[Range]], ...] = (
        ("booked", report.booked),
        ("different", report.booked_differently),
        ("not_booked", report.not_booked),
    )
    for bucket, ranges in buckets:
        for r in ranges:
            assert r.stay is not None
            stay = stays[r.stay - 1]
            assert stay.check_in <= r.check_in < r.check_out <= stay.check_out
            by_stay[r.stay].append((bucket, r))
    for r in report.unrequested:
        assert r.stay is None or 1 <= r.stay <= len(stays)
    for result, stay in zip(report.stays, stays, strict=True):
        assert (result.check_in, result.check_out, result.rooms) == (
            stay.check_in,
            stay.check_out,
            stay.rooms,
        )
        assert (result.room_type, result.guests, result.ref) == (
            stay.room_type,
            stay.guests,
            stay.ref,
        )
        assert result.status is _status(stay, by_stay[result.stay])
    assert report.complete == (
        all(s.status is Status.BOOKED for s in report.stays) and not report.unrequested
    )


@given(sides(), sides())
def test_booked_differently_always_says_what_differs(
    requested: Side, confirmed: Side
) -> None:
    for r in diff(requested, confirmed).booked_differently:
        assert r.differences, r
        if "room_type" in r.differences:
            assert _type_key(r.room_type) != _type_key(r.requested_room_type)
        if "guests" in r.differences:
            assert r.guests != r.requested_guests


@given(sides(), sides())
def test_report_json_validates_and_round_trips(
    requested: Side, confirmed: Side
) -> None:
    report = diff(requested, confirmed)
    text = report_to_json(report)
    assert schema_errors(json.loads(text)) == []
    again = report_from_json(text)
    assert again == report
    assert again.totals == report.totals
    assert report_to_json(again) == text


# Stays crowded into three nights, of few kinds: requests that compete for the same
# rooms, where who takes which room first decides how many are booked as requested.
_crowded = st.builds(
    lambda offset, nights, rooms, room_type, guests: Stay(
        dt.date(2026, 2, 27) + dt.timedelta(days=offset),
        dt.date(2026, 2, 27) + dt.timedelta(days=offset + nights),
        rooms=rooms,
        room_type=room_type,
        guests=guests,
    ),
    st.integers(0, 2),
    st.integers(1, 2),
    st.integers(1, 2),
    st.sampled_from((None, "double", "Double")),
    st.sampled_from((None, 2, 3)),
)


def _copies(data: st.DataObject, requested: list[Stay]) -> list[Stay]:
    """Some of ``requested`` again, some without their guests (a room without
    guests fits any): what a confirmation that copies requests holds."""
    import dataclasses

    copies = (
        data.draw(st.lists(st.sampled_from(requested), max_size=len(requested)))
        if requested
        else []
    )
    return [
        dataclasses.replace(c, guests=None) if data.draw(st.booleans()) else c
        for c in copies
    ]


def _crowded_sides(data: st.DataObject) -> tuple[list[Stay], list[Stay]]:
    """Crowded requests, and a confirmation that copies some of them and adds a
    few stays."""
    requested = data.draw(st.lists(_crowded, max_size=6))
    return requested, _copies(data, requested) + data.draw(
        st.lists(_crowded, max_size=4)
    )


def _fits(request: Stay, room: Stay) -> bool:
    """The README's rule, written plainly: a confirmed room books a requested room
    as requested when the room type is the one asked for (any, if none was) and the
    guests too (any, if either side does not say)."""
    return (
        request.room_type is None
        or (
            room.room_type is not None
            and room.room_type.casefold() == request.room_type.casefold()
        )
    ) and (request.guests is None or room.guests in (None, request.guests))


def _most_booked_as_requested(
    requested: Sequence[Stay], confirmed: Sequence[Stay], night: dt.date
) -> int:
    """The most requested rooms any assignment books as requested on ``night``:
    a maximum bipartite matching of single rooms (Kuhn's augmenting paths)."""
    wants = [
        s
        for s in requested
        if s.check_in <= night < s.check_out
        for _ in range(s.rooms)
    ]
    rooms = [
        c
        for c in confirmed
        if c.check_in <= night < c.check_out
        for _ in range(c.rooms)
    ]
    holder: list[int | None] = [None] * len(rooms)

    def place(w: int, seen: set[int]) -> bool:
        for r, room in enumerate(rooms):
            if r in seen or not _fits(wants[w], room):
                continue
            seen.add(r)
            current = holder[r]
            if current is None or place(current, seen):
                holder[r] = w
                return True
        return False

    return sum(place(w, set()) for w in range(len(wants)))


@settings(max_examples=1000)  # cheap, and the cases that matter are rare
@given(st.data())
def test_as_many_rooms_as_possible_are_booked_as_requested(
    data: st.DataObject,
) -> None:
    """On every night, the rooms booked as requested are as many as any reading of
    the confirmation could book (a maximum matching, found here by brute force);
    booked differently are as many of the rest as there are rooms left. Requests
    and confirmations that copy each other, some without their guests (a room
    without guests fits any), make the choice of who gets which room matter."""
    requested, confirmed = _crowded_sides(data)
    report = diff(requested, confirmed)
    booked = _per_night(report.booked)
    different = _per_night(report.booked_differently)
    days = {
        n for s in [*requested, *confirmed] for n in nights(s.check_in, s.check_out)
    }
    for night in sorted(days):
        asked = sum(s.rooms for s in requested if s.check_in <= night < s.check_out)
        rooms = sum(c.rooms for c in confirmed if c.check_in <= night < c.check_out)
        best = _most_booked_as_requested(requested, confirmed, night)
        got = sum(n for (day, _, _), n in booked.items() if day == night)
        assert got == best, night
        other = sum(n for (day, _, _), n in different.items() if day == night)
        assert other == min(asked - best, rooms - best), night


@settings(max_examples=500)
@given(st.data(), st.randoms(use_true_random=False))
def test_passing_rooms_on_does_not_depend_on_the_order_of_the_input(
    data: st.DataObject, rng: random.Random
) -> None:
    """Where rooms are passed on along a chain, which request gives up which room
    is decided by the stays' contents, never by their order in the input."""
    requested, confirmed = _crowded_sides(data)
    shuffled_requested = list(requested)
    shuffled_confirmed = list(confirmed)
    rng.shuffle(shuffled_requested)
    rng.shuffle(shuffled_confirmed)
    before = _outcome(diff(requested, confirmed), requested)
    after = _outcome(diff(shuffled_requested, shuffled_confirmed), shuffled_requested)
    assert after == before


@given(st.data())
def test_pairing_identical_stays_first_books_as_much_as_any_reading(
    data: st.DataObject,
) -> None:
    """diff pairs identical requested and confirmed stays before it matches the
    rest night by night. Pairing first must not cost a room: in each outcome the
    diff books as many room-nights as a matching that pairs nothing and books as
    many rooms as possible as requested on every night (found here by brute
    force), booked differently as many of the rest as rooms are left. Which of
    two requests of equal standing gets a scarce room may differ: pairing gives
    it to the identical one."""
    requested = expand(data.draw(sides()))
    confirmed = _copies(data, requested) + expand(data.draw(sides(max_size=3)))
    totals = diff(requested, confirmed).totals
    booked = different = not_booked = unrequested = 0
    days = {
        n for s in [*requested, *confirmed] for n in nights(s.check_in, s.check_out)
    }
    for night in days:
        asked = sum(s.rooms for s in requested if s.check_in <= night < s.check_out)
        rooms = sum(c.rooms for c in confirmed if c.check_in <= night < c.check_out)
        best = _most_booked_as_requested(requested, confirmed, night)
        other = min(asked - best, rooms - best)
        booked += best
        different += other
        not_booked += asked - best - other
        unrequested += rooms - best - other
    assert (
        totals.booked_room_nights,
        totals.booked_differently_room_nights,
        totals.not_booked_room_nights,
        totals.unrequested_room_nights,
    ) == (booked, different, not_booked, unrequested)
