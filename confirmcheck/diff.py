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
from bisect import bisect_right
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

# A piece of an outcome: the nights [start, end) with this many rooms.
_Piece = tuple[dt.date, dt.date, int]
# One piece or several: a single piece is kept as it is, which spares a list (and
# the garbage collector an object to look at) for most stays.
_Pieces = _Piece | list[_Piece]
_R = TypeVar("_R", bound=Range)
_ROOMS = attrgetter("rooms")

# Content order, which breaks ties by the stays' contents and never by the input
# order: check-in, check-out, case-folded room type, guests, ref, rooms, then the
# room type as given ("Double" and "double" match alike, but are reported as
# given, so the input order must not decide between them either), then the index.
# _Order is a stay's place among the stays with its check-in: all of that but the
# check-in ("" and 0 for None).
_Order = tuple[dt.date, str, int, str, int, str, int]
# What a requested stay's rooms got: (bucket, room type, guests).
_Outcome = tuple[int, str | None, int | None]
_K = TypeVar("_K")

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


def _order_in_key(stays: Sequence[Stay], index: int) -> tuple[str, int, str, int]:
    """Content order among stays of one join key: the rest of the content key."""
    stay = stays[index]
    return stay.ref or "", stay.rooms, stay.room_type or "", index


def _wanted_by_named_guests(
    requested: Sequence[Stay], confirmed: Sequence[Stay]
) -> set[int]:
    """The confirmed stays without guests that a request naming its guests, of the
    same room type, wants on one of their nights (indexes into ``confirmed``)."""
    if all(c.guests is not None for c in confirmed):
        return set()
    spans: dict[str | None, list[tuple[dt.date, dt.date]]] = {}
    for s in requested:
        if s.guests is not None:
            spans.setdefault(s.room_type_key, []).append((s.check_in, s.check_out))
    if not spans:
        return set()
    # Per room type, the nights such requests want, as sorted disjoint ranges.
    merged: dict[str | None, tuple[list[dt.date], list[dt.date]]] = {}
    for key, ranges in spans.items():
        starts: list[dt.date] = []
        ends: list[dt.date] = []
        for start, end in sorted(ranges):
            if ends and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        merged[key] = (starts, ends)
    out: set[int] = set()
    for j, c in enumerate(confirmed):
        if c.guests is not None or (found := merged.get(c.room_type_key)) is None:
            continue
        starts, ends = found
        # The first range that ends after the check-in; it overlaps if it
        # starts before the check-out.
        k = bisect_right(ends, c.check_in)
        if k < len(starts) and starts[k] < c.check_out:
            out.add(j)
    return out


class _Differ:
    def __init__(
        self,
        requested: Sequence[Stay],
        confirmed: Sequence[Stay],
        *,
        pair_first: bool = True,
    ) -> None:
        self.requested = requested
        self.confirmed = confirmed
        # False sends every stay through the sweep: the tests compare the two ways.
        self.pair_first = pair_first
        # Pieces of the outcome of each requested stay the sweep matches, by
        # (bucket, room type, guests) of the rooms; summed per night and coalesced
        # at the end. Pieces of the confirmed stays left over, by stay.
        self.outcomes: dict[int, dict[_Outcome, _Pieces]] = {}
        self.unrequested: dict[int, _Pieces] = {}
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
        # A confirmed room without guests fits any guests: a request of its room
        # type that names its guests chooses before an identical request without
        # guests, so such a room is left to the sweep where such a request wants
        # one of its nights.
        contested = (
            _wanted_by_named_guests(requested, confirmed)
            if self.pair_first
            else range(len(confirmed))
        )
        first: dict[_JoinKey, int] = {}
        conf_group = [
            None
            if j in contested
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
        # Keys that several stays give (of one side or the other); counted only
        # when there are any, which for most inputs there are not.
        multi: set[int | None] = set()
        if len(first) < len(conf_group) - conf_group.count(None):
            multi.update(g for g, n in Counter(conf_group).items() if n > 1)
        keyed = len(req_group) - req_group.count(None)
        if len(set(req_group)) - (keyed < len(req_group)) < keyed:
            multi.update(g for g, n in Counter(req_group).items() if n > 1)
        # match[i]: the one confirmed stay that books all of requested stay i.
        match = [-1] * len(requested)
        fast: dict[int, list[tuple[int, int]]] = {}  # anything else pass 1 books
        shared: dict[int, list[int]] = {}  # keys given by several stays
        for i, g in enumerate(req_group):
            if g is None:
                continue
            if g in multi:
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
        self._sweep(req_rest, conf_rest, req_left, conf_left)
        return self._build(match, fast)

    def _sweep(
        self,
        req_ids: list[int],
        conf_ids: list[int],
        req_left: list[int],
        conf_left: list[int],
    ) -> None:
        """Match the rest night by night, over the segments between boundaries.

        The stays that start at a boundary are put in content order, which
        begins with the check-in: they come after every stay already running, so
        appending them keeps each running list in content order. The lists are
        kept from segment to segment rather than built and sorted anew.

        How one segment is matched (best outcome first, strictest requests first,
        as the module docstring says): each request takes rooms from the running
        confirmed stays of one list after another, each list in content order.
        """
        requested, confirmed = self.requested, self.confirmed
        outcomes, unrequested, served = self.outcomes, self.unrequested, self.served
        if not conf_ids or not req_ids:
            # Nothing to match: every room left is not booked, or unrequested, on
            # every night of its stay (as the segments would add up to).
            for i in req_ids:
                s = requested[i]
                outcomes[i] = {
                    (_NOT_BOOKED, s.room_type, s.guests): (
                        s.check_in,
                        s.check_out,
                        req_left[i],
                    )
                }
            for j in conf_ids:
                c = confirmed[j]
                unrequested[j] = (c.check_in, c.check_out, conf_left[j])
            return
        # Running requests by how they choose: typed with guests, typed, untyped
        # with guests, untyped; each list in content order.
        typed_guests: list[int] = []
        typed: list[int] = []
        untyped_guests: list[int] = []
        untyped: list[int] = []
        # Running confirmed stays by what a request may ask for, in content order.
        by_type_guests: dict[tuple[str | None, int | None], list[int]] = {}
        by_type: dict[str | None, list[int]] = {}
        by_guests: dict[int | None, list[int]] = {}
        every: list[int] = []

        # The stays by check-in, each group in content order (sorted below); as
        # content order begins with the check-in, that is all the sorting needed.
        req_starts: dict[dt.date, list[_Order]] = {}
        req_ends: defaultdict[dt.date, list[int]] = defaultdict(list)
        conf_starts: dict[dt.date, list[_Order]] = {}
        conf_ends: defaultdict[dt.date, list[int]] = defaultdict(list)
        req_kind: dict[int, tuple[str | None, int | None]] = {}
        req_home: dict[int, list[int]] = {}
        not_booked: dict[int, _Outcome] = {}
        for i in req_ids:
            s = requested[i]
            room_type, at = _order_after_check_in(s, i)
            guests = s.guests
            if (same_day := req_starts.get(s.check_in)) is None:
                req_starts[s.check_in] = [at]
            else:
                same_day.append(at)
            req_ends[s.check_out].append(i)
            req_kind[i] = (room_type, guests)
            if room_type is None:
                req_home[i] = untyped if guests is None else untyped_guests
            else:
                req_home[i] = typed if guests is None else typed_guests
            not_booked[i] = (_NOT_BOOKED, s.room_type, guests)
            outcomes[i] = {}
        conf_kind: dict[int, tuple[str | None, int | None]] = {}
        as_booked: dict[int, _Outcome] = {}
        as_different: dict[int, _Outcome] = {}
        for j in conf_ids:
            c = confirmed[j]
            room_type, at = _order_after_check_in(c, j)
            guests = c.guests
            if (same_day := conf_starts.get(c.check_in)) is None:
                conf_starts[c.check_in] = [at]
            else:
                same_day.append(at)
            conf_ends[c.check_out].append(j)
            conf_kind[j] = (room_type, guests)
            by_type_guests.setdefault((room_type, guests), [])
            by_type.setdefault(room_type, [])
            by_guests.setdefault(guests, [])
            as_booked[j] = (_BOOKED, c.room_type, guests)
            as_different[j] = (_DIFFERENT, c.room_type, guests)
        boundaries = sorted(
            req_starts.keys() | req_ends.keys() | conf_starts.keys() | conf_ends.keys()
        )
        req_order = {day: _in_order(ats) for day, ats in req_starts.items()}
        conf_order = {day: _in_order(ats) for day, ats in conf_starts.items()}
        # Where each request comes in content order.
        req_pos: dict[int, int] = {}
        for day in boundaries:
            for i in req_order.get(day, ()):
                req_pos[i] = len(req_pos)

        # The state of one segment, read by take().
        start = end = boundaries[0]
        cap: dict[int, int] = {}  # rooms of each running confirmed stay not yet taken
        head: dict[int, int] = {}  # id(list) -> where its untaken rooms begin
        free = 0  # rooms of the segment not yet taken

        def take(
            i: int, want: int, candidates: list[int], keys: dict[int, _Outcome]
        ) -> int:
            # Every candidate in turn, in content order, until i has all its rooms
            # or no room is free; returns the rooms i still wants. Candidates
            # before head[id(candidates)] have no room left.
            nonlocal free
            place = id(candidates)
            p = head.get(place, 0)
            size = len(candidates)
            mine = outcomes[i]
            while p < size:
                j = candidates[p]
                n = cap[j]
                if not n:
                    p += 1
                    continue
                if served[j] < 0:
                    served[j] = i
                if n > want:
                    cap[j] = n - want
                    n = want
                else:
                    cap[j] = 0
                    p += 1
                free -= n
                want -= n
                key = keys[j]
                found = mine.get(key)
                if found is None:
                    mine[key] = (start, end, n)
                elif isinstance(found, tuple):
                    if found[1] == start and found[2] == n:
                        mine[key] = (found[0], end, n)
                    else:
                        mine[key] = [found, (start, end, n)]
                else:
                    last = found[-1]
                    if last[1] == start and last[2] == n:
                        found[-1] = (last[0], end, n)
                    else:
                        found.append((start, end, n))
                if not (want and free):
                    break
            head[place] = p
            return want

        running = 0  # requests running
        total = 0  # rooms of the confirmed stays running
        for start, end in pairwise(boundaries):
            for j in conf_ends.get(start, ()):
                room_type, guests = kind = conf_kind[j]
                by_type_guests[kind].remove(j)
                by_type[room_type].remove(j)
                by_guests[guests].remove(j)
                every.remove(j)
                total -= conf_left[j]
            for i in req_ends.get(start, ()):
                req_home[i].remove(i)
                running -= 1
            for j in conf_order.get(start, ()):
                room_type, guests = kind = conf_kind[j]
                by_type_guests[kind].append(j)
                by_type[room_type].append(j)
                by_guests[guests].append(j)
                every.append(j)
                total += conf_left[j]
            for i in req_order.get(start, ()):
                req_home[i].append(i)
                running += 1

            if not every:
                for group in (typed_guests, typed, untyped_guests, untyped):
                    for i in group:
                        _add(outcomes[i], not_booked[i], start, end, req_left[i])
                continue
            if not running:
                for j in every:
                    _add(unrequested, j, start, end, conf_left[j])
                continue

            cap = dict(zip(every, map(conf_left.__getitem__, every), strict=True))
            head = {}
            free = total
            unmet: dict[int, int] = {}  # rooms still wanted after step 1
            # 1. Booked as requested; the strictest requests choose first.
            for i in typed_guests:
                want = req_left[i]
                if free:
                    kind = req_kind[i]
                    candidates = by_type_guests.get(kind)
                    if candidates:
                        want = take(i, want, candidates, as_booked)
                    if want and free:
                        candidates = by_type_guests.get((kind[0], None))
                        if candidates:
                            want = take(i, want, candidates, as_booked)
                if want:
                    unmet[i] = want
            for i in typed:
                want = req_left[i]
                if free:
                    candidates = by_type.get(req_kind[i][0])
                    if candidates:
                        want = take(i, want, candidates, as_booked)
                if want:
                    unmet[i] = want
            for i in untyped_guests:
                want = req_left[i]
                if free:
                    candidates = by_guests.get(req_kind[i][1])
                    if candidates:
                        want = take(i, want, candidates, as_booked)
                    if want and free:
                        candidates = by_guests.get(None)
                        if candidates:
                            want = take(i, want, candidates, as_booked)
                if want:
                    unmet[i] = want
            for i in untyped:
                want = req_left[i]
                if free:
                    want = take(i, want, every, as_booked)
                if want:
                    unmet[i] = want
            if unmet:
                order = sorted(unmet, key=req_pos.__getitem__)
                if free:
                    # 2. Booked differently: the right type for other guests, then
                    # another type (untyped requests before typed ones).
                    for i in order:
                        room_type = req_kind[i][0]
                        if room_type is not None and free:
                            candidates = by_type.get(room_type)
                            if candidates:
                                unmet[i] = take(i, unmet[i], candidates, as_different)
                    for i in order:
                        if req_kind[i][0] is None and unmet[i] and free:
                            unmet[i] = take(i, unmet[i], every, as_different)
                    for i in order:
                        if req_kind[i][0] is not None and unmet[i] and free:
                            unmet[i] = take(i, unmet[i], every, as_different)
                # 3. Not booked.
                for i in order:
                    if unmet[i]:
                        _add(outcomes[i], not_booked[i], start, end, unmet[i])
            if free:
                for j in every:
                    if n := cap[j]:
                        _add(unrequested, j, start, end, n)

    def _build(
        self, match: list[int], fast: dict[int, list[tuple[int, int]]]
    ) -> Report:
        requested, confirmed = self.requested, self.confirmed
        swept = self.outcomes
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
            outcomes = swept.get(i)
            if outcomes is None:
                outcomes = {}
            for j, n in fast.get(i, ()):
                c = confirmed[j]
                key = (_BOOKED, c.room_type, c.guests)
                piece = (s.check_in, s.check_out, n)
                found = outcomes.get(key)
                if found is None:
                    outcomes[key] = piece
                elif isinstance(found, tuple):
                    outcomes[key] = [found, piece]
                else:
                    found.append(piece)
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
            extra.setdefault((stay, c.room_type, c.guests), []).extend(
                [found] if isinstance(found, tuple) else found
            )
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


def _order_after_check_in(stay: Stay, index: int) -> tuple[str | None, _Order]:
    """The stay's case-folded room type, and its place among the stays with its
    check-in (see _Order)."""
    given = stay.room_type
    room_type = None if given is None else given.casefold()
    return room_type, (
        stay.check_out,
        room_type or "",
        stay.guests or 0,
        stay.ref or "",
        stay.rooms,
        given or "",
        index,
    )


def _in_order(group: list[_Order]) -> list[int]:
    """The indices of one check-in's stays, in content order."""
    if len(group) > 1:
        group.sort()
    return [order[6] for order in group]


def _add(
    into: dict[_K, _Pieces], key: _K, start: dt.date, end: dt.date, n: int
) -> None:
    """Add the piece ``(start, end, n)`` to ``into[key]``, extending the last one."""
    found = into.get(key)
    if found is None:
        into[key] = (start, end, n)
    elif isinstance(found, tuple):
        if found[1] == start and found[2] == n:
            into[key] = (found[0], end, n)
        else:
            into[key] = [found, (start, end, n)]
    else:
        last = found[-1]
        if last[1] == start and last[2] == n:
            found[-1] = (last[0], end, n)
        else:
            found.append((start, end, n))


def _coalesce(pieces: _Pieces) -> Sequence[_Piece]:
    """Maximal ranges of equal room count from pieces that may touch or overlap."""
    if isinstance(pieces, tuple):
        return (pieces,)
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
