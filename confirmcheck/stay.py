"""Stays and series of stays: what a guest asks for and what a hotel confirms.

A stay is the half-open range of nights ``[check_in, check_out)``: the guest sleeps
the night of ``check_in`` and every night up to, not including, ``check_out``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, InitVar, dataclass, field, replace
from itertools import islice
from typing import Literal, cast

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rruleset, rrulestr

from confirmcheck.budget import SEARCH_COST, Budget
from confirmcheck.errors import InputError, Problem, kind_of

__all__ = [
    "MAX_COUNT",
    "MAX_OCCURRENCES",
    "Series",
    "Stay",
    "expand",
    "parse_rule",
    "rule_dates",
]

MAX_OCCURRENCES = 4000
"""How many occurrences a series may have: enough for ten years of daily stays."""

MAX_COUNT = 10_000
"""The most rooms (and guests per room) one stay may have."""

#: How far past its first stay a series is searched for occurrences: a rule whose
#: occurrences do not arrive within this many years is refused, never a hang.
SEARCH_YEARS = 100

_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_FREQUENCY_CONSTANTS: dict[str, Literal[0, 1, 2, 3]] = {
    "DAILY": DAILY,
    "WEEKLY": WEEKLY,
    "MONTHLY": MONTHLY,
    "YEARLY": YEARLY,
}
#: Rules of only these parts (COUNT is taken out first) are given to dateutil's
#: rrule directly, as rrulestr would give them; any other rule goes through
#: rrulestr, which reads every BY part.
_PLAIN_PARTS = frozenset({"FREQ", "INTERVAL", "UNTIL"})
#: Days in 400 Gregorian years, the cycle the search of a series is moved by.
_DAYS_PER_400_YEARS = 146_097
#: About how many days one step of each frequency covers, to price a search.
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}
#: Characters of the input a message quotes at most.
_SHOWN = 40
#: Digits a COUNT or INTERVAL may have: more is never meant (and Python refuses
#: to read numbers of more than 4,300 digits).
_MAX_DIGITS = 9
_FINER_THAN_DAILY = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_RULE_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
_TIME_PARTS = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
# ASCII only: str.isdigit() and strptime also take "²" or "2026061".
_NUMBER = re.compile(r"[0-9]+")
_UNTIL = re.compile(r"[0-9]{8}(T[0-9]{6}Z?)?")


def _check_date(value: object, *path: str | int) -> dt.date:
    # datetime is a subclass of date: a stay counts nights, so refuse times outright
    # rather than silently dropping them.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InputError(f"must be a date, not {kind_of(value)}", path=path)
    return value


def _check_count(value: object, name: str, *, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"must be a whole number, not {kind_of(value)}", path=(name,))
    if value < 1:
        raise InputError(f"must be at least 1, not {value}", path=(name,))
    if value > MAX_COUNT:
        # Read before rendering: a count of thousands of digits fails there.
        raise InputError(f"must be at most {MAX_COUNT}", path=(name,))
    return value


def _check_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"must be text, not {kind_of(value)}", path=(name,))
    text = value.strip()
    if not text:
        raise InputError("must not be empty (leave it out instead)", path=(name,))
    return text


def _clean(text: str) -> bool:
    return bool(text) and not text[0].isspace() and not text[-1].isspace()


@dataclass(frozen=True, slots=True, order=False)
class Stay:
    """One stay: ``rooms`` rooms for the nights ``[check_in, check_out)``.

    >>> Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13), room_type="double").nights
    4

    ``room_type`` and ``ref`` are stripped of surrounding blanks; room types are
    compared without regard to case (``"Double"`` is a ``"double"``).
    """

    check_in: dt.date
    check_out: dt.date
    _: KW_ONLY
    rooms: int = 1
    room_type: str | None = None
    guests: int | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        # The common case, checked in one expression: plain dates, counts and
        # text already stripped. Anything else takes the path that normalises
        # and reports every problem.
        room_type, ref, guests = self.room_type, self.ref, self.guests
        if (
            type(self.check_in) is dt.date
            and type(self.check_out) is dt.date
            and type(self.rooms) is int
            and 1 <= self.rooms <= MAX_COUNT
            and self.check_out > self.check_in
            and (guests is None or (type(guests) is int and 1 <= guests <= MAX_COUNT))
            and (room_type is None or (type(room_type) is str and _clean(room_type)))
            and (ref is None or (type(ref) is str and _clean(ref)))
        ):
            return
        self._validate()

    def _validate(self) -> None:
        problems: list[Problem] = []
        checks = (
            ("check_in", lambda: _check_date(self.check_in, "check_in")),
            ("check_out", lambda: _check_date(self.check_out, "check_out")),
            ("rooms", lambda: _check_count(self.rooms, "rooms", optional=False)),
            ("room_type", lambda: _check_text(self.room_type, "room_type")),
            ("guests", lambda: _check_count(self.guests, "guests", optional=True)),
            ("ref", lambda: _check_text(self.ref, "ref")),
        )
        for name, check in checks:
            try:
                object.__setattr__(self, name, check())
            except InputError as error:
                problems.extend(error.problems)
        if not problems and self.check_out <= self.check_in:
            problems.append(
                Problem(
                    (),
                    f"check_out {self.check_out.isoformat()} is not after "
                    f"check_in {self.check_in.isoformat()}",
                )
            )
        if problems:
            raise InputError(problems)

    @property
    def nights(self) -> int:
        """How many nights the stay has."""
        return (self.check_out - self.check_in).days

    @property
    def room_nights(self) -> int:
        """Nights times rooms: what the hotel has to hold for this stay."""
        return self.nights * self.rooms

    @property
    def room_type_key(self) -> str | None:
        """The room type as compared: case-folded, or None for "any room type"."""
        return None if self.room_type is None else self.room_type.casefold()


def parse_rule(rule: str) -> tuple[dict[str, str], list[Problem]]:
    """The parts of an RRULE (names and values upper-cased), and what is wrong
    with its syntax (not yet with its shape)."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    problems: list[Problem] = []
    for chunk in filter(None, text.split(";")):
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            problems.append(Problem((), f"{chunk!r} is not of the form NAME=VALUE"))
        elif key in _TIME_PARTS:
            problems.append(
                Problem((), f"{key} is finer than a day; stays count nights")
            )
        elif key not in _RULE_PARTS:
            problems.append(Problem((), f"{key} is not an RRULE part"))
        elif key in parts:
            problems.append(Problem((), f"{key} is given twice"))
        else:
            parts[key] = value.strip().upper()
    return parts, problems


def _years_later(day: dt.date, years: int) -> dt.date:
    # Only ever by multiples of 400 years, which keep 29 February a leap day.
    return day.replace(year=day.year + years)


def _until_date(value: str) -> dt.date:
    # UNTIL may be a DATE (20260601) or a DATE-TIME (20260601T235959Z); either way the
    # last possible occurrence is that day, since occurrences start at midnight.
    try:
        if not _UNTIL.fullmatch(value):
            raise ValueError(value)
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise InputError(f"UNTIL={value} is not a date") from None


@dataclass(frozen=True, slots=True)
class Series:
    """A recurring stay: ``first`` repeated by an RFC 5545 ``RRULE``.

    Every occurrence keeps the length, rooms, room type, guests and reference of
    ``first``. ``exdate`` leaves occurrences out, ``rdate`` adds some. The rule must
    be bounded (``COUNT`` or ``UNTIL``), no finer than ``DAILY``, start on
    ``first.check_in`` and give at most ``max_occurrences`` stays. ``budget``
    (not kept) is the :class:`~confirmcheck.budget.Budget` of the input the
    series is read from, which its stays and its rule's search are drawn from;
    without one, the series has a budget of its own.

    >>> weeks = Series(
    ...     Stay(dt.date(2026, 1, 5), dt.date(2026, 1, 9)), "FREQ=WEEKLY;COUNT=20"
    ... )
    >>> len(weeks.stays), weeks.stays[-1].check_in
    (20, datetime.date(2026, 5, 18))
    """

    first: Stay
    rrule: str
    _: KW_ONLY
    exdate: tuple[dt.date, ...] = ()
    rdate: tuple[dt.date, ...] = ()
    max_occurrences: int = field(default=MAX_OCCURRENCES, compare=False, repr=False)
    budget: InitVar[Budget | None] = None
    stays: tuple[Stay, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self, budget: Budget | None) -> None:
        if not isinstance(self.first, Stay):
            raise InputError(f"must be a Stay, not {kind_of(self.first)}")
        if not isinstance(self.rrule, str):
            raise InputError(
                f"must be text, not {kind_of(self.rrule)}", path=("rrule",)
            )
        # As given, so that a problem names the place in the input.
        given: dict[str, tuple[dt.date, ...]] = {}
        for name in ("exdate", "rdate"):
            values = given[name] = tuple(getattr(self, name))
            for index, value in enumerate(values):
                _check_date(value, name, index)
            # A set of dates, kept sorted so that equal series compare equal.
            object.__setattr__(self, name, tuple(sorted(set(values))))
        stays = self._expand(given["exdate"], given["rdate"], budget or Budget())
        object.__setattr__(self, "stays", stays)

    def _occurrence_dates(self, budget: Budget) -> list[dt.date]:
        parts, problems = parse_rule(self.rrule)
        if not problems:
            problems = _rule_shape_problems(parts)
        if problems:
            raise InputError(problems, path=("rrule",))
        start = self.first.check_in
        horizon = dt.date(min(start.year + SEARCH_YEARS, dt.MAXYEAR), 12, 31)
        if "UNTIL" in parts:
            given_until = parts.pop("UNTIL")
            until = _until_date(given_until)
            if until > horizon:
                # Cutting the series at the horizon would drop requested stays.
                raise InputError(
                    f"UNTIL={given_until} is more than "
                    f"{SEARCH_YEARS} years after the first stay; a series must end "
                    f"by {horizon.isoformat()}",
                    path=("rrule",),
                )
            horizon = until
        count = int(parts.pop("COUNT")) if "COUNT" in parts else None
        if count is not None and count > self.max_occurrences:
            raise InputError(
                f"COUNT={count} is more than the {self.max_occurrences} occurrences "
                "a series may have",
                path=("rrule",),
            )
        if count is not None:
            # Before a date is computed: a thousand rules of 4,000 each are
            # refused here, not after building millions of stays.
            budget.check_stays(count - len(self.exdate))
        # One more than allowed without COUNT, to tell "exactly the cap" from
        # "too many"; never more than the input has left (and its exdates).
        wanted = (
            count
            if count is not None
            else min(self.max_occurrences, budget.stays_left + len(self.exdate)) + 1
        )
        try:
            found = rule_dates(parts, start, horizon, wanted, budget)
        except InputError as error:
            raise error.under(("rrule",)) from None
        if count is None:
            if len(found) > self.max_occurrences:
                raise InputError(
                    f"the rule gives more than the {self.max_occurrences} occurrences "
                    "a series may have",
                    path=("rrule",),
                )
        elif len(found) < count:
            raise InputError(
                f"the rule gives only {len(found)} of its COUNT={count} "
                f"occurrences before {horizon.isoformat()}",
                path=("rrule",),
            )
        if not found or found[0] != start:
            raise InputError(
                f"the rule does not give the first stay's check_in {start.isoformat()} "
                "as its first occurrence; start the series on a day the rule gives",
                path=("rrule",),
            )
        return found

    def _expand(
        self,
        exdate: tuple[dt.date, ...],
        rdate: tuple[dt.date, ...],
        budget: Budget,
    ) -> tuple[Stay, ...]:
        dates = set(self._occurrence_dates(budget))
        for index, day in enumerate(exdate):
            if day not in dates:
                raise InputError(
                    f"{day.isoformat()} is not an occurrence of the series",
                    path=("exdate", index),
                )
        both = set(exdate) & set(rdate)
        for index, day in enumerate(rdate):
            if day in both:
                # RFC 5545 would leave it out; asking for both is a contradiction
                # the guest must resolve, not confirmcheck.
                raise InputError(
                    f"{day.isoformat()} is also in exdate", path=("rdate", index)
                )
        dates.difference_update(self.exdate)
        dates.update(self.rdate)
        if len(dates) > self.max_occurrences:
            raise InputError(
                f"the series has {len(dates)} occurrences, more than the "
                f"{self.max_occurrences} a series may have",
                path=("rrule",),
            )
        budget.take_stays(len(dates))
        first = self.first
        length = first.check_out - first.check_in
        for day in dates:
            if day > dt.date.max - length:
                where: tuple[str | int, ...] = (
                    ("rdate", rdate.index(day)) if day in rdate else ("rrule",)
                )
                raise InputError(
                    f"the stay checking in on {day.isoformat()} would check out "
                    f"after {dt.date.max.isoformat()}",
                    path=where,
                )
        # The first stay on other days: rooms, room type, guests and reference
        # are the same for every occurrence.
        stays = [
            replace(first, check_in=day, check_out=day + length)
            for day in sorted(dates)
        ]
        return tuple(stays)


def rule_dates(
    parts: Mapping[str, str],
    start: dt.date,
    horizon: dt.date,
    wanted: int,
    budget: Budget,
) -> list[dt.date]:
    """The first ``wanted`` dates the rule ``parts`` (RRULE parts without COUNT
    and UNTIL, checked by :func:`rule_problems`) gives from ``start`` up to
    ``horizon``; the search is charged to ``budget`` and refused before it starts
    when it could cost more than is left. Problems carry no place: the caller's.
    """
    # dateutil checks UNTIL only when it finds an occurrence, so a rule that
    # matches no more searches on up to the year 9999 (seconds for a daily
    # rule). The Gregorian calendar repeats itself, weekdays included, every 400
    # years: the rule is expanded as many 400 years later as fit below 9999,
    # where the search ends soon after the horizon, and the dates moved back.
    shift = (dt.MAXYEAR - horizon.year) // 400 * 400
    freq = parts["FREQ"]
    step = _PERIOD_DAYS[freq] * int(parts.get("INTERVAL", "1"))
    plain = parts.keys() <= _PLAIN_PARTS
    rule: rrule | rruleset
    try:
        # Past the year 9999 when the horizon is long before the first stay.
        shifted_start = _years_later(start, shift)
        dtstart = dt.datetime.combine(shifted_start, dt.time())
        until = dt.datetime.combine(_years_later(horizon, shift), dt.time())
        if plain:
            # What rrulestr makes of these parts (checked: a known FREQ, a
            # positive INTERVAL), without parsing the text again.
            rule = rrule(
                _FREQUENCY_CONSTANTS[freq],
                dtstart=dtstart,
                interval=int(parts.get("INTERVAL", "1")),
                until=until,
            )
        else:
            text = ";".join(f"{key}={value}" for key, value in parts.items())
            rule = rrulestr(f"{text};UNTIL={until:%Y%m%d}", dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise InputError(f"is not a valid RRULE ({_shown(str(error))})") from None

    def cost(last: dt.date) -> int:
        return ((last - shifted_start).days // step + 1) * SEARCH_COST[freq]

    if not plain:
        # Every step of a plain rule gives a date: its cost is its dates. A rule
        # with BY parts may look at every step up to the end of 9999.
        budget.check_search(cost(dt.date.max))
    # Moved back by whole 400-year cycles: the same day of the year and week.
    back = shift // 400 * _DAYS_PER_400_YEARS
    try:
        shifted = [d.date() for d in islice(rule, wanted)]
    except (ValueError, OverflowError, IndexError) as error:
        # dateutil computes whole weeks, months or years: near the end of 9999
        # it reaches for days past it and fails instead of stopping; a BYDAY
        # ordinal past the weeks of a month or year fails the same way.
        raise InputError(
            f"the rule cannot be expanded ({_shown(str(error))}): a BY part out of "
            f"range, or too close to {dt.date.max.isoformat()}"
        ) from None
    if not plain:
        budget.spend_search(
            cost(shifted[-1]) if len(shifted) == wanted else cost(dt.date.max)
        )
    from_ordinal = dt.date.fromordinal
    return [from_ordinal(d.toordinal() - back) for d in shifted]


def _shown(text: str) -> str:
    """Input quoted in a message, cut to a length a person reads."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "\u2026"


def _rule_shape_problems(parts: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    freq = parts.get("FREQ")
    if freq is None:
        problems.append(Problem((), "FREQ is missing"))
    elif freq in _FINER_THAN_DAILY:
        problems.append(
            Problem((), f"FREQ={freq} is finer than DAILY; stays count nights")
        )
    elif freq not in _FREQUENCIES:
        problems.append(Problem((), f"FREQ={freq} is not a frequency"))
    if "COUNT" in parts and "UNTIL" in parts:
        problems.append(Problem((), "COUNT and UNTIL must not both be given"))
    elif "COUNT" not in parts and "UNTIL" not in parts:
        problems.append(
            Problem((), "the rule never ends; give COUNT or UNTIL to bound it")
        )
    for name in ("COUNT", "INTERVAL"):
        value = parts.get(name)
        if value is None:
            continue
        if not _NUMBER.fullmatch(value) or int(value[: _MAX_DIGITS + 1]) == 0:
            problems.append(
                Problem((), f"{name}={_shown(value)} is not a positive number")
            )
        elif len(value) > _MAX_DIGITS:
            problems.append(Problem((), f"{name}={_shown(value)} is too large"))
    if "UNTIL" in parts:
        try:
            _until_date(parts["UNTIL"])
        except InputError as error:
            problems.extend(error.problems)
    return problems


def expand(items: Iterable[Stay | Series]) -> list[Stay]:
    """The stays of ``items`` in order, each series replaced by its occurrences."""
    items = list(items)
    if set(map(type, items)) <= {Stay}:
        return cast("list[Stay]", items)  # stays only, the common case: no loop
    out: list[Stay] = []
    for item in items:
        if isinstance(item, Series):
            out.extend(item.stays)
        elif isinstance(item, Stay):
            out.append(item)
        else:
            raise TypeError(f"expected a Stay or a Series, not {type(item).__name__}")
    return out
