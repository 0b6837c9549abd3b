"""Flexible requests: "4 nights arriving between 3 and 8 Oct", and how one is met.

A flexible request names how many nights, and the window of days the guest may
arrive on. It is met by any confirmed stay of exactly that many nights that starts
in the window. :func:`resolve_flexible` turns each flexible request into the
concrete stay it stands for before the diff runs, so the diff itself only ever
sees ordinary stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from confirmcheck.errors import InputError
from confirmcheck.stay import Series, Stay, expand

__all__ = ["FlexibleStay", "resolve_flexible"]


@dataclass(frozen=True, slots=True)
class FlexibleStay:
    """``nights`` nights, arriving on any day from ``earliest`` to ``latest``.

    >>> FlexibleStay(dt.date(2017, 10, 3), dt.date(2017, 10, 8), 4).arriving(
    ...     dt.date(2017, 10, 5)).check_out
    datetime.date(2017, 10, 9)
    """

    earliest: dt.date
    latest: dt.date
    nights: int
    rooms: int = 1
    room_type: str | None = None
    guests: int | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise InputError(
                f"the latest arrival {self.latest} is before the earliest "
                f"{self.earliest}",
                path=("latest",),
            )
        if isinstance(self.nights, bool) or not isinstance(self.nights, int):
            raise InputError("must be a whole number", path=("nights",))
        if self.nights < 1:
            raise InputError(f"must be at least 1, not {self.nights}", path=("nights",))
        if self.nights > (dt.date.max - self.latest).days:
            raise InputError(
                f"{self.nights} nights from {self.latest} run past 9999-12-31",
                path=("nights",),
            )
        # The stays it may become check rooms, room type, guests and ref.
        self.arriving(self.earliest)

    def arriving(self, check_in: dt.date) -> Stay:
        """The concrete stay of this request when the guest arrives on ``check_in``."""
        return Stay(
            check_in,
            check_in + dt.timedelta(days=self.nights),
            rooms=self.rooms,
            room_type=self.room_type,
            guests=self.guests,
            ref=self.ref,
        )

    def is_met_by(self, stay: Stay) -> bool:
        """Whether ``stay`` has this request's length and starts in its window."""
        return stay.nights == self.nights and self.earliest <= stay.check_in <= (
            self.latest
        )


def resolve_flexible(
    flexible: Sequence[FlexibleStay], confirmed: Iterable[Stay | Series]
) -> list[Stay]:
    """The concrete stay each flexible request stands for, in the same order.

    A request becomes the first confirmed stay (by check-in, then content) that
    meets it and that no earlier request took; one that nothing meets becomes
    its earliest arrival, which the diff then reports as not booked. Room type,
    guests and rooms stay those requested, so the diff still says when the stay
    that met the request is booked differently.
    """
    candidates = sorted(
        expand(list(confirmed)),
        key=lambda s: (s.check_in, s.check_out, s.room_type or "", s.ref or ""),
    )
    taken: set[int] = set()
    out: list[Stay] = []
    for request in flexible:
        chosen = request.earliest
        for index, stay in enumerate(candidates):
            if index not in taken and request.is_met_by(stay):
                taken.add(index)
                chosen = stay.check_in
                break
        out.append(request.arriving(chosen))
    return out
