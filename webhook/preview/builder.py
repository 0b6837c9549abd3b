"""The series builder: "every Monday to Friday until June" made into a Series.

Staff tick the days of one stay, from the arrival day to the departure day, and
say how often it repeats and until when; this module writes the RFC 5545 rule
and lets the library's :class:`~confirmcheck.Series` expand it (the page shows
the rule and the first and last stays, so what is checked is what was meant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from confirmcheck import InputError, Problem, Series, Stay

from ..api import MAX_STAYS

__all__ = ["FIELDS", "WEEKDAYS", "BuiltSeries", "build_series", "is_used"]

#: RFC 5545's weekday names, Monday first, and how the page labels them.
WEEKDAYS: Mapping[str, str] = {
    "MO": "Mon",
    "TU": "Tue",
    "WE": "Wed",
    "TH": "Thu",
    "FR": "Fri",
    "SA": "Sat",
    "SU": "Sun",
}
_DAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
#: The builder's text fields (the ticked days are the list field ``days``).
FIELDS = (
    "first_night",
    "every",
    "unit",
    "until",
    "times",
    "rooms",
    "room_type",
    "guests",
)
_MAX_EVERY = 52
#: How a reader below notes a problem with one field: (field, message).
_Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class BuiltSeries:
    """The series the builder made, and what the page shows of it."""

    series: Series
    rrule: str

    @property
    def first(self) -> Stay:
        return self.series.stays[0]

    @property
    def last(self) -> Stay:
        return self.series.stays[-1]


def is_used(fields: Mapping[str, str]) -> bool:
    """Whether staff started to fill the builder (its first night is given)."""
    return bool(fields.get("first_night", "").strip())


def build_series(fields: Mapping[str, str], days: Sequence[str]) -> BuiltSeries:
    """The series the builder's ``fields`` and ticked ``days`` describe.

    Every problem is an :class:`~confirmcheck.InputError` whose path is
    ``("series", <field>)``, so the page shows it next to that field.
    """
    problems: list[Problem] = []

    def field_problem(name: str, message: str) -> None:
        problems.append(Problem(("series", name), message))

    first_night = _date(fields, "first_night", field_problem)
    if first_night is None and "first_night" not in _named(problems):
        field_problem("first_night", "is missing: the date of the first arrival")
    every = _count(fields, "every", field_problem, default=1, high=_MAX_EVERY)
    unit = fields.get("unit") or "weeks"
    if unit not in ("weeks", "days"):
        field_problem("unit", "must be weeks or days")
    nights = _nights(unit, days, first_night, field_problem)
    until = _date(fields, "until", field_problem)
    times = _count(fields, "times", field_problem, default=None, high=MAX_STAYS)
    if until is not None and times is not None:
        field_problem("until", "give an end date or a number of stays, not both")
    elif until is None and times is None and not {"until", "times"} & _named(problems):
        field_problem("until", "give the last arrival date or a number of stays")
    rooms = _count(fields, "rooms", field_problem, default=1, high=999)
    guests = _count(fields, "guests", field_problem, default=None, high=999)
    room_type = fields.get("room_type", "").strip() or None
    if problems or first_night is None or nights is None:
        raise InputError(problems or [Problem(("series",), "is incomplete")])
    rrule = "FREQ=" + ("WEEKLY" if unit == "weeks" else "DAILY")
    if every is not None and every > 1:
        rrule += f";INTERVAL={every}"
    rrule += f";UNTIL={until:%Y%m%d}" if until is not None else f";COUNT={times}"
    try:
        first = Stay(
            first_night,
            first_night + dt.timedelta(days=nights),
            rooms=rooms or 1,
            room_type=room_type,
            guests=guests,
        )
        # The API's bound on one side's stays, checked as the rule expands.
        series = Series(first, rrule, max_occurrences=MAX_STAYS)
    except InputError as error:
        raise error.under(("series",)) from None
    return BuiltSeries(series, rrule)


def _named(problems: Sequence[Problem]) -> set[str]:
    return {str(problem.path[-1]) for problem in problems}


def _date(fields: Mapping[str, str], name: str, problem: _Report) -> dt.date | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problem(name, f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def _count(
    fields: Mapping[str, str],
    name: str,
    problem: _Report,
    *,
    default: int | None,
    high: int,
) -> int | None:
    text = fields.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= high:
        problem(name, f"must be a whole number from 1 to {high}, not {text!r}")
        return default
    return int(text)


def _nights(
    unit: str, days: Sequence[str], first_night: dt.date | None, problem: _Report
) -> int | None:
    """Nights per stay: from the arrival to the departure day ticked (weekly), or
    one night per stay (daily)."""
    ticked = sorted({list(WEEKDAYS).index(day) for day in days if day in WEEKDAYS})
    if unit == "days":
        if ticked:
            problem("days", "leave the days unticked: every N days books one night")
            return None
        return 1
    if len(ticked) < 2:
        problem("days", "tick the days of one stay, from arrival to departure")
        return None
    if len(ticked) == len(WEEKDAYS):
        arrivals = [first_night.weekday()] if first_night is not None else [0]
    else:
        # The arrival is the ticked day whose day before is not ticked (the run
        # may wrap over Sunday: Sat, Sun, Mon).
        arrivals = [day for day in ticked if (day - 1) % 7 not in ticked]
    if len(arrivals) != 1:
        problem(
            "days",
            "the ticked days must follow each other, from arrival to departure "
            "(e.g. Mon to Fri)",
        )
        return None
    if first_night is not None and first_night.weekday() != arrivals[0]:
        problem(
            "first_night",
            f"{first_night:%Y-%m-%d} is a {_DAY_NAMES[first_night.weekday()]}; the "
            f"ticked days start on {_DAY_NAMES[arrivals[0]]}",
        )
        return None
    return len(ticked) - 1
