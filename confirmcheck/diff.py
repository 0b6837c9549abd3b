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
goes through the night-by-night sweep. Matching identical pairs first is what the
sweep would do too: such a pair is a "booked as requested" match on every night.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

from confirmcheck.report import DifferentRange, Range, Report, Status, StayResult
from confirmcheck.stay import Series, Stay, expand

__all__ = ["diff"]

_BOOKED = 0
_DIFFERENT = 1
_NOT_BOOKED = 2
_UNREQUESTED = 3

# What a piece of a requested stay's outcome is keyed by: (bucket, confirmed index).
# The confirmed index says which room type and guests the booked rooms have.
_Piece = tuple[dt.date, dt.date, int]


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


class _Differ:
    def __init__(self, requested: Sequence[Stay], confirmed: Sequence[Stay]) -> None:
        self.requested = requested
        self.confirmed = confirmed
        # Pieces of each requested stay's outcome, by (stay index, bucket, confirmed
        # index or -1); summed per night and coalesced at the end.
        self.pieces: defaultdict[tuple[int, int, int], list[_Piece]] = defaultdict(list)
        self.unrequested: defaultdict[int, list[_Piece]] = defaultdict(list)
        # Which requested stay each confirmed stay served first (by number), so an
        # extra night can say which stay it extends.
        self.served: dict[int, int] = {}

    def report(self) -> Report:
        requested, confirmed = self.requested, self.confirmed
        req_order = sorted(
            range(len(requested)), key=lambda i: (_content_key(requested[i]), i)
        )
        conf_order = sorted(
            range(len(confirmed)), key=lambda j: (_content_key(confirmed[j]), j)
        )
        rank = {j: r for r, j in enumerate(conf_order)}

        # Pass 1: identical pairs, in one hash join. A confirmed room without guests
        # fits any guests: a request that names its guests must choose it before an
        # identical request without guests takes it, so such rooms are left to the
        # sweep whenever any request names its guests.
        guests_named = any(s.guests is not None for s in requested)
        pool: dict[
            tuple[dt.date, dt.date, str | None, int | None], list[list[int]]
        ] = {}
        for j in conf_order:
            c = confirmed[j]
            if c.guests is None and guests_named:
                continue
            key = (c.check_in, c.check_out, c.room_type_key, c.guests)
            pool.setdefault(key, []).append([j, c.rooms])
        conf_left = [c.rooms for c in confirmed]
        req_left = [s.rooms for s in requested]
        fast: dict[int, list[tuple[int, int]]] = {}
        for i in req_order:
            s = requested[i]
            entries = pool.get((s.check_in, s.check_out, s.room_type_key, s.guests))
            if not entries:
                continue
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
                self.served.setdefault(j, i)
            req_left[i] = want
            fast[i] = taken

        # Pass 2: the rest, night by night over the segments between boundaries.
        self._sweep(
            [i for i in req_order if req_left[i]],
            [j for j in conf_order if conf_left[j]],
            req_left,
            conf_left,
            rank,
        )
        return self._build(fast)

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
        active_req: set[int] = set()
        active_conf: set[int] = set()
        boundaries = sorted(starts.keys() | ends.keys())
        pieces, unrequested = self.pieces, self.unrequested
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
            for i, j, n, bucket in _match_night(reqs, confs, requested, confirmed):
                pieces[i, bucket, j].append((start, end, n))
                if j >= 0:
                    self.served.setdefault(j, i)
            for j, n in confs:
                if n:
                    unrequested[j].append((start, end, n))

    def _build(self, fast: dict[int, list[tuple[int, int]]]) -> Report:
        requested, confirmed = self.requested, self.confirmed
        for i, taken in fast.items():
            s = requested[i]
            for j, n in taken:
                self.pieces[i, _BOOKED, j].append((s.check_in, s.check_out, n))

        by_stay: defaultdict[int, list[tuple[int, int, list[_Piece]]]] = defaultdict(
            list
        )
        for (i, bucket, j), found in self.pieces.items():
            by_stay[i].append((bucket, j, found))

        booked: list[Range] = []
        different: list[DifferentRange] = []
        not_booked: list[Range] = []
        stays: list[StayResult] = []
        for i, s in enumerate(requested):
            number = i + 1
            # Merge pieces with equal outcome: same bucket and same booked rooms.
            outcomes: dict[tuple[int, str | None, int | None], list[_Piece]] = {}
            for bucket, j, found in by_stay.get(i, ()):
                if j >= 0:
                    c = confirmed[j]
                    key = (bucket, c.room_type, c.guests)
                else:
                    key = (bucket, s.room_type, s.guests)
                outcomes.setdefault(key, []).extend(found)
            room_nights = [0, 0, 0]
            for (bucket, room_type, guests), found in sorted(
                outcomes.items(),
                key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or 0),
            ):
                for start, end, n in _coalesce(found):
                    room_nights[bucket] += (end - start).days * n
                    if bucket == _BOOKED:
                        booked.append(Range(number, start, end, n, room_type, guests))
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
                            Range(number, start, end, n, s.room_type, s.guests)
                        )
            if room_nights[_NOT_BOOKED] == s.room_nights:
                status = Status.NOT_BOOKED
            elif room_nights[_NOT_BOOKED]:
                status = Status.PARTLY_BOOKED
            elif room_nights[_DIFFERENT]:
                status = Status.BOOKED_DIFFERENTLY
            else:
                status = Status.BOOKED
            stays.append(
                StayResult(
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

        extra: dict[tuple[int | None, str | None, int | None], list[_Piece]] = {}
        for j, found in self.unrequested.items():
            c = confirmed[j]
            served = self.served.get(j)
            stay = None if served is None else served + 1
            extra.setdefault((stay, c.room_type, c.guests), []).extend(found)
        unrequested = [
            Range(stay, start, end, n, room_type, guests)
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
        sort_key = lambda r: (r.stay, r.check_in)  # noqa: E731
        return Report(
            stays=tuple(stays),
            booked=tuple(sorted(booked, key=sort_key)),
            booked_differently=tuple(sorted(different, key=sort_key)),
            not_booked=tuple(sorted(not_booked, key=sort_key)),
            unrequested=tuple(unrequested),
        )


def _match_night(
    reqs: list[list[int]],
    confs: list[list[int]],
    requested: Sequence[Stay],
    confirmed: Sequence[Stay],
) -> list[tuple[int, int, int, int]]:
    """Match one night's requested rooms to its confirmed rooms.

    ``reqs`` and ``confs`` are ``[index, rooms left]`` in content order; the rooms
    left are used up in place. Returns ``(stay index, confirmed index or -1, rooms,
    bucket)`` for every requested room, met or not.
    """
    out: list[tuple[int, int, int, int]] = []

    def take(r: list[int], c: list[int], bucket: int) -> None:
        n = min(r[1], c[1])
        if n:
            r[1] -= n
            c[1] -= n
            out.append((r[0], c[0], n, bucket))

    typed = [r for r in reqs if requested[r[0]].room_type_key is not None]
    untyped = [r for r in reqs if requested[r[0]].room_type_key is None]

    def guests_known(rs: list[list[int]]) -> list[list[int]]:
        return [r for r in rs if requested[r[0]].guests is not None]

    def guests_unknown(rs: list[list[int]]) -> list[list[int]]:
        return [r for r in rs if requested[r[0]].guests is None]

    # 1. Booked as requested; the strictest requests choose first.
    for r in guests_known(typed):
        want = requested[r[0]]
        for c in confs:
            got = confirmed[c[0]]
            if got.room_type_key == want.room_type_key and got.guests == want.guests:
                take(r, c, _BOOKED)
        for c in confs:
            got = confirmed[c[0]]
            if got.room_type_key == want.room_type_key and got.guests is None:
                take(r, c, _BOOKED)
    for r in guests_unknown(typed):
        want = requested[r[0]]
        for c in confs:
            if confirmed[c[0]].room_type_key == want.room_type_key:
                take(r, c, _BOOKED)
    for r in guests_known(untyped):
        want = requested[r[0]]
        for c in confs:
            if confirmed[c[0]].guests == want.guests:
                take(r, c, _BOOKED)
        for c in confs:
            if confirmed[c[0]].guests is None:
                take(r, c, _BOOKED)
    for r in guests_unknown(untyped):
        for c in confs:
            take(r, c, _BOOKED)
    # 2. Booked differently: the right type for other guests, then another type.
    for r in typed:
        want = requested[r[0]]
        for c in confs:
            if confirmed[c[0]].room_type_key == want.room_type_key:
                take(r, c, _DIFFERENT)
    for r in untyped:
        for c in confs:
            take(r, c, _DIFFERENT)
    for r in typed:
        for c in confs:
            take(r, c, _DIFFERENT)
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
