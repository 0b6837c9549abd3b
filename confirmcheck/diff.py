"""The diff: for every night, which requested rooms the confirmed rooms meet.

How one night is matched, best outcome first (a request without a room type
accepts any type; unknown guests match any guests):

1. *booked as requested*: a confirmed room of the requested type (or any type,
   for a request without one) for the requested guests. As many requested rooms
   as possible are booked so, whatever the order of the stays: this is a maximum
   matching of requested and confirmed rooms, found in three steps.

   a. A confirmed stay that repeats a requested one (same dates, room type and
      guests) is paired with it first, in one pass over a hash table: most
      confirmations repeat most requests, and the pairs never go night by night.
   b. The rest choose night by night: requests that name a room type, then a
      number of guests, first, so that a request that accepts more does not take
      the room a stricter one needs.
   c. Where a request is still without a room while a room is free, rooms are
      passed on along a chain (a request holding a room the first could take
      takes another room it can take, and so on to the free one: an augmenting
      path) until no chain is left; paired stays take part. This is rarely
      needed, and it is what makes the count the most there can be.

2. *booked differently*: a confirmed room of the requested type for other guests,
   then a confirmed room of another type.
3. *not booked*: no confirmed room is left for the requested room.

Confirmed rooms left over are *booked but not requested*. Ties are broken by the
stays' contents, never by their order in the input, so shuffling the input changes
nothing but the stay numbers. (One thing pairing first settles: a confirmed stay
that only partly repeats a request, and is unrequested where a paired one already
booked the nights, points to no stay.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from itertools import compress, pairwise
from operator import attrgetter, itemgetter, sub
from typing import TypeVar

from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    new_range,
    new_report,
    new_stay_result,
    new_totals,
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
_ROOM_TYPE_OF_KEY = itemgetter(2)
_NO_STATUS = dict.fromkeys(Status, 0)
_ROOM_TYPE = attrgetter("room_type")
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_CHECK_IN = attrgetter("check_in")
_CHECK_OUT = attrgetter("check_out")

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
# A kind of room or request: case-folded room type and guests (None: any).
_Kind = tuple[str | None, int | None]
# A room's room type and guests as given.
_Given = tuple[str | None, int | None]


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
        # What pass 1 paired (see report) and, made when first needed, its rooms
        # by check-in (see _pairs_at).
        self.match: list[int] = []
        self.fast: dict[int, list[tuple[int, int]]] = {}
        self._pair_index: dict[dt.date, list[int]] | None = None
        self._pair_kinds: dict[int, _Kind] = {}
        self._join_keys: dict[_JoinKey, int] = {}
        self._paired_kinds: set[_Kind] | None = None
        # Whether every confirmed room type is its own case-folded form.
        self._types_as_given = True
        self._pair_longest = 1

    def report(self) -> Report:
        requested, confirmed = self.requested, self.confirmed
        served = self.served
        req_left = list(map(_ROOMS, requested))
        conf_left = list(map(_ROOMS, confirmed))

        # Pass 1: identical pairs, in one hash join. Each join key is named by the
        # first confirmed stay that has it. Only stays that share a key compete for
        # the same rooms, so only those are put in content order. (With
        # pair_first False, the tests' way, nothing is paired.)
        first: dict[_JoinKey, int] = {}
        conf_keys, self._types_as_given = _join_keys(confirmed)
        if self.pair_first:
            conf_group: list[int | None] = list(
                map(first.setdefault, conf_keys, range(len(confirmed)))
            )
        else:
            conf_group = [None] * len(confirmed)
        del conf_keys
        req_group = list(map(first.get, _join_keys(requested)[0]))
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
        # Requests of keys that several stays give, chained per key: the last of
        # each key in ``shared``, the one before it in ``chained`` (a dict of lists
        # would be thousands of objects that the collector tracks and follows).
        shared: dict[int, int] = {}
        chained = [-1] * len(requested)
        for i, g in enumerate(req_group):
            if g is None:
                continue
            if g in multi:
                chained[i] = shared.get(g, -1)
                shared[g] = i
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
            self._pair_shared(
                shared, chained, conf_group, match, fast, req_left, conf_left
            )

        # Pass 2: the rest, night by night over the segments between boundaries.
        req_rest = list(compress(range(len(requested)), req_left))
        conf_rest = list(compress(range(len(confirmed)), conf_left))
        self.match, self.fast = match, fast
        self._join_keys = first
        self._sweep(req_rest, conf_rest, req_left, conf_left)
        return self._build(match, fast)

    def _pair_shared(  # noqa: PLR0917 - pass 1's state, passed on
        self,
        shared: dict[int, int],
        chained: list[int],
        conf_group: list[int | None],
        match: list[int],
        fast: dict[int, list[tuple[int, int]]],
        req_left: list[int],
        conf_left: list[int],
    ) -> None:
        """Pass 1 for the join keys that several stays give, side by side in
        content order: within a key, (ref, rooms, room type as given, position).
        ``shared`` holds the last request of each key, ``chained`` the one before
        each request."""
        requested, confirmed, served = self.requested, self.confirmed, self.served
        # The confirmed stays of those keys, chained the same way.
        last: dict[int, int] = {}
        before = [-1] * len(confirmed)
        for j, g in enumerate(conf_group):
            if g in shared:
                before[j] = last.get(g, -1)
                last[g] = j
        req_sorted = []
        conf_sorted = []
        for g, latest in shared.items():
            # (Each key's stays, last first: the order given plays no part below.)
            req_ids = []
            at = latest
            while at >= 0:
                req_ids.append(at)
                at = chained[at]
            ids = []
            j = last[g]
            while j >= 0:
                ids.append(j)
                j = before[j]
            # The usual key: single rooms, confirmed with one room type as given.
            # Then which request gets which room changes nothing, and only which
            # requests go without, if rooms are short, is a matter of order.
            if (
                max(map(req_left.__getitem__, req_ids)) == 1
                and max(map(conf_left.__getitem__, ids)) == 1
                and (
                    self._types_as_given
                    or len(set(map(_ROOM_TYPE, map(confirmed.__getitem__, ids)))) == 1
                )
            ):
                if len(req_ids) > len(ids):
                    req_ids = sorted(req_ids, key=self._order_in_key)[: len(ids)]
                for i, j in zip(req_ids, ids, strict=False):
                    match[i] = j
                    served[j] = i
                    req_left[i] = conf_left[j] = 0
                continue
            for i in req_ids:
                s = requested[i]
                req_sorted.append((g, s.ref or "", s.rooms, s.room_type or "", i))
            for j in ids:
                o = confirmed[j]
                conf_sorted.append((g, o.ref or "", o.rooms, o.room_type or "", j))
        req_sorted.sort()
        conf_sorted.sort()
        q = 0  # the next confirmed stay that may have rooms left
        end = len(conf_sorted)
        for g, _, _, _, i in req_sorted:
            while q < end and conf_sorted[q][0] < g:
                q += 1
            want = req_left[i]
            taken: list[tuple[int, int]] = []
            while want and q < end and conf_sorted[q][0] == g:
                j = conf_sorted[q][4]
                have = conf_left[j]
                n = min(want, have)
                want -= n
                conf_left[j] = have - n
                taken.append((j, n))
                if served[j] < 0:
                    served[j] = i
                if n == have:
                    q += 1
            req_left[i] = want
            if len(taken) == 1 and not want:
                match[i] = taken[0][0]
            elif taken:
                fast[i] = taken

    def _order_in_key(self, i: int) -> tuple[str, int, str, int]:
        """Request ``i``'s place among the requests of its join key."""
        s = self.requested[i]
        return s.ref or "", s.rooms, s.room_type or "", i

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
        # A stay paired in pass 1 holds its room on every night, but may pass it
        # on where a request is left without a room (see _augment): its days are
        # boundaries too, so that the same pairs run all through a segment.
        paired = [i for i, g in enumerate(self.match) if g >= 0]
        paired.extend(self.fast)
        boundaries = sorted(
            req_starts.keys()
            | req_ends.keys()
            | conf_starts.keys()
            | conf_ends.keys()
            | {requested[i].check_in for i in paired}
            | {requested[i].check_out for i in paired}
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
        # (kind of room, kind of request) of the rooms step 1 books as requested
        held_kinds: set[tuple[_Kind, _Kind]] = set()

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
            booking = keys is as_booked
            kind = req_kind[i]
            while p < size:
                j = candidates[p]
                n = cap[j]
                if not n:
                    p += 1
                    continue
                if served[j] < 0:
                    served[j] = i
                if booking:
                    held_kinds.add((conf_kind[j], kind))
                if n > want:
                    cap[j] = n - want
                    n = want
                else:
                    cap[j] = 0
                    p += 1
                free -= n
                want -= n
                key = keys[j]
                # _add(mine, key, start, end, n), written out: this is the
                # sweep's innermost loop, and a call here costs a tenth of it.
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
            held_kinds.clear()
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
            if unmet and free:
                # 1b. As many rooms as possible: rooms passed on along a chain.
                free -= self._augment(
                    start,
                    end,
                    unmet,
                    cap,
                    every,
                    (typed_guests, typed, untyped_guests, untyped),
                    req_kind,
                    conf_kind,
                    held_kinds,
                )
                unmet = {i: n for i, n in unmet.items() if n}
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

    def _augment(  # noqa: PLR0917 - the sweep's state, passed on
        self,
        start: dt.date,
        end: dt.date,
        unmet: dict[int, int],
        cap: dict[int, int],
        every: list[int],
        groups: tuple[list[int], ...],
        req_kind: dict[int, _Kind],
        conf_kind: dict[int, _Kind],
        held_kinds: set[tuple[_Kind, _Kind]],
    ) -> int:
        """Book as many rooms as requested as possible on the nights [start, end).

        Step 1 lets each request choose in turn, and a request may be left without
        a room while a room is free that it cannot take, though a request holding
        a room it could take might take the free one instead (or pass its own room
        on along a longer chain). Each such chain books one more room as
        requested; when none is left, as many rooms as possible are (a matching is
        maximum when it has no augmenting path). Chains are searched over kinds of
        rooms (room type and guests), shortest first; rooms of one kind serve alike.
        Ties go by content: unmet requests in content order, and of the requests
        of one kind that hold a room of one kind, the last in content order passes
        its room on. Paired stays take part too. Changes ``unmet`` and ``cap``;
        returns how many more rooms are booked as requested.
        """
        requested, confirmed = self.requested, self.confirmed
        # First, whether there could be a chain at all, were pairs of every kind
        # that pass 1 paired anywhere running on these nights, from the kinds of
        # rooms step 1 booked and who booked them: mostly there could not, and
        # then nothing else need be looked at.
        if self._paired_kinds is None:
            self._paired_kinds = {(key[2], key[3]) for key in self._join_keys}
        unmet_kinds = list({req_kind[i] for i in unmet})
        free_kinds = {conf_kind[j] for j in every if cap[j]}
        could_hold: dict[_Kind, set[_Kind]] = {k: {k} for k in self._paired_kinds}
        for room_kind, holder_kind in held_kinds:
            could_hold.setdefault(room_kind, set()).add(holder_kind)
        if (
            _chain(
                unmet_kinds,
                _Accepting(could_hold.keys() | free_kinds),
                _Holding(could_hold),
                free_kinds,
            )
            is None
        ):
            return 0
        # The rooms that step 1 booked as requested on these nights: by kind of
        # room, request, and the room type and guests as given (what outcomes show).
        held: dict[_Kind, dict[int, dict[_Given, int]]] = {}
        kind_of: dict[int, _Kind] = {}
        for group in groups:
            for i in group:
                for key, found in self.outcomes[i].items():
                    if key[0] != _BOOKED:
                        continue
                    pieces = (found,) if isinstance(found, tuple) else found
                    # This segment's pieces are the last ones, and end with it.
                    n = 0
                    for piece in reversed(pieces):
                        if piece[1] != end:
                            break
                        n += piece[2]
                    if n:
                        given = (key[1], key[2])
                        kind_of[i] = req_kind[i]
                        by_request = held.setdefault(_kind(*given), {})
                        by_request.setdefault(i, {})[given] = n
        free_rooms: dict[_Kind, list[int]] = {}
        for j in every:
            if cap[j]:
                free_rooms.setdefault(conf_kind[j], []).append(j)
        # The rooms pass 1 paired, by kind (a pair's request and room are of one
        # kind), and how many of each kind are still held by their pairs.
        paired: dict[_Kind, list[list[int]]] = {}
        for i, j, n, kind in self._pairs_at(start):
            paired.setdefault(kind, []).append([i, j, n])
        pair_units = {kind: sum(u[2] for u in units) for kind, units in paired.items()}
        kinds = sorted(held.keys() | paired.keys() | free_rooms.keys(), key=_kind_order)

        # Per kind of room, the kinds of requests holding such rooms (until a
        # chain changes them); per kind of request, the kinds of rooms it accepts.
        holding: dict[_Kind, list[_Kind]] = {}
        accepted = _Accepting(kinds)

        def holder_kinds(room_kind: _Kind) -> list[_Kind]:
            if (found := holding.get(room_kind)) is None:
                some = {
                    kind_of[h]
                    for h, units in held.get(room_kind, {}).items()
                    if any(units.values())
                }
                if pair_units.get(room_kind):
                    some.add(room_kind)
                found = holding[room_kind] = sorted(some, key=_kind_order)
            return found

        def pass_on(room_kind: _Kind, holder_kind: _Kind) -> tuple[int, _Given]:
            """The request that passes a room of ``room_kind`` on, and the room's
            given room type and guests; takes the room from it."""
            options: list[tuple[int, _Given, list[int] | None]] = []
            for h, units in held.get(room_kind, {}).items():
                if kind_of[h] == holder_kind:
                    options.extend((h, given, None) for given, n in units.items() if n)
            if holder_kind == room_kind:
                for unit in paired.get(room_kind, ()):
                    if unit[2]:
                        c = confirmed[unit[1]]
                        options.append((unit[0], (c.room_type, c.guests), unit))
            # Content order begins with the check-in: only the latest compete.
            latest = max(requested[h].check_in for h, _, _ in options)
            *_, holder, given, pair = max(
                (
                    (self._content(h), _kind_order(given), h, given, pair)
                    for h, given, pair in options
                    if requested[h].check_in == latest
                ),
                key=lambda o: o[:2],
            )
            if pair is None:
                held[room_kind][holder][given] -= 1
            else:
                pair[2] -= 1
                pair_units[room_kind] -= 1
            return holder, given

        booked = 0
        # No chain from these kinds of requests now, nor later (passing rooms on
        # never opens a chain that was not there). Most often there is none from
        # any unmet request, which one search from all of them at once tells.
        hopeless = set(unmet_kinds)
        if _chain(unmet_kinds, accepted, holder_kinds, free_rooms) is not None:
            hopeless.clear()
        for i in sorted(unmet, key=self._content):
            wanted = req_kind[i]
            while unmet[i] and free_rooms and wanted not in hopeless:
                chain = _chain([wanted], accepted, holder_kinds, free_rooms)
                if chain is None:
                    hopeless.add(wanted)
                    break
                holding.clear()
                last, steps = chain
                # The free room ...
                rooms = free_rooms[last]
                j = rooms[0]
                cap[j] -= 1
                if not cap[j]:
                    del rooms[0]
                    if not rooms:
                        del free_rooms[last]
                c = confirmed[j]
                handed: _Given = (c.room_type, c.guests)
                # ... is taken by the last holder in the chain, whose room the one
                # before takes, and so on back to the request.
                taker = i
                for room_kind, holder_kind, new_kind in steps:
                    holder, given = pass_on(room_kind, holder_kind)
                    kind_of[holder] = holder_kind
                    units = held.setdefault(new_kind, {}).setdefault(holder, {})
                    units[handed] = units.get(handed, 0) + 1
                    self._move(holder, given, -1, start, end)
                    self._move(holder, handed, 1, start, end)
                    if taker == i:
                        taker = holder
                    handed = given
                if self.served[j] < 0:
                    self.served[j] = taker
                kind_of[i] = wanted
                units = held.setdefault(_kind(*handed), {}).setdefault(i, {})
                units[handed] = units.get(handed, 0) + 1
                self._move(i, handed, 1, start, end)
                unmet[i] -= 1
                booked += 1
        return booked

    def _move(
        self, i: int, given: _Given, n: int, start: dt.date, end: dt.date
    ) -> None:
        """Add ``n`` rooms (or take them away) booked as requested for request
        ``i`` on [start, end), rooms of the given room type and guests."""
        whole = self.match[i]
        if whole >= 0:
            # A stay booked whole by its pair in pass 1 is now built from pieces.
            self.fast[i] = [(whole, self.requested[i].rooms)]
            self.match[i] = -1
        _append(self.outcomes.setdefault(i, {}), (_BOOKED, *given), (start, end, n))

    def _pairs_at(self, day: dt.date) -> Iterator[tuple[int, int, int, _Kind]]:
        """The rooms paired in pass 1 on the night ``day``: (request, confirmed
        stay, rooms, kind). The index is made when first needed, which is rarely."""
        requested = self.requested
        if self._pair_index is None:
            index: dict[dt.date, list[int]] = {}
            paired = [i for i, g in enumerate(self.match) if g >= 0]
            paired.extend(self.fast)
            for i in paired:
                check_in = requested[i].check_in
                if (same_day := index.get(check_in)) is None:
                    index[check_in] = [i]
                else:
                    same_day.append(i)
            self._pair_index = index
            if paired:
                lengths = map(
                    sub, map(_CHECK_OUT, requested), map(_CHECK_IN, requested)
                )
                self._pair_longest = max(lengths).days
        index, kinds = self._pair_index, self._pair_kinds
        match, fast = self.match, self.fast
        for back in range(self._pair_longest):
            for i in index.get(day - dt.timedelta(days=back), ()):
                s = requested[i]
                if s.check_out <= day:
                    continue
                if (kind := kinds.get(i)) is None:
                    kind = kinds[i] = _kind(s.room_type, s.guests)
                if (whole := match[i]) >= 0:
                    yield i, whole, s.rooms, kind
                else:
                    for j, n in fast[i]:
                        yield i, j, n, kind

    def _content(self, i: int) -> tuple[dt.date, _Order]:
        """Request ``i``'s place in content order."""
        s = self.requested[i]
        return s.check_in, _order_after_check_in(s, i)[1]

    def _build(
        self, match: list[int], fast: dict[int, list[tuple[int, int]]]
    ) -> Report:
        requested, confirmed = self.requested, self.confirmed
        swept = self.outcomes
        booked: list[Range] = []
        different: list[DifferentRange] = []
        not_booked: list[Range] = []
        stays: list[StayResult] = []
        add_booked, add_stay = booked.append, stays.append
        booked_as_requested = Status.BOOKED
        # The totals, counted here rather than in a second pass over the report.
        nights_in_all = room_nights_in_all = 0
        by_bucket = [0, 0, 0]  # room-nights booked, booked differently, not booked
        by_status = dict(_NO_STATUS)
        for i, (s, whole) in enumerate(zip(requested, match, strict=True)):
            number = i + 1
            check_in, check_out, rooms = s.check_in, s.check_out, s.rooms
            nights = (check_out - check_in).days
            nights_in_all += nights
            room_nights_in_all += nights * rooms
            if whole >= 0:
                # The common case: one identical confirmed stay books all of it.
                c = confirmed[whole]
                add_booked(
                    new_range(number, check_in, check_out, rooms, c.room_type, c.guests)
                )
                add_stay(
                    new_stay_result(
                        number,
                        check_in,
                        check_out,
                        rooms,
                        s.room_type,
                        s.guests,
                        s.ref,
                        booked_as_requested,
                    )
                )
                by_bucket[_BOOKED] += nights * rooms
                continue
            # Merge pieces with equal outcome: same bucket and same booked rooms.
            outcomes = swept.get(i)
            if outcomes is None:
                outcomes = {}
            for j, n in fast.get(i, ()):
                c = confirmed[j]
                _append(
                    outcomes, (_BOOKED, c.room_type, c.guests), (check_in, check_out, n)
                )
            # This stay's ranges are sorted by date here, so that every list ends up
            # sorted by (stay, check_in) without a sort of the whole list.
            marks = (len(booked), len(different), len(not_booked))
            room_nights = [0, 0, 0]
            items = list(outcomes.items())
            if len(items) > 1:
                items.sort(key=_outcome_order)
            for (bucket, room_type, guests), found in items:
                for start, end, n in _coalesce(found):
                    room_nights[bucket] += (end - start).days * n
                    if bucket == _BOOKED:
                        add_booked(new_range(number, start, end, n, room_type, guests))
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
            if room_nights[_NOT_BOOKED] == nights * rooms:
                status = Status.NOT_BOOKED
            elif room_nights[_NOT_BOOKED]:
                status = Status.PARTLY_BOOKED
            elif room_nights[_DIFFERENT]:
                status = Status.BOOKED_DIFFERENTLY
            else:
                status = Status.BOOKED
            by_status[status] += 1
            by_bucket[_BOOKED] += room_nights[_BOOKED]
            by_bucket[_DIFFERENT] += room_nights[_DIFFERENT]
            by_bucket[_NOT_BOOKED] += room_nights[_NOT_BOOKED]
            add_stay(
                new_stay_result(
                    number,
                    check_in,
                    check_out,
                    rooms,
                    s.room_type,
                    s.guests,
                    s.ref,
                    status,
                )
            )
        by_status[booked_as_requested] += len(stays) - sum(by_status.values())

        unrequested = self._unrequested_ranges() if self.unrequested else []
        totals = new_totals(
            len(stays),
            nights_in_all,
            room_nights_in_all,
            by_bucket[_BOOKED],
            by_bucket[_DIFFERENT],
            by_bucket[_NOT_BOOKED],
            sum([(r.check_out - r.check_in).days * r.rooms for r in unrequested]),
            by_status[Status.BOOKED],
            by_status[Status.BOOKED_DIFFERENTLY],
            by_status[Status.PARTLY_BOOKED],
            by_status[Status.NOT_BOOKED],
        )
        return new_report(
            tuple(stays),
            tuple(booked),
            tuple(different),
            tuple(not_booked),
            tuple(unrequested),
            totals,
        )

    def _unrequested_ranges(self) -> list[Range]:
        """The confirmed rooms left over, coalesced, in date order."""
        confirmed, served = self.confirmed, self.served
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
        return unrequested


_KEY_FIELDS = attrgetter("check_in", "check_out", "room_type", "guests")


def _join_keys(stays: Sequence[Stay]) -> tuple[list[_JoinKey], bool]:
    """Each stay's join key: (check_in, check_out, case-folded room type, guests),
    and whether every room type is as given in its key.

    Built by C loops (attrgetter, map), with the room types as given when
    case-folding changes none of them, as is usual; otherwise folded one by one.
    """
    keys: list[_JoinKey] = list(map(_KEY_FIELDS, stays))
    if any(
        t is not None and t.casefold() != t for t in set(map(_ROOM_TYPE_OF_KEY, keys))
    ):
        keys = [
            (check_in, check_out, None if t is None else t.casefold(), guests)
            for check_in, check_out, t, guests in keys
        ]
        return keys, False
    return keys, True


def _outcome_order(item: tuple[_Outcome, _Pieces]) -> tuple[int, str, int]:
    (bucket, room_type, guests), _ = item
    return bucket, room_type or "", guests or 0


def _kind(room_type: str | None, guests: int | None) -> _Kind:
    """A kind of room or request: case-folded room type and guests."""
    return (None if room_type is None else room_type.casefold()), guests


def _kind_order(kind: _Kind | _Given) -> tuple[bool, str, bool, int]:
    room_type, guests = kind
    return room_type is None, room_type or "", guests is None, guests or 0


def _given_order(given: _Given) -> tuple[bool, str, bool, int]:
    return _kind_order(given)


class _Accepting:
    """For a kind of request, the kinds of rooms among ``kinds`` that book it as
    requested, in kind order; each worked out once."""

    def __init__(self, kinds: Iterable[_Kind]) -> None:
        self.kinds = sorted(kinds, key=_kind_order)
        self.known: dict[_Kind, list[_Kind]] = {}

    def __call__(self, kind: _Kind) -> list[_Kind]:
        if (found := self.known.get(kind)) is None:
            room_type, guests = kind
            found = self.known[kind] = [
                b
                for b in self.kinds
                if (room_type is None or b[0] == room_type)
                and (guests is None or b[1] is None or b[1] == guests)
            ]
        return found


class _Holding:
    """For a kind of room, the kinds of requests holding such rooms, in kind
    order; each worked out once."""

    def __init__(self, holders: dict[_Kind, set[_Kind]]) -> None:
        self.holders = holders
        self.known: dict[_Kind, list[_Kind]] = {}

    def __call__(self, kind: _Kind) -> list[_Kind]:
        if (found := self.known.get(kind)) is None:
            found = self.known[kind] = sorted(
                self.holders.get(kind, ()), key=_kind_order
            )
        return found


def _chain(
    wanted: list[_Kind],
    accepted: Callable[[_Kind], list[_Kind]],
    holder_kinds: Callable[[_Kind], list[_Kind]],
    free_rooms: Container[_Kind],
) -> tuple[_Kind, list[tuple[_Kind, _Kind, _Kind]]] | None:
    """The shortest chain from a request of a kind in ``wanted`` to a free room.

    Returns the free room's kind and the steps from there back to the request:
    ``(room kind, holder kind, new kind)``, a holder of ``holder kind`` that has a
    room of ``room kind`` taking one of ``new kind``; or None.
    """
    parent: dict[_Kind, tuple[_Kind, _Kind] | None] = {}
    queue: list[_Kind] = []
    for kind in wanted:
        for b in accepted(kind):
            if b not in parent:
                parent[b] = None
                queue.append(b)
    for b in queue:  # grows while it is read: breadth first
        if b in free_rooms:
            steps: list[tuple[_Kind, _Kind, _Kind]] = []
            at = b
            while (step := parent[at]) is not None:
                before, holder_kind = step
                steps.append((before, holder_kind, at))
                at = before
            return b, steps
        for a in holder_kinds(b):
            for other in accepted(a):
                if other not in parent:
                    parent[other] = (b, a)
                    queue.append(other)
    return None


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


def _append(into: dict[_K, _Pieces], key: _K, piece: _Piece) -> None:
    """Add ``piece`` to ``into[key]`` as it is (pieces may overlap or take rooms
    away; _coalesce sums them)."""
    found = into.get(key)
    if found is None:
        into[key] = piece
    elif isinstance(found, tuple):
        into[key] = [found, piece]
    else:
        found.append(piece)


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
