"""The diff: for every night, which requested rooms the confirmed rooms book.

:func:`diff` works in three steps:

1. **Pair identical stays.** A confirmed stay that repeats a requested one (same
   dates, room type without regard to case, and guests) books it as requested.
   They are paired by a hash join on those fields; where several stays share
   them, in content order (see :mod:`confirmcheck.diff.night`), each request
   taking all the rooms it asks for before the next one takes any.
2. **Sweep the nights.** The rooms that pairing left are matched night by night:
   the check-ins and check-outs cut the calendar into runs of nights on which
   the same stays are running, and each run is matched by the rules of
   :mod:`confirmcheck.diff.night` (strictest requests first, rooms passed on
   along chains, then booked differently, then not booked). Paired stays take
   part where rooms are passed on.
3. **Build the report.** Every requested room-night ends in exactly one bucket:
   booked as requested, booked differently, or not booked; confirmed room-nights
   nobody took are booked but not requested. Consecutive nights with the same
   outcome coalesce into one range, which points to the requested stay it
   belongs to; an unrequested range points to the stay that first took a room of
   its confirmed stay, if any.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import groupby, pairwise
from operator import itemgetter
from typing import Any, Generic, Literal, TypeVar

from confirmcheck.diff.night import Kind, Matching, Pair, Rooms, content_order, match
from confirmcheck.report import DifferentRange, Range, Report, Status, StayResult
from confirmcheck.stay import Series, Stay, expand

__all__ = ["diff"]


def diff(
    requested: Iterable[Stay | Series], confirmed: Iterable[Stay | Series]
) -> Report:
    """Compare the requested stays with the confirmed ones, night by night.

    Requested stays are numbered from 1 in the order given, a series counting
    one stay per occurrence in date order.

    >>> import datetime as dt
    >>> week = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    >>> diff([week], []).not_booked[0].nights
    4
    """
    ledger = Ledger(expand(requested), expand(confirmed))
    sweep(pair_identical(ledger), ledger)
    return ledger.report()


# --- step 1: pair identical stays --------------------------------------------------

JoinKey = tuple[dt.date, dt.date, str | None, int | None]
"""What identical stays share: dates, case-folded room type and guests."""

Paired = tuple[int, int, int]
"""Rooms of a confirmed stay paired with an identical requested stay:
``(requested stay, confirmed stay, rooms)``, the stays by index."""


Pairing = tuple[list[Rooms], list[Rooms], dict[Kind, list[Paired]]]
"""What pairing left for the sweep, in content order, and the pairs by kind."""


def pair_identical(ledger: Ledger) -> Pairing:
    """Pair identical stays by a hash join, in content order: of the stays that
    share a join key, the first request takes rooms of the first confirmed stays."""
    asked, offered = ledger.asked, ledger.offered
    offered_by_key = by_join_key(offered)
    wanted = [stay.rooms for stay in asked]
    left = [stay.rooms for stay in offered]
    pairs: defaultdict[Kind, list[Paired]] = defaultdict(list)
    for key, asking in by_join_key(asked).items():
        offering = in_content_order(offered, offered_by_key.get(key, []))
        for i in in_content_order(asked, asking):
            for j in offering:
                if rooms := min(wanted[i], left[j]):
                    pairs[key[2:]].append((i, j, rooms))
                    wanted[i] -= rooms
                    left[j] -= rooms
                    ledger.served.setdefault(j, i)
                    ledger.add(i, "booked", offered[j], key[0], key[1], rooms)
    asking = in_content_order(asked, [i for i, n in enumerate(wanted) if n])
    offering = in_content_order(offered, [j for j, n in enumerate(left) if n])
    requests = [Rooms.of(asked[i], i, wanted[i]) for i in asking]
    return requests, [Rooms.of(offered[j], j, left[j]) for j in offering], pairs


def by_join_key(stays: Sequence[Stay]) -> dict[JoinKey, list[int]]:
    found: defaultdict[JoinKey, list[int]] = defaultdict(list)
    for index, stay in enumerate(stays):
        key = (stay.check_in, stay.check_out, stay.room_type_key, stay.guests)
        found[key].append(index)
    return found


def in_content_order(stays: Sequence[Stay], indices: list[int]) -> list[int]:
    if len(indices) < 2:
        return indices
    return sorted(indices, key=lambda index: content_order(stays[index], index))


# --- step 2: sweep the nights ------------------------------------------------------

T = TypeVar("T")


class Running(Generic[T]):
    """Things that arrive on one day and leave on another: those running, in
    the order they arrived."""

    def __init__(self) -> None:
        self.arriving: defaultdict[dt.date, list[tuple[int, T]]] = defaultdict(list)
        self.leaving: defaultdict[dt.date, list[int]] = defaultdict(list)
        self.now: dict[int, T] = {}
        self.added = 0

    def add(self, item: T, stay: Stay) -> None:
        """``item`` runs on the nights of ``stay``."""
        self.arriving[stay.check_in].append((self.added, item))
        self.leaving[stay.check_out].append(self.added)
        self.added += 1

    def move_to(self, day: dt.date) -> None:
        """Those that check out on ``day`` leave, those that check in arrive."""
        for number in self.leaving.get(day, ()):
            del self.now[number]
        self.now.update(self.arriving.get(day, ()))


def sweep(pairing: Pairing, ledger: Ledger) -> None:
    """Match the rooms that pairing left, run by run of nights."""
    # Content order begins with the check-in: adding each day's arrivals in
    # content order keeps the running stays in content order.
    requests: Running[Rooms] = Running()
    offers: Running[Rooms] = Running()
    pairs: defaultdict[Kind, Running[Paired]] = defaultdict(Running)
    for request in pairing[0]:
        requests.add(request, ledger.asked[request.stay])
    for offer in pairing[1]:
        offers.add(offer, ledger.offered[offer.stay])
    for kind, paired in pairing[2].items():
        for pair in paired:
            pairs[kind].add(pair, ledger.asked[pair[0]])
    runnings: list[Running[Any]] = [requests, offers, *pairs.values()]
    days: set[dt.date] = set()
    for running in runnings:
        days |= running.arriving.keys() | running.leaving.keys()
    for start, end in pairwise(sorted(days)):
        for running in runnings:
            running.move_to(start)
        if requests.now or offers.now:
            running_pairs = {
                kind: partial(make_pairs, ledger, running.now.values())
                for kind, running in pairs.items()
                if running.now
            }
            matching = match(
                [*requests.now.values()], [*offers.now.values()], running_pairs
            )
            ledger.record(matching, start, end)


def make_pairs(ledger: Ledger, pairs: Iterable[Paired]) -> list[Pair]:
    asked, offered = ledger.asked, ledger.offered
    return [
        Pair(Rooms.of(asked[i], i, rooms), Rooms.of(offered[j], j, rooms), rooms)
        for i, j, rooms in pairs
    ]


# --- step 3: the report ------------------------------------------------------------

Bucket = Literal["booked", "booked_differently", "not_booked"]

Line = tuple[int, Bucket, str | None, int | None, dt.date, dt.date, int]
"""A line of the ledger: ``(requested stay, bucket, room_type, guests, start, end,
rooms)``: the stay (by index) has, in the bucket, rooms of that room type (as
given) and guests on the nights ``[start, end)``: the confirmed rooms', or the
request's for rooms not booked. Rooms are negative for a pair passing one on."""

Piece = tuple[dt.date, dt.date, int]
"""The nights ``[start, end)`` with this many rooms."""


class Ledger:
    """What the diff decided, line by line; read by requested stay when the
    report is built, summing the lines night by night."""

    def __init__(self, asked: Sequence[Stay], offered: Sequence[Stay]) -> None:
        self.asked = asked
        self.offered = offered
        self.lines: list[Line] = []
        self.unrequested: list[tuple[int, dt.date, dt.date, int]] = []
        """Confirmed rooms nobody took: (confirmed stay, start, end, rooms)."""
        self.served: dict[int, int] = {}
        """For each confirmed stay, the requested stay that first took a room."""

    def add(  # noqa: PLR0917 - the fields of a line
        self, i: int, bucket: Bucket, room: Stay, start: dt.date, end: dt.date, n: int
    ) -> None:
        """Requested stay ``i`` has ``n`` rooms like ``room`` on [start, end)."""
        self.lines.append((i, bucket, room.room_type, room.guests, start, end, n))

    def record(self, matching: Matching, start: dt.date, end: dt.date) -> None:
        """Record the matching of the run of nights ``[start, end)``."""
        for (i, j), rooms in matching.booked.items():
            if rooms:
                self.add(i, "booked", self.offered[j], start, end, rooms)
        for (i, j), rooms in matching.booked_differently.items():
            self.add(i, "booked_differently", self.offered[j], start, end, rooms)
        for i, rooms in matching.not_booked.items():
            self.add(i, "not_booked", self.asked[i], start, end, rooms)
        for j, rooms in matching.unrequested.items():
            self.unrequested.append((j, start, end, rooms))
        for j, i in matching.first_taker.items():
            self.served.setdefault(j, i)

    def report(self) -> Report:
        results: list[StayResult] = []
        booked: list[Range] = []
        differently: list[DifferentRange] = []
        not_booked: list[Range] = []
        # Every requested room-night is on a line, so every stay has lines.
        by_stay = groupby(sorted(self.lines, key=_first), key=_first)
        for (i, lines), stay in zip(by_stay, self.asked, strict=True):
            ranges = StayRanges(i + 1, stay, lines)
            booked += ranges.booked
            differently += ranges.booked_differently
            not_booked += ranges.not_booked
            results.append(ranges.result())
        return Report(
            stays=tuple(results),
            booked=tuple(booked),
            booked_differently=tuple(differently),
            not_booked=tuple(not_booked),
            unrequested=tuple(self.unrequested_ranges()),
        )

    def unrequested_ranges(self) -> list[Range]:
        """The confirmed rooms nobody took, by the stay they serve, coalesced."""
        by_outcome: defaultdict[tuple[int | None, str | None, int | None], list[Piece]]
        by_outcome = defaultdict(list)
        for j, start, end, rooms in self.unrequested:
            room, i = self.offered[j], self.served.get(j)
            stay = None if i is None else i + 1
            add_piece(by_outcome[stay, room.room_type, room.guests], start, end, rooms)
        ranges = [
            Range(stay, start, end, rooms, room_type, guests)
            for (stay, room_type, guests), pieces in by_outcome.items()
            for start, end, rooms in coalesce(pieces)
        ]
        ranges.sort(key=lambda r: (r.check_in, r.check_out, r.stay or 0, *_looks(r)))
        return ranges


_first = itemgetter(0)


class StayRanges:
    """One requested stay's ranges, each list by date, room type and guests."""

    def __init__(self, number: int, stay: Stay, lines: Iterable[Line]) -> None:
        self.number, self.stay = number, stay
        self.booked: list[Range] = []
        self.booked_differently: list[DifferentRange] = []
        self.not_booked: list[Range] = []
        by_outcome: defaultdict[tuple[Bucket, str | None, int | None], list[Piece]]
        by_outcome = defaultdict(list)
        for _, bucket, room_type, guests, start, end, rooms in lines:
            add_piece(by_outcome[bucket, room_type, guests], start, end, rooms)
        for (bucket, room_type, guests), pieces in by_outcome.items():
            for start, end, rooms in coalesce(pieces):
                found = (number, start, end, rooms, room_type, guests)
                if bucket == "booked":
                    self.booked.append(Range(*found))
                elif bucket == "not_booked":
                    self.not_booked.append(Range(*found))
                else:
                    asked = (stay.room_type, stay.guests)
                    self.booked_differently.append(DifferentRange(*found, *asked))
        self.booked.sort(key=_range_order)
        self.booked_differently.sort(key=_range_order)

    def result(self) -> StayResult:
        """The stay's result: its status, from best to worst, is booked,
        booked differently, partly booked, not booked."""
        stay = self.stay
        not_booked = sum(r.room_nights for r in self.not_booked)
        if not_booked == stay.room_nights:
            status = Status.NOT_BOOKED
        elif not_booked:
            status = Status.PARTLY_BOOKED
        elif self.booked_differently:
            status = Status.BOOKED_DIFFERENTLY
        else:
            status = Status.BOOKED
        return StayResult(
            self.number,
            stay.check_in,
            stay.check_out,
            stay.rooms,
            stay.room_type,
            stay.guests,
            stay.ref,
            status,
        )


def _range_order(item: Range) -> tuple[dt.date, str, int]:
    return item.check_in, *_looks(item)


def _looks(item: Range) -> tuple[str, int]:
    return item.room_type or "", item.guests or 0


def add_piece(pieces: list[Piece], start: dt.date, end: dt.date, rooms: int) -> None:
    """Add the nights ``[start, end)`` with ``rooms`` rooms, extending the last
    piece where they continue it."""
    if pieces and pieces[-1][1] == start and pieces[-1][2] == rooms:
        pieces[-1] = (pieces[-1][0], end, rooms)
    else:
        pieces.append((start, end, rooms))


def coalesce(pieces: list[Piece]) -> list[Piece]:
    """The nights of ``pieces`` with their rooms summed, as maximal ranges of
    equal rooms (none for nights without a room)."""
    if len(pieces) == 1:
        return pieces
    change: defaultdict[dt.date, int] = defaultdict(int)
    for start, end, rooms in pieces:
        change[start] += rooms
        change[end] -= rooms
    out: list[Piece] = []
    rooms = 0
    for start, end in pairwise(sorted(change)):
        rooms += change[start]
        if rooms:
            add_piece(out, start, end, rooms)
    return out
