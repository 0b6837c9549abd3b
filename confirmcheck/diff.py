"""The diff: for every night, which requested rooms the confirmed rooms meet.

How one night is matched, best outcome first (a request without a room type
accepts any type; unknown guests match any guests):

1. *booked as requested*: a confirmed room of the requested type (or any type,
   for a request without one) for the requested guests. Requests that name a room
   type, then a number of guests, choose first, so that a request that accepts
   more never takes the room a stricter one needs.
2. *booked differently*: a confirmed room of the requested type for other guests,
   then a confirmed room of another type.
3. *not booked*: no confirmed room is left for the requested room.

Confirmed rooms left over are *booked but not requested*. Ties are broken by the
stays' contents, never by their order in the input, so shuffling the input changes
nothing but the stay numbers.

Most confirmations repeat most requests exactly; such pairs (same dates, room type
and guests) are matched first in one pass over a hash table, and only what is left
goes through the night-by-night sweep. Such a pair is a "booked as requested"
match on every night, as the sweep would find it too. (One thing it settles
differently: a confirmed stay that only partly repeats a request, and is
unrequested where a paired one already booked the nights, points to no stay.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import compress, pairwise
from operator import attrgetter
from typing import TypeVar

from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    new_range,
    new_stay_result,
)
from confirmcheck.stay import Series, Stay, expand

__all__ = ["diff"]

_BOOKED = 0
_DIFFERENT = 1
_NOT_BOOKED = 2
_UNREQUESTED = 3

# What a piece of a requested stay's outcome is keyed by: (bucket, confirmed index).
# The confirmed index says which room type and guests the booked rooms have.
_Piece = tuple[dt.date, dt.date, int]
_R = TypeVar("_R", bound=Range)
_ROOMS = attrgetter("rooms")

# What identical pairs share: dates, room type (case-folded) and guests.
_JoinKey = tuple[dt.date, dt.date, str | None, int | None]


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
    return _Differ(expand(requested), expand(confirmed)).report()


def _content_key(stay: Stay) -> tuple[dt.date, dt.date, str, int, str, int, str]:
    return (
        stay.check_in,
        stay.check_out,
        stay.room_type_key or "",
        stay.guests or 0,
        stay.ref or "",
        stay.rooms,
        # Last: "Double" and "double" match alike, but they are reported as given,
        # so the input order must not decide between them either.
        stay.room_type or "",
    )


def _order_in_key(stays: Sequence[Stay], index: int) -> tuple[str, int, str, int]:
    """Content order among stays of one join key: the rest of the content key."""
    stay = stays[index]
    return stay.ref or "", stay.rooms, stay.room_type or "", index


def _kind(stay: Stay) -> tuple[str | None, int | None]:
    """What the matching looks at besides dates: room type (case-folded), guests."""
    return stay.room_type_key, stay.guests


class _Differ:
    def __init__(self, requested: Sequence[Stay], confirmed: Sequence[Stay]) -> None:
        self.requested = requested
        self.confirmed = confirmed
        # Pieces of each requested stay's outcome, by (stay index, bucket, confirmed
        # index or -1); summed per night and coalesced at the end.
        self.pieces: defaultdict[tuple[int, int, int], list[_Piece]] = defaultdict(list)
        self.unrequested: defaultdict[int, list[_Piece]] = defaultdict(list)
        # Which requested stay (index) each confirmed stay served first, or -1, so
        # an extra night can say which stay it extends.
        self.served = [-1] * len(confirmed)

    def report(self) -> Report:
        requested, confirmed = self.requested, self.confirmed
        served = self.served
        req_left = list(map(_ROOMS, requested))
        conf_left = list(map(_ROOMS, confirmed))

        # Pass 1: identical pairs, in one hash join. Each join key is named by the
        # first confirmed stay that has it. Only stays that share a key compete for
        # the same rooms, so only those are put in content order.
        # The join key is (check_in, check_out, case-folded room type, guests); it
        # is written out twice below, as building it in a function costs a call
        # per stay.
        # A confirmed room without guests fits any guests: a request that names
        # its guests must choose it before an identical request without guests
        # takes it, so such rooms are left to the sweep whenever any request
        # names its guests.
        guests_named = any(s.guests is not None for s in requested)
        first: dict[_JoinKey, int] = {}
        conf_group = [
            None
            if guests_named and c.guests is None
            else first.setdefault(
                (
                    c.check_in,
                    c.check_out,
                    None if (t := c.room_type) is None else t.casefold(),
                    c.guests,
                ),
                j,
            )
            for j, c in enumerate(confirmed)
        ]
        req_group = [
            first.get(
                (
                    s.check_in,
                    s.check_out,
                    None if (t := s.room_type) is None else t.casefold(),
                    s.guests,
                )
            )
            for s in requested
        ]
        conf_count = Counter(conf_group)
        req_count = Counter(req_group)
        # match[i]: the one confirmed stay that books all of requested stay i.
        match = [-1] * len(requested)
        fast: dict[int, list[tuple[int, int]]] = {}  # anything else pass 1 books
        shared: dict[int, list[int]] = {}  # keys given by several stays
        for i, g in enumerate(req_group):
            if g is None:
                continue
            if req_count[g] > 1 or conf_count[g] > 1:
                shared.setdefault(g, []).append(i)
                continue
            # The common case: one requested and one confirmed stay with this key.
            served[g] = i
            want, have = req_left[i], conf_left[g]
            if want <= have:
                match[i] = g
                req_left[i] = 0
                conf_left[g] = have - want
            else:
                fast[i] = [(g, have)]
                req_left[i] = want - have
                conf_left[g] = 0
        if shared:
            conf_ids: dict[int, list[int]] = {}
            for j, g in enumerate(conf_group):
                if g in shared:
                    conf_ids.setdefault(g, []).append(j)
            # Within a key, content order is (ref, rooms, position).
            req_order = partial(_order_in_key, requested)
            conf_order = partial(_order_in_key, confirmed)
            for g, req_ids in shared.items():
                entries = [
                    [j, conf_left[j]] for j in sorted(conf_ids[g], key=conf_order)
                ]
                for i in sorted(req_ids, key=req_order):
                    if not entries:
                        break
                    want = req_left[i]
                    taken: list[tuple[int, int]] = []
                    while want and entries:
                        entry = entries[0]
                        n = min(want, entry[1])
                        want -= n
                        entry[1] -= n
                        taken.append((entry[0], n))
                        if not entry[1]:
                            entries.pop(0)
                    for j, n in taken:
                        conf_left[j] -= n
                        if served[j] < 0:
                            served[j] = i
                    req_left[i] = want
                    if want or len(taken) > 1:
                        fast[i] = taken
                    else:
                        match[i] = taken[0][0]

        # Pass 2: the rest, night by night over the segments between boundaries.
        req_rest = list(compress(range(len(requested)), req_left))
        conf_rest = list(compress(range(len(confirmed)), conf_left))
        req_rest.sort(key=lambda i: (_content_key(requested[i]), i))
        conf_rest.sort(key=lambda j: (_content_key(confirmed[j]), j))
        rank = {j: r for r, j in enumerate(conf_rest)}
        self._sweep(req_rest, conf_rest, req_left, conf_left, rank)
        return self._build(match, fast)

    def _sweep(
        self,
        req_ids: list[int],
        conf_ids: list[int],
        req_left: list[int],
        conf_left: list[int],
        rank: dict[int, int],
    ) -> None:
        if not req_ids and not conf_ids:
            return
        requested, confirmed = self.requested, self.confirmed
        starts: defaultdict[dt.date, list[tuple[bool, int]]] = defaultdict(list)
        ends: defaultdict[dt.date, list[tuple[bool, int]]] = defaultdict(list)
        for i in req_ids:
            starts[requested[i].check_in].append((True, i))
            ends[requested[i].check_out].append((True, i))
        for j in conf_ids:
            starts[confirmed[j].check_in].append((False, j))
            ends[confirmed[j].check_out].append((False, j))
        req_pos = {i: p for p, i in enumerate(req_ids)}
        req_kind = {i: _kind(requested[i]) for i in req_ids}
        conf_kind = {j: _kind(confirmed[j]) for j in conf_ids}
        active_req: set[int] = set()
        active_conf: set[int] = set()
        boundaries = sorted(starts.keys() | ends.keys())
        pieces, unrequested, served = self.pieces, self.unrequested, self.served
        for start, end in pairwise(boundaries):
            for is_req, k in ends.get(start, ()):
                (active_req if is_req else active_conf).discard(k)
            for is_req, k in starts.get(start, ()):
                (active_req if is_req else active_conf).add(k)
            if not active_conf:
                for i in active_req:
                    pieces[i, _NOT_BOOKED, -1].append((start, end, req_left[i]))
                continue
            if not active_req:
                for j in active_conf:
                    unrequested[j].append((start, end, conf_left[j]))
                continue
            reqs = [
                [i, req_left[i]] for i in sorted(active_req, key=req_pos.__getitem__)
            ]
            confs = [
                [j, conf_left[j]] for j in sorted(active_conf, key=rank.__getitem__)
            ]
            for i, j, n, bucket in _match_night(reqs, confs, req_kind, conf_kind):
                pieces[i, bucket, j].append((start, end, n))
                if j >= 0 and served[j] < 0:
                    served[j] = i
            for j, n in confs:
                if n:
                    unrequested[j].append((start, end, n))

    def _build(
        self, match: list[int], fast: dict[int, list[tuple[int, int]]]
    ) -> Report:
        requested, confirmed = self.requested, self.confirmed
        by_stay: defaultdict[int, list[tuple[int, int, list[_Piece]]]] = defaultdict(
            list
        )
        for (i, bucket, j), found in self.pieces.items():
            by_stay[i].append((bucket, j, found))

        booked: list[Range] = []
        different: list[DifferentRange] = []
        not_booked: list[Range] = []
        stays: list[StayResult] = []
        booked_as_requested = Status.BOOKED
        for i, (s, whole) in enumerate(zip(requested, match, strict=True)):
            number = i + 1
            if whole >= 0:
                # The common case: one identical confirmed stay books all of it.
                c = confirmed[whole]
                booked.append(
                    new_range(
                        number, s.check_in, s.check_out, s.rooms, c.room_type, c.guests
                    )
                )
                stays.append(
                    new_stay_result(
                        number,
                        s.check_in,
                        s.check_out,
                        s.rooms,
                        s.room_type,
                        s.guests,
                        s.ref,
                        booked_as_requested,
                    )
                )
                continue
            # Merge pieces with equal outcome: same bucket and same booked rooms.
            outcomes: dict[tuple[int, str | None, int | None], list[_Piece]] = {}
            for j, n in fast.get(i, ()):
                c = confirmed[j]
                outcomes.setdefault((_BOOKED, c.room_type, c.guests), []).append(
                    (s.check_in, s.check_out, n)
                )
            for bucket, j, found in by_stay.get(i, ()):
                if j >= 0:
                    c = confirmed[j]
                    key = (bucket, c.room_type, c.guests)
                else:
                    key = (bucket, s.room_type, s.guests)
                outcomes.setdefault(key, []).extend(found)
            # This stay's ranges are sorted by date here, so that every list ends up
            # sorted by (stay, check_in) without a sort of the whole list.
            marks = (len(booked), len(different), len(not_booked))
            room_nights = [0, 0, 0]
            for (bucket, room_type, guests), found in sorted(
                outcomes.items(),
                key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or 0),
            ):
                for start, end, n in _coalesce(found):
                    room_nights[bucket] += (end - start).days * n
                    if bucket == _BOOKED:
                        booked.append(
                            new_range(number, start, end, n, room_type, guests)
                        )
                    elif bucket == _DIFFERENT:
                        different.append(
                            DifferentRange(
                                number,
                                start,
                                end,
                                n,
                                room_type,
                                guests,
                                s.room_type,
                                s.guests,
                            )
                        )
                    else:
                        not_booked.append(
                            new_range(number, start, end, n, s.room_type, s.guests)
                        )
            _sort_from(booked, marks[0])
            _sort_from(different, marks[1])
            _sort_from(not_booked, marks[2])
            if room_nights[_NOT_BOOKED] == s.room_nights:
                status = Status.NOT_BOOKED
            elif room_nights[_NOT_BOOKED]:
                status = Status.PARTLY_BOOKED
            elif room_nights[_DIFFERENT]:
                status = Status.BOOKED_DIFFERENTLY
            else:
                status = Status.BOOKED
            stays.append(
                new_stay_result(
                    number,
                    s.check_in,
                    s.check_out,
                    s.rooms,
                    s.room_type,
                    s.guests,
                    s.ref,
                    status,
                )
            )

        served = self.served
        extra: dict[tuple[int | None, str | None, int | None], list[_Piece]] = {}
        for j, found in self.unrequested.items():
            c = confirmed[j]
            stay = None if served[j] < 0 else served[j] + 1
            extra.setdefault((stay, c.room_type, c.guests), []).extend(found)
        unrequested = [
            new_range(stay, start, end, n, room_type, guests)
            for (stay, room_type, guests), found in extra.items()
            for start, end, n in _coalesce(found)
        ]
        unrequested.sort(
            key=lambda r: (
                r.check_in,
                r.check_out,
                r.stay or 0,
                r.room_type or "",
                r.guests or 0,
            )
        )
        return Report(
            stays=tuple(stays),
            booked=tuple(booked),
            booked_differently=tuple(different),
            not_booked=tuple(not_booked),
            unrequested=tuple(unrequested),
        )


def _check_in(item: Range) -> dt.date:
    return item.check_in


def _sort_from(ranges: list[_R], mark: int) -> None:
    """Sort ``ranges[mark:]`` (one stay's ranges) by date, keeping ties in order."""
    if len(ranges) - mark > 1:
        ranges[mark:] = sorted(ranges[mark:], key=_check_in)


def _match_night(
    reqs: list[list[int]],
    confs: list[list[int]],
    req_kind: dict[int, tuple[str | None, int | None]],
    conf_kind: dict[int, tuple[str | None, int | None]],
) -> list[tuple[int, int, int, int]]:
    """Match one night's requested rooms to its confirmed rooms.

    ``reqs`` and ``confs`` are ``[index, rooms left]`` in content order; the rooms
    left are used up in place. ``req_kind`` and ``conf_kind`` give each stay's
    case-folded room type and guests. Returns ``(stay index, confirmed index or -1,
    rooms, bucket)`` for every requested room, met or not.
    """
    out: list[tuple[int, int, int, int]] = []

    free = sum(c[1] for c in confs)  # confirmed rooms not yet taken

    def take(r: list[int], candidates: list[list[int]], bucket: int) -> None:
        # Every candidate in turn, in content order, until r has all its rooms.
        nonlocal free
        if not (r[1] and free):
            return
        for c in candidates:
            if c[1]:
                n = min(r[1], c[1])
                r[1] -= n
                c[1] -= n
                free -= n
                out.append((r[0], c[0], n, bucket))
                if not (r[1] and free):
                    return

    # The confirmed rooms by what a request may ask for, each list in content order.
    by_type_guests: dict[tuple[str | None, int | None], list[list[int]]] = {}
    by_type: dict[str | None, list[list[int]]] = {}
    by_guests: dict[int | None, list[list[int]]] = {}
    for c in confs:
        kind = conf_kind[c[0]]
        by_type_guests.setdefault(kind, []).append(c)
        by_type.setdefault(kind[0], []).append(c)
        by_guests.setdefault(kind[1], []).append(c)
    none: list[list[int]] = []

    typed = [r for r in reqs if req_kind[r[0]][0] is not None]
    untyped = [r for r in reqs if req_kind[r[0]][0] is None]

    # 1. Booked as requested; the strictest requests choose first.
    for r in typed:
        room_type, guests = req_kind[r[0]]
        if guests is not None:
            take(r, by_type_guests.get((room_type, guests), none), _BOOKED)
            take(r, by_type_guests.get((room_type, None), none), _BOOKED)
    for r in typed:
        room_type, guests = req_kind[r[0]]
        if guests is None:
            take(r, by_type.get(room_type, none), _BOOKED)
    for r in untyped:
        guests = req_kind[r[0]][1]
        if guests is not None:
            take(r, by_guests.get(guests, none), _BOOKED)
            take(r, by_guests.get(None, none), _BOOKED)
    for r in untyped:
        if req_kind[r[0]][1] is None:
            take(r, confs, _BOOKED)
    # 2. Booked differently: the right type for other guests, then another type.
    for r in typed:
        take(r, by_type.get(req_kind[r[0]][0], none), _DIFFERENT)
    for r in untyped:
        take(r, confs, _DIFFERENT)
    for r in typed:
        take(r, confs, _DIFFERENT)
    # 3. Not booked.
    for r in reqs:
        if r[1]:
            out.append((r[0], -1, r[1], _NOT_BOOKED))
    return out


def _coalesce(pieces: list[_Piece]) -> list[_Piece]:
    """Maximal ranges of equal room count from pieces that may touch or overlap."""
    if len(pieces) == 1:
        return pieces
    delta: defaultdict[dt.date, int] = defaultdict(int)
    for start, end, n in pieces:
        delta[start] += n
        delta[end] -= n
    out: list[_Piece] = []
    count = 0
    previous: dt.date | None = None
    for day in sorted(delta):
        if previous is not None and count:
            if out and out[-1][1] == previous and out[-1][2] == count:
                out[-1] = (out[-1][0], day, count)
            else:
                out.append((previous, day, count))
        count += delta[day]
        previous = day
    return out
