"""The report: what was booked of what was requested, as immutable values.

A report is made by :func:`confirmcheck.diff`, rendered by the ``render_*``
functions and written to and read from JSON by :mod:`confirmcheck.report_json`.
Every value is built by its ordinary constructor; a report counts its own totals.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "DifferentRange",
    "Range",
    "Report",
    "Status",
    "StayResult",
    "Totals",
]


class Status(StrEnum):
    """How much of one requested stay is booked, from best to worst."""

    BOOKED = "booked"
    """Every night, every room, as requested."""
    BOOKED_DIFFERENTLY = "booked_differently"
    """Every room-night is booked, some not as requested (room type, guests)."""
    PARTLY_BOOKED = "partly_booked"
    """Some room-nights are booked, some are not."""
    NOT_BOOKED = "not_booked"
    """No room is reserved for any night of the stay."""

    @property
    def severity(self) -> int:
        """0 for booked up to 3 for not booked."""
        return _SEVERITY[self]


_SEVERITY = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True, slots=True)
class StayResult:
    """One requested stay (``stay`` is its 1-based number) and its status.

    A flexible request ("4 nights arriving between 3 and 8 Oct") has the stay it
    was met by, or its earliest arrival when nothing met it, and says its window
    in ``earliest_arrival``/``latest_arrival``. ``cancelled`` says that the
    confirmation cancelled the reservation: why its nights are not booked.
    """

    stay: int
    check_in: dt.date
    check_out: dt.date
    rooms: int
    room_type: str | None
    guests: int | None
    ref: str | None
    status: Status
    earliest_arrival: dt.date | None = None
    latest_arrival: dt.date | None = None
    cancelled: bool = False

    @property
    def nights(self) -> int:
        """How many nights the stay has."""
        return (self.check_out - self.check_in).days

    @property
    def room_nights(self) -> int:
        """Nights times rooms."""
        return self.nights * self.rooms


@dataclass(frozen=True, slots=True)
class Range:
    """Consecutive nights of ``rooms`` rooms that share one outcome.

    In ``Report.booked`` and ``Report.unrequested`` the room type and guests are
    those of the confirmed rooms; in ``Report.not_booked`` those requested.
    ``stay`` is the requested stay the range belongs to (1-based), or None for an
    unrequested range that belongs to none.
    """

    stay: int | None
    check_in: dt.date
    check_out: dt.date
    rooms: int
    room_type: str | None = None
    guests: int | None = None

    @property
    def nights(self) -> int:
        """How many nights the range has."""
        return (self.check_out - self.check_in).days

    @property
    def room_nights(self) -> int:
        """Nights times rooms."""
        return self.nights * self.rooms


@dataclass(frozen=True, slots=True)
class DifferentRange(Range):
    """Nights booked, but not as requested: ``room_type``/``guests`` are what is
    booked, ``requested_room_type``/``requested_guests`` what was asked for."""

    requested_room_type: str | None = None
    requested_guests: int | None = None

    @property
    def differences(self) -> tuple[str, ...]:
        """What differs, out of ``("room_type", "guests")``."""
        out: list[str] = []
        # A confirmed room without a room type does not give the type asked for:
        # the diff books it differently, so it must say that the room type differs.
        if self.requested_room_type is not None and (
            self.room_type is None
            or self.room_type.casefold() != self.requested_room_type.casefold()
        ):
            out.append("room_type")
        if (
            self.requested_guests is not None
            and self.guests is not None
            and self.guests != self.requested_guests
        ):
            out.append("guests")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts over the whole report; room-nights are nights times rooms."""

    requested_stays: int
    requested_nights: int
    requested_room_nights: int
    booked_room_nights: int
    booked_differently_room_nights: int
    not_booked_room_nights: int
    unrequested_room_nights: int
    stays_booked: int
    stays_booked_differently: int
    stays_partly_booked: int
    stays_not_booked: int


def _room_nights(ranges: Iterable[Range | StayResult]) -> int:
    return sum(item.room_nights for item in ranges)


@dataclass(frozen=True, slots=True)
class Report:
    """What was booked of what was requested.

    Every requested room-night is in exactly one of ``booked``,
    ``booked_differently`` and ``not_booked``; ``unrequested`` holds confirmed
    room-nights that no request asked for. Ranges are sorted by stay and date.
    """

    stays: tuple[StayResult, ...]
    booked: tuple[Range, ...] = ()
    booked_differently: tuple[DifferentRange, ...] = ()
    not_booked: tuple[Range, ...] = ()
    unrequested: tuple[Range, ...] = ()
    totals: Totals = field(init=False, compare=False, repr=False)
    """Counted from the rest when the report is made."""

    def __post_init__(self) -> None:
        # totals is derived from the other fields: set once, here, as a frozen
        # dataclass sets a field after __init__.
        statuses = Counter(result.status for result in self.stays)
        totals = Totals(
            requested_stays=len(self.stays),
            requested_nights=sum(result.nights for result in self.stays),
            requested_room_nights=_room_nights(self.stays),
            booked_room_nights=_room_nights(self.booked),
            booked_differently_room_nights=_room_nights(self.booked_differently),
            not_booked_room_nights=_room_nights(self.not_booked),
            unrequested_room_nights=_room_nights(self.unrequested),
            stays_booked=statuses[Status.BOOKED],
            stays_booked_differently=statuses[Status.BOOKED_DIFFERENTLY],
            stays_partly_booked=statuses[Status.PARTLY_BOOKED],
            stays_not_booked=statuses[Status.NOT_BOOKED],
        )
        object.__setattr__(self, "totals", totals)

    @property
    def complete(self) -> bool:
        """True only when everything is booked as requested and nothing else."""
        return (
            not self.not_booked and not self.booked_differently and not self.unrequested
        )
