"""The report: what was booked of what was requested, as an immutable value.

A report is made by :func:`confirmcheck.diff`, rendered by the ``render_*``
functions and serialised with :func:`report_to_json` / :func:`report_from_json`
(JSON schema version 1, shipped as ``confirmcheck/schema/report-v1.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from confirmcheck.errors import InputError, Path, Problem

__all__ = [
    "SCHEMA_VERSION",
    "DifferentRange",
    "Range",
    "Report",
    "Status",
    "StayResult",
    "Totals",
    "report_from_json",
    "report_schema",
    "report_to_json",
]

SCHEMA_VERSION = 1

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


_STATUSES = tuple(Status)
_SEVERITY = {status: rank for rank, status in enumerate(_STATUSES)}


@dataclass(frozen=True, slots=True)
class StayResult:
    """One requested stay (``stay`` is its 1-based number) and its status."""

    stay: int
    check_in: dt.date
    check_out: dt.date
    rooms: int
    room_type: str | None
    guests: int | None
    ref: str | None
    status: Status

    @property
    def nights(self) -> int:
        """How many nights the stay has."""
        return (self.check_out - self.check_in).days


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
        return (self.check_out - self.check_in).days * self.rooms


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


# --- building many values fast ----------------------------------------------------
#
# A frozen dataclass's __init__ sets every field through object.__setattr__ (its own
# __setattr__ refuses), which is most of the cost of the hundreds of thousands of
# stay results and ranges of a large report. The diff builds them with the twins
# below instead: each has the same slots as its dataclass, sets them plainly, and
# then becomes an instance of the dataclass. What comes out is an ordinary,
# immutable StayResult or Range, equal to one built the usual way.


class _NewStayResult:
    __slots__ = StayResult.__slots__

    def __init__(  # noqa: PLR0917 - the dataclass's own signature
        self,
        stay: int,
        check_in: dt.date,
        check_out: dt.date,
        rooms: int,
        room_type: str | None,
        guests: int | None,
        ref: str | None,
        status: Status,
    ) -> None:
        self.stay = stay
        self.check_in = check_in
        self.check_out = check_out
        self.rooms = rooms
        self.room_type = room_type
        self.guests = guests
        self.ref = ref
        self.status = status
        self.__class__ = StayResult  # type: ignore[assignment]


class _NewRange:
    __slots__ = Range.__slots__

    def __init__(  # noqa: PLR0917 - the dataclass's own signature
        self,
        stay: int | None,
        check_in: dt.date,
        check_out: dt.date,
        rooms: int,
        room_type: str | None = None,
        guests: int | None = None,
    ) -> None:
        self.stay = stay
        self.check_in = check_in
        self.check_out = check_out
        self.rooms = rooms
        self.room_type = room_type
        self.guests = guests
        self.__class__ = Range  # type: ignore[assignment]


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


def _room_nights(ranges: Iterable[Range]) -> int:
    return sum([(r.check_out - r.check_in).days * r.rooms for r in ranges])


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

    def __post_init__(self) -> None:
        # Written out rather than through the properties: for a large report this
        # loop is a noticeable part of a diff.
        count = dict.fromkeys(_STATUSES, 0)
        nights = room_nights = 0
        for result in self.stays:
            count[result.status] += 1
            n = (result.check_out - result.check_in).days
            nights += n
            room_nights += n * result.rooms
        totals = Totals(
            requested_stays=len(self.stays),
            requested_nights=nights,
            requested_room_nights=room_nights,
            booked_room_nights=_room_nights(self.booked),
            booked_differently_room_nights=_room_nights(self.booked_differently),
            not_booked_room_nights=_room_nights(self.not_booked),
            unrequested_room_nights=_room_nights(self.unrequested),
            stays_booked=count[Status.BOOKED],
            stays_booked_differently=count[Status.BOOKED_DIFFERENTLY],
            stays_partly_booked=count[Status.PARTLY_BOOKED],
            stays_not_booked=count[Status.NOT_BOOKED],
        )
        object.__setattr__(self, "totals", totals)

    @property
    def complete(self) -> bool:
        """True only when everything is booked as requested and nothing else."""
        return (
            not self.not_booked and not self.booked_differently and not self.unrequested
        )


class _NewTotals:
    __slots__ = Totals.__slots__

    def __init__(  # noqa: PLR0917 - the dataclass's own signature
        self,
        requested_stays: int,
        requested_nights: int,
        requested_room_nights: int,
        booked_room_nights: int,
        booked_differently_room_nights: int,
        not_booked_room_nights: int,
        unrequested_room_nights: int,
        stays_booked: int,
        stays_booked_differently: int,
        stays_partly_booked: int,
        stays_not_booked: int,
    ) -> None:
        self.requested_stays = requested_stays
        self.requested_nights = requested_nights
        self.requested_room_nights = requested_room_nights
        self.booked_room_nights = booked_room_nights
        self.booked_differently_room_nights = booked_differently_room_nights
        self.not_booked_room_nights = not_booked_room_nights
        self.unrequested_room_nights = unrequested_room_nights
        self.stays_booked = stays_booked
        self.stays_booked_differently = stays_booked_differently
        self.stays_partly_booked = stays_partly_booked
        self.stays_not_booked = stays_not_booked
        self.__class__ = Totals  # type: ignore[assignment]


class _NewReport:
    """A Report whose totals the diff counted while it built the rest: the same
    value as ``Report(...)``, without a second pass over a large report."""

    __slots__ = Report.__slots__

    def __init__(  # noqa: PLR0917 - the dataclass's own fields
        self,
        stays: tuple[StayResult, ...],
        booked: tuple[Range, ...],
        booked_differently: tuple[DifferentRange, ...],
        not_booked: tuple[Range, ...],
        unrequested: tuple[Range, ...],
        totals: Totals,
    ) -> None:
        self.stays = stays
        self.booked = booked
        self.booked_differently = booked_differently
        self.not_booked = not_booked
        self.unrequested = unrequested
        self.totals = totals
        self.__class__ = Report  # type: ignore[assignment]


if TYPE_CHECKING:
    new_stay_result = StayResult
    new_range = Range
    new_totals = Totals

    def new_report(  # noqa: PLR0917 - as _NewReport
        stays: tuple[StayResult, ...],
        booked: tuple[Range, ...],
        booked_differently: tuple[DifferentRange, ...],
        not_booked: tuple[Range, ...],
        unrequested: tuple[Range, ...],
        totals: Totals,
    ) -> Report: ...

else:
    new_stay_result = _NewStayResult
    """``StayResult(...)``, built faster (for the diff; same arguments, same value)."""
    new_range = _NewRange
    """``Range(...)``, built faster (for the diff; same arguments, same value)."""
    new_totals = _NewTotals
    """``Totals(...)``, built faster (for the diff; same arguments, same value)."""
    new_report = _NewReport
    """``Report(...)`` with the totals given rather than counted (for the diff,
    which counts them as it goes; the tests hold the two equal)."""


# --- JSON -------------------------------------------------------------------------


def _stay_json(result: StayResult) -> dict[str, Any]:
    return {
        "stay": result.stay,
        "check_in": result.check_in.isoformat(),
        "check_out": result.check_out.isoformat(),
        "nights": result.nights,
        "rooms": result.rooms,
        "room_type": result.room_type,
        "guests": result.guests,
        "ref": result.ref,
        "status": result.status.value,
    }


def _range_json(item: Range) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stay": item.stay,
        "check_in": item.check_in.isoformat(),
        "check_out": item.check_out.isoformat(),
        "nights": item.nights,
        "rooms": item.rooms,
        "room_type": item.room_type,
        "guests": item.guests,
    }
    if isinstance(item, DifferentRange):
        out["requested_room_type"] = item.requested_room_type
        out["requested_guests"] = item.requested_guests
        out["differences"] = list(item.differences)
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (schema version 1)."""
    totals = report.totals
    return {
        "schema": SCHEMA_VERSION,
        "complete": report.complete,
        "totals": {name: getattr(totals, name) for name in Totals.__dataclass_fields__},
        "stays": [_stay_json(s) for s in report.stays],
        "not_booked": [_range_json(r) for r in report.not_booked],
        "booked_differently": [_range_json(r) for r in report.booked_differently],
        "unrequested": [_range_json(r) for r in report.unrequested],
        "booked": [_range_json(r) for r in report.booked],
    }


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as JSON text (schema version 1)."""
    return json.dumps(report_to_dict(report), indent=indent, ensure_ascii=False)


class _Reader:
    """Reads plain JSON values back into report values, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: object, path: Path, keys: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return {}
        wanted = set(keys)
        for key in value:
            if key not in wanted:
                self.fail((*path, key), "is not a field of a report")
        return value

    def get(
        self,
        source: Mapping[str, Any],
        path: Path,
        key: str,
        check: Callable[[Any], bool],
        what: str,
    ) -> Any:
        if key not in source:
            self.fail((*path, key), "is missing")
            return None
        value = source[key]
        if not check(value):
            self.fail((*path, key), f"must be {what}, not {json.dumps(value)}")
            return None
        return value

    def date(self, source: Mapping[str, Any], path: Path, key: str) -> dt.date | None:
        text = self.get(source, path, key, lambda v: isinstance(v, str), "a date")
        if text is None:
            return None
        # fromisoformat also takes 20260309 and 2026-W11-1; the schema does not.
        if not _DATE.fullmatch(text):
            self.fail((*path, key), f"{text} is not a date (YYYY-MM-DD)")
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail((*path, key), f"{text} is not a date")
            return None

    def count(
        self, source: Mapping[str, Any], path: Path, key: str, *, optional: bool = False
    ) -> int | None:
        def ok(v: Any) -> bool:
            if v is None:
                return optional
            return isinstance(v, int) and not isinstance(v, bool) and v >= 1

        return self.get(  # type: ignore[no-any-return]
            source,
            path,
            key,
            ok,
            "a whole number of at least 1" + (" or null" if optional else ""),
        )

    def text(self, source: Mapping[str, Any], path: Path, key: str) -> str | None:
        return self.get(  # type: ignore[no-any-return]
            source,
            path,
            key,
            lambda v: v is None or (isinstance(v, str) and v.strip() == v and v != ""),
            "text or null",
        )


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


_STAY_KEYS = (
    "stay",
    "check_in",
    "check_out",
    "nights",
    "rooms",
    "room_type",
    "guests",
    "ref",
    "status",
)
_RANGE_KEYS = (
    "stay",
    "check_in",
    "check_out",
    "nights",
    "rooms",
    "room_type",
    "guests",
)
_DIFFERENT_KEYS = (
    *_RANGE_KEYS,
    "requested_room_type",
    "requested_guests",
    "differences",
)
_REPORT_KEYS = (
    "schema",
    "complete",
    "totals",
    "stays",
    "not_booked",
    "booked_differently",
    "unrequested",
    "booked",
)


def report_from_dict(data: object) -> Report:
    """Read a report back from plain JSON values; raises InputError naming the place.

    Derived fields (``nights``, ``complete``, ``totals``, ``differences``) must agree
    with the rest: a report that was changed by hand is refused, never repaired.
    """
    reader = _Reader()
    top = reader.obj(data, (), _REPORT_KEYS)
    if not top:
        raise InputError(reader.problems or [Problem((), "is empty")])
    if top.get("schema") != SCHEMA_VERSION:
        raise InputError(
            f"schema {json.dumps(top.get('schema'))} is not supported; "
            f"this is confirmcheck's report schema {SCHEMA_VERSION}",
            path=("schema",),
        )

    def items(key: str) -> list[tuple[Path, dict[str, Any]]]:
        value = reader.get(top, (), key, lambda v: isinstance(v, list), "an array")
        return [((key, i), item) for i, item in enumerate(value or ())]

    stays: list[StayResult] = []
    for path, raw in items("stays"):
        obj = reader.obj(raw, path, _STAY_KEYS)
        status = reader.get(
            obj,
            path,
            "status",
            lambda v: v in Status._value2member_map_,
            "one of " + ", ".join(Status),
        )
        values = (
            reader.count(obj, path, "stay"),
            reader.date(obj, path, "check_in"),
            reader.date(obj, path, "check_out"),
            reader.count(obj, path, "rooms"),
            reader.text(obj, path, "room_type"),
            reader.count(obj, path, "guests", optional=True),
            reader.text(obj, path, "ref"),
        )
        reader.count(obj, path, "nights")
        if status is not None and None not in (
            values[0],
            values[1],
            values[2],
            values[3],
        ):
            stays.append(StayResult(*values, status=Status(status)))  # type: ignore[arg-type]

    def ranges(key: str, *, different: bool) -> list[Any]:
        out: list[Any] = []
        for path, raw in items(key):
            obj = reader.obj(raw, path, _DIFFERENT_KEYS if different else _RANGE_KEYS)
            stay = reader.count(obj, path, "stay", optional=key == "unrequested")
            common = (
                stay,
                reader.date(obj, path, "check_in"),
                reader.date(obj, path, "check_out"),
                reader.count(obj, path, "rooms"),
                reader.text(obj, path, "room_type"),
                reader.count(obj, path, "guests", optional=True),
            )
            reader.count(obj, path, "nights")
            if different:
                extra = (
                    reader.text(obj, path, "requested_room_type"),
                    reader.count(obj, path, "requested_guests", optional=True),
                )
                reader.get(
                    obj, path, "differences", lambda v: isinstance(v, list), "an array"
                )
            if None in common[1:4]:
                continue
            out.append(DifferentRange(*common, *extra) if different else Range(*common))  # type: ignore[arg-type]
        return out

    report = Report(
        stays=tuple(stays),
        not_booked=tuple(ranges("not_booked", different=False)),
        booked_differently=tuple(ranges("booked_differently", different=True)),
        unrequested=tuple(ranges("unrequested", different=False)),
        booked=tuple(ranges("booked", different=False)),
    )
    if reader.problems:
        raise InputError(reader.problems)
    # Anything derived must say what the rest says.
    expected = report_to_dict(report)
    for key in ("complete", "totals"):
        if top.get(key) != expected[key]:
            reader.fail(
                (key,),
                "does not agree with the stays and ranges "
                f"(expected {json.dumps(expected[key])})",
            )
    for key in ("stays", "not_booked", "booked_differently", "unrequested", "booked"):
        for index, (given, derived) in enumerate(
            zip(top[key], expected[key], strict=True)
        ):
            for name in ("nights", "differences"):
                if name in derived and given.get(name) != derived[name]:
                    reader.fail(
                        (key, index, name),
                        "does not agree with the range "
                        f"(expected {json.dumps(derived[name])})",
                    )
    if reader.problems:
        raise InputError(reader.problems)
    return report


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report JSON, schema version 1.

    A fresh copy on every call, so changing it changes nothing for other callers.
    """
    from importlib.resources import files

    text = files("confirmcheck").joinpath("schema", "report-v1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def report_from_json(text: str | bytes) -> Report:
    """Read a report from JSON text written by :func:`report_to_json`."""
    from confirmcheck.readers.json import parse_json

    return report_from_dict(parse_json(text))
