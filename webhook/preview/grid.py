"""The report as month calendars: one cell per night, labelled with its outcome.

The words carry the meaning (booked, booked differently, NOT BOOKED, not
requested); the page's colours only help. A night with several rooms can have
several outcomes: the cell names each, the worst first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from confirmcheck import Range, Report

__all__ = ["OUTCOMES", "Day", "Month", "months"]

#: Outcome keys, worst first, and the words a cell shows for them.
OUTCOMES: dict[str, str] = {
    "not-booked": "NOT BOOKED",
    "different": "booked differently",
    "unrequested": "not requested",
    "booked": "booked",
}
# English, the staff page's language (calendar.month_name follows the C locale).
_MONTH_NAMES = (
    "",
    *[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
)


@dataclass(frozen=True, slots=True)
class Day:
    """One day of a month's grid; ``outcomes`` are keys of :data:`OUTCOMES`,
    worst first (empty when no room is requested or booked that night)."""

    date: dt.date
    in_month: bool
    outcomes: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(OUTCOMES[key] for key in self.outcomes)

    @property
    def worst(self) -> str:
        return self.outcomes[0] if self.outcomes else "none"


@dataclass(frozen=True, slots=True)
class Month:
    """A month as weeks of seven days, Monday first."""

    title: str
    weeks: tuple[tuple[Day, ...], ...]


def _nights(ranges: Iterable[Range]) -> Iterable[dt.date]:
    for item in ranges:
        for offset in range(item.nights):
            yield item.check_in + dt.timedelta(days=offset)


def months(report: Report) -> list[Month]:
    """The months from the first to the last night the report speaks of."""
    found: defaultdict[dt.date, set[str]] = defaultdict(set)
    for key, ranges in (
        ("not-booked", report.not_booked),
        ("different", report.booked_differently),
        ("unrequested", report.unrequested),
        ("booked", report.booked),
    ):
        for night in _nights(ranges):
            found[night].add(key)
    if not found:
        return []
    order = list(OUTCOMES)
    first, last = min(found), max(found)
    out: list[Month] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        weeks = tuple(
            tuple(
                Day(
                    day,
                    day.month == month,
                    tuple(sorted(found.get(day, ()), key=order.index))
                    if day.month == month
                    else (),
                )
                for day in week
            )
            for week in calendar.Calendar(calendar.MONDAY).monthdatescalendar(
                year, month
            )
        )
        out.append(Month(f"{_MONTH_NAMES[month]} {year}", weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
