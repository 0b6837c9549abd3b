"""How the rooms of one run of nights are matched: the rules of the diff.

A *run* is a span of consecutive nights on which the same stays are running, so
every night of it is matched alike. On a run, the requested rooms still to book
are matched with the confirmed rooms still free, best outcome first:

1. **Booked as requested.** A confirmed room books a requested room as requested
   when its room type is the one asked for (any, for a request without one; case
   does not matter) and so are its guests (any, when either side does not say).
   The strictest requests choose first: those that name a room type and guests,
   then those that name a room type, then those that name guests, then the rest,
   each group in content order. A request takes the rooms that fit it best first
   (for a request with guests: rooms for its guests, then rooms that do not say),
   each in content order.
2. **Rooms passed on.** Where a request is still without a room while a room is
   free, rooms are passed on along a chain: a request holding a room the first
   could take takes another room it can take, and so on to the free room. Each
   chain books one more room as requested; when none is left, as many rooms as
   possible are (a matching without an augmenting path is a maximum matching).
   Rooms of one kind (case-folded room type and guests) serve alike, so chains
   are searched over kinds, breadth first for the shortest, with the kinds in
   kind order: room types alphabetically, then no room type; guests by number,
   then guests not said. Ties go by content: requests without a room in content
   order; of the requests of one kind that hold rooms of one kind, the last in
   content order passes one on, and of its rooms the last in kind order as
   given. Identical stays paired before the sweep take part.
3. **Booked differently.** The requests still without a room, in content order:
   those that name a room type take rooms of that type for other guests; then
   those without a room type take any room; then those with one take a room of
   another type.
4. **Not booked**: what is still wanted. Rooms left over are booked but not
   requested.

*Content order* sorts stays by check-in, check-out, case-folded room type, guests,
reference, rooms and room type as given; only identical stays are then told apart
by their place in the input, so shuffling the input changes nothing but the stay
numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from confirmcheck.stay import Stay

__all__ = ["Kind", "Matching", "Pair", "Rooms", "content_order", "match"]

Kind = tuple[str | None, int | None]
"""A kind of room or request: case-folded room type and guests (None: not said)."""

Given = tuple[str | None, int | None]
"""A room's room type as given, and its guests."""

Order = tuple[dt.date, dt.date, str, int, str, int, str, int]
"""A stay's place in content order (see the module docstring)."""


def content_order(stay: Stay, index: int) -> Order:
    """The place of ``stay``, at ``index`` in its input, in content order."""
    return (
        stay.check_in,
        stay.check_out,
        stay.room_type_key or "",
        stay.guests or 0,
        stay.ref or "",
        stay.rooms,
        stay.room_type or "",
        index,
    )


def kind_order(kind: Kind | Given) -> tuple[bool, str, bool, int]:
    room_type, guests = kind
    return room_type is None, room_type or "", guests is None, guests or 0


def fits(request: Kind, room: Kind) -> bool:
    """Whether a room of kind ``room`` books a request of kind ``request`` as
    requested."""
    return (request[0] is None or room[0] == request[0]) and (
        request[1] is None or room[1] is None or room[1] == request[1]
    )


class Rooms(NamedTuple):
    """A stay's rooms that the sweep matches: a request's rooms still to book on
    each night of a run, or a confirmed stay's rooms still free."""

    stay: int  # its place among the requested or the confirmed stays
    kind: Kind
    given: Given
    rooms: int
    order: Order

    @classmethod
    def of(cls, stay: Stay, index: int, rooms: int) -> Rooms:
        kind, given = (stay.room_type_key, stay.guests), (stay.room_type, stay.guests)
        return cls(index, kind, given, rooms, content_order(stay, index))


class Pair(NamedTuple):
    """Rooms of a confirmed stay paired with an identical requested stay."""

    request: Rooms
    offer: Rooms
    rooms: int


@dataclass
class Matching:
    """What the matching of a run decided, in rooms on each of its nights."""

    booked: Counter[tuple[int, int]] = field(default_factory=Counter)
    """Rooms booked as requested, by (requested stay, confirmed stay); negative
    for a pair that passed a room on."""
    booked_differently: Counter[tuple[int, int]] = field(default_factory=Counter)
    not_booked: dict[int, int] = field(default_factory=dict)
    unrequested: dict[int, int] = field(default_factory=dict)
    first_taker: dict[int, int] = field(default_factory=dict)
    """For each confirmed stay, the requested stay that took a room first."""


def match(
    requests: Sequence[Rooms],
    offers: Sequence[Rooms],
    pairs: Mapping[Kind, Callable[[], Iterable[Pair]]],
) -> Matching:
    """Match the rooms of one run by the rules of the module docstring.

    ``requests`` and ``offers`` are in content order; ``pairs`` makes the pairs
    running, by kind.
    """
    run = _Run(requests, offers, pairs)
    for request in sorted(requests, key=_strictness):
        for fitting in run.fitting(request.kind):
            run.take(request, fitting, run.matching.booked)
    unmet = [request for request in requests if run.wanted[request.stay]]
    if unmet and any(run.left.values()):
        run.pass_rooms_on(unmet)
    differently = run.matching.booked_differently
    for request in unmet:
        if request.kind[0] is not None:
            run.take(request, run.by_type[request.kind[0]], differently)
    for request in unmet:
        if request.kind[0] is None:
            run.take(request, offers, differently)
    for request in unmet:
        if request.kind[0] is not None:
            run.take(request, offers, differently)
    for request in requests:
        if wanted := run.wanted[request.stay]:
            run.matching.not_booked[request.stay] = wanted
    for offer in offers:
        if left := run.left[offer.stay]:
            run.matching.unrequested[offer.stay] = left
    return run.matching


def _strictness(request: Rooms) -> int:
    """0 for a request that names a room type and guests, up to 3 for one that
    names neither."""
    room_type, guests = request.kind
    return (room_type is None) * 2 + (guests is None)


class _Step(NamedTuple):
    """A link of a chain: a request of ``holder`` kind gives up a room of
    ``room`` kind and takes one of ``then`` kind."""

    room: Kind
    holder: Kind
    then: Kind


class _Run:
    """The rooms of a run: free, indexed the ways requests ask for them, and
    held (booked as requested), by kind."""

    def __init__(
        self,
        requests: Sequence[Rooms],
        offers: Sequence[Rooms],
        pairs: Mapping[Kind, Callable[[], Iterable[Pair]]],
    ) -> None:
        self.offers = offers
        self.wanted = {request.stay: request.rooms for request in requests}
        self.left = {offer.stay: offer.rooms for offer in offers}
        self.by_kind: defaultdict[Kind, list[Rooms]] = defaultdict(list)
        self.by_type: defaultdict[str | None, list[Rooms]] = defaultdict(list)
        self.by_guests: defaultdict[int | None, list[Rooms]] = defaultdict(list)
        for offer in offers:
            self.by_kind[offer.kind].append(offer)
            self.by_type[offer.kind[0]].append(offer)
            self.by_guests[offer.kind[1]].append(offer)
        self.matching = Matching()
        self.pairs = pairs
        self.requests = {request.stay: request for request in requests}
        self.rooms = {offer.stay: offer for offer in offers}
        # kind of room -> (requested stay, confirmed stay) -> rooms held
        self.held: defaultdict[Kind, Counter[tuple[int, int]]] = defaultdict(Counter)
        # The pairs of a kind join the rooms held when a chain first takes a room
        # from them; until then, each holds all its rooms.
        self.with_pairs: set[Kind] = set()

    def fitting(self, kind: Kind) -> list[Sequence[Rooms]]:
        """The rooms that book a request of ``kind`` as requested, best first."""
        room_type, guests = kind
        if room_type is not None and guests is not None:
            return [self.by_kind[kind], self.by_kind[room_type, None]]
        if room_type is not None:
            return [self.by_type[room_type]]
        if guests is not None:
            return [self.by_guests[guests], self.by_guests[None]]
        return [self.offers]

    def take(
        self, request: Rooms, offers: Iterable[Rooms], into: Counter[tuple[int, int]]
    ) -> None:
        """``request`` takes free rooms of ``offers`` in turn while it wants any."""
        want = self.wanted[request.stay]
        for offer in offers:
            if not want:
                break
            if rooms := min(want, self.left[offer.stay]):
                want -= rooms
                self.left[offer.stay] -= rooms
                into[request.stay, offer.stay] += rooms
                self.matching.first_taker.setdefault(offer.stay, request.stay)
        self.wanted[request.stay] = want

    # --- rule 2: rooms passed on along chains ---

    def pass_rooms_on(self, unmet: Sequence[Rooms]) -> None:
        """Book rooms along chains for ``unmet`` requests, in content order,
        until no chain is left."""
        for (i, j), rooms in self.matching.booked.items():
            self.hold(self.requests[i], self.rooms[j], rooms)
        kinds = {offer.kind for offer in self.offers} | self.pairs.keys()
        self.kinds = sorted(kinds, key=kind_order)
        without_chain: set[Kind] = set()
        for request in unmet:
            while self.wanted[request.stay] and request.kind not in without_chain:
                found = self.shortest_chain(request.kind)
                if found is None:
                    # Passing rooms on never opens a chain that was not there.
                    without_chain.add(request.kind)
                else:
                    self.book_along(request, *found)

    def hold(self, request: Rooms, offer: Rooms, rooms: int) -> None:
        """``request`` holds ``rooms`` more rooms of ``offer`` (or fewer)."""
        self.requests[request.stay], self.rooms[offer.stay] = request, offer
        held = self.held[offer.kind]
        held[request.stay, offer.stay] += rooms
        if not held[request.stay, offer.stay]:
            del held[request.stay, offer.stay]

    def holdings(self, room: Kind) -> Counter[tuple[int, int]]:
        """The rooms of kind ``room`` held, pairs included."""
        if room not in self.with_pairs:
            self.with_pairs.add(room)
            for pair in self.pairs[room]() if room in self.pairs else ():
                self.hold(pair.request, pair.offer, pair.rooms)
        return self.held[room]

    def accepted(self, kind: Kind) -> list[Kind]:
        return [room for room in self.kinds if fits(kind, room)]

    def holder_kinds(self, room: Kind) -> list[Kind]:
        holders = {self.requests[request].kind for request, _ in self.held[room]}
        if room in self.pairs and room not in self.with_pairs:
            holders.add(room)
        return sorted(holders, key=kind_order)

    def shortest_chain(self, kind: Kind) -> tuple[Rooms, list[_Step]] | None:
        """A free room and the steps that pass rooms on from it to a request of
        ``kind``, from the request's end; breadth first over kinds of rooms."""
        came_from: dict[Kind, _Step | None] = dict.fromkeys(self.accepted(kind))
        queue = deque(came_from)
        while queue:
            room = queue.popleft()
            for offer in self.by_kind[room]:
                if self.left[offer.stay]:
                    steps: list[_Step] = []
                    while (step := came_from[room]) is not None:
                        steps.append(step)
                        room = step.room
                    return offer, steps[::-1]
            for holder in self.holder_kinds(room):
                for then in self.accepted(holder):
                    if then not in came_from:
                        came_from[then] = _Step(room, holder, then)
                        queue.append(then)
        return None

    def giver(self, step: _Step) -> tuple[Rooms, Rooms]:
        """Who gives up a room at ``step``, and which room (see the ties in the
        module docstring)."""
        return max(
            (
                (self.requests[request], self.rooms[offer])
                for request, offer in self.holdings(step.room)
                if self.requests[request].kind == step.holder
            ),
            key=_giving_order,
        )

    def book_along(self, request: Rooms, free: Rooms, steps: list[_Step]) -> None:
        """Give ``request`` a room along ``steps``, ending at the ``free`` room."""
        # Every giver is chosen from the rooms held before the chain moves any.
        givers = [self.giver(step) for step in steps]
        takers = [request] + [giver for giver, _ in givers]
        rooms = [room for _, room in givers] + [free]
        self.left[free.stay] -= 1
        self.wanted[request.stay] -= 1
        self.matching.first_taker.setdefault(free.stay, takers[-1].stay)
        booked = self.matching.booked
        for giver, room in givers:
            self.hold(giver, room, -1)
            booked[giver.stay, room.stay] -= 1
        for taker, room in zip(takers, rooms, strict=True):
            self.hold(taker, room, 1)
            booked[taker.stay, room.stay] += 1


def _giving_order(holding: tuple[Rooms, Rooms]) -> tuple[Order, object, Order]:
    request, offer = holding
    return request.order, kind_order(offer.given), offer.order
