"""Stays from iCalendar files: every ``VEVENT`` is a stay, every occurrence of a
recurring event one stay each (expanded by recurring-ical-events, exactly as
calendar programs mean ``RRULE``, ``RDATE``, ``EXDATE`` and ``RECURRENCE-ID``).

The rules (which property means what, which time zone decides a timed event's
dates, the limits) are in ``docs/calendar.md``. The ``X-CONFIRMCHECK-*`` property
names are defined here; the calendar writer uses the same ones.

icalendar and recurring-ical-events are imported only when a calendar is read:
``import confirmcheck`` stays light for users who never touch one.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confirmcheck.budget import MAX_INPUT_STAYS, Budget
from confirmcheck.errors import InputError, Path, Problem, kind_of
from confirmcheck.readers.text import decode_text
from confirmcheck.stay import MAX_COUNT, MAX_OCCURRENCES, Stay, parse_rule, rule_dates

# icalendar's components, as this module uses them. Their property values are a
# union of some thirty types; the checks below narrow them at run time.
Calendar = Any
Event = Any

__all__ = [
    "FIRST_DAY",
    "GUESTS",
    "LAST_DAY",
    "MAX_CALENDAR_BYTES",
    "MAX_CALENDAR_EVENTS",
    "MAX_CALENDAR_STAYS",
    "OUTCOME",
    "OUTCOMES",
    "REF",
    "ROOMS",
    "ROOM_TYPE",
    "STAY_NUMBER",
    "CalendarError",
    "looks_like_calendar",
    "read_calendar",
]

MAX_CALENDAR_BYTES = 10 * 1024 * 1024
"""Larger calendars are refused before they are parsed (10 MiB)."""

MAX_CALENDAR_STAYS = MAX_INPUT_STAYS
"""How many stays one calendar may give, all events and occurrences together."""

MAX_CALENDAR_EVENTS = 5_000
"""How many VEVENTs one calendar may have, counted before it is parsed."""

FIRST_DAY = dt.date(1900, 1, 1)
"""The earliest date a calendar's events may start on."""

LAST_DAY = dt.date(9998, 12, 31)
"""The latest date a calendar's events may start on."""

ROOMS = "X-CONFIRMCHECK-ROOMS"
ROOM_TYPE = "X-CONFIRMCHECK-ROOM-TYPE"
GUESTS = "X-CONFIRMCHECK-GUESTS"
REF = "X-CONFIRMCHECK-REF"
OUTCOME = "X-CONFIRMCHECK-OUTCOME"
STAY_NUMBER = "X-CONFIRMCHECK-STAY"
KDE_RESERVATION = "X-KDE-KITINERARY-RESERVATION"
"""KDE Itinerary's copy of the reservation (schema.org JSON-LD) in the events it
writes. Its all-day ``DTEND`` includes the check-out day, so a stay is read from
this copy, not from the event's dates, when a single event carries it."""

OUTCOMES = ("booked", "booked-differently", "not-booked", "unrequested")
"""Values of ``X-CONFIRMCHECK-OUTCOME`` in a written calendar. Reading one back,
``not-booked`` events are no stays (no room is reserved); the others are."""

_FINER_THAN_DAILY = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_SEARCH_COST_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_TIME_PARTS = frozenset({"BYHOUR", "BYMINUTE", "BYSECOND"})
#: Properties a component may have once (RFC 5545) that are read here, or by
#: the libraries, as one value.
_ONCE = (
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RECURRENCE-ID",
    "STATUS",
    "TZID",
    "TZOFFSETFROM",
    "TZOFFSETTO",
)
_SHOWN = 80  # characters of the input a message quotes at most
_WHOLE = re.compile(r"[0-9]+")
_BEGIN = re.compile(r"\s*BEGIN:VCALENDAR\b", re.IGNORECASE)
_BOM = "\ufeff"


class CalendarError(InputError):
    """An iCalendar file that cannot be read as stays.

    The message names the place: ``line 14, UID week@example.com: DTEND ...``.
    """


# --- recognising and decoding ---------------------------------------------------


def looks_like_calendar(data: bytes | str) -> bool:
    """Whether ``data`` is iCalendar: ``BEGIN:VCALENDAR`` after an optional BOM and
    blank space, whatever the file is called.

    >>> looks_like_calendar(b"\\xef\\xbb\\xbfBEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\n")
    True
    >>> looks_like_calendar(b'{"stays": []}')
    False
    """
    head = data[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return _BEGIN.match(head.removeprefix(_BOM)) is not None


def _decode(data: bytes | str, path: Path) -> str:
    # For text, its length is a lower bound of its UTF-8 size: enough to refuse
    # most before encoding it.
    if len(data) > MAX_CALENDAR_BYTES or (
        isinstance(data, str)
        and len(data.encode("utf-8", "surrogatepass")) > MAX_CALENDAR_BYTES
    ):
        raise CalendarError(
            f"is larger than {MAX_CALENDAR_BYTES // (1024 * 1024)} MiB, the most a "
            "calendar may have",
            path=path,
        )
    try:
        text = decode_text(data, path=path)
    except InputError as error:
        raise CalendarError(error.problems) from None
    if not looks_like_calendar(text):
        raise CalendarError(
            "is not an iCalendar file: it does not begin with BEGIN:VCALENDAR",
            path=path,
        )
    # Blank space before BEGIN:VCALENDAR (allowed, as by calendar programs) is
    # no content line: only its line breaks are kept, so line numbers hold.
    rest = text.lstrip()
    blank = text[: len(text) - len(rest)]
    return "".join(c for c in blank if c in "\r\n") + rest


def _line_number(text: str | bytes, position: int) -> int:
    """The 1-based line that ``position`` is on."""
    if isinstance(text, bytes):
        return len(text[:position].split(b"\n"))
    return len(text[:position].split("\n"))


# --- where things are in the file -------------------------------------------------


class _Source:
    """The calendar's text as numbered, unfolded lines; built only for messages."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lines(self) -> list[tuple[int, str]]:
        # The pieces of a folded line are joined once, at the end: adding them
        # one by one copies the line again for each of them (quadratic).
        pieces: list[tuple[int, list[str]]] = []
        for number, line in enumerate(re.split(r"\r\n|\n|\r", self.text), 1):
            if line[:1] in (" ", "\t") and pieces:
                pieces[-1][1].append(line[1:])
            elif line:
                pieces.append((number, [line]))
        return [(number, "".join(parts)) for number, parts in pieces]

    @cached_property
    def events(self) -> list[tuple[int, int]]:
        """Index spans ``[begin, end]`` into :attr:`lines` of each VEVENT."""
        spans: list[tuple[int, int]] = []
        begin: int | None = None
        for index, (_number, line) in enumerate(self.lines):
            upper = line.upper()
            if upper == "BEGIN:VEVENT":
                begin = index
            elif upper == "END:VEVENT" and begin is not None:
                spans.append((begin, index))
                begin = None
        return spans

    def event_line(self, event: int) -> int | None:
        if event < len(self.events):
            return self.lines[self.events[event][0]][0]
        return None

    def property_line(self, event: int, name: str | None) -> int | None:
        """The line of property ``name`` in the ``event``-th VEVENT; for None, the
        first line there that is not a content line."""
        if event >= len(self.events):
            return None
        begin, end = self.events[event]
        for number, line in self.lines[begin : end + 1]:
            if name is None:
                if _bad_content_line(line) is not None:
                    return number
            elif re.split(r"[;:]", line, maxsplit=1)[0].upper() == name:
                return number
        return None

    def first_problem(self) -> str | None:
        """The first line that is not an iCalendar content line, or stands outside
        any component, said for people."""
        depth = 0
        for number, line in self.lines:
            reason = _bad_content_line(line)
            if reason is not None:
                return (
                    f"line {number}: {line[:60]!r} is not an iCalendar line ({reason})"
                )
            name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                depth -= 1
            elif depth <= 0:
                return f"line {number}: {name} stands outside BEGIN:VCALENDAR"
        return None


_COMPONENT_LINE = re.compile(r"^(BEGIN|END):[ \t]*([^\r\n]*?)[ \t]*\r?$", re.I | re.M)


def _structure_problem(text: str) -> str | None:
    """Whether every BEGIN has its END, in order: checked on every calendar, so
    it looks only at the BEGIN and END lines."""
    stack: list[tuple[str, int]] = []

    def line(position: int) -> int:
        return _line_number(text, position)

    events = 0
    for match in _COMPONENT_LINE.finditer(text):
        kind, name = match.group(1).upper(), match.group(2).upper()
        if kind == "BEGIN":
            stack.append((name, match.start()))
            events += name == "VEVENT"
            if events > MAX_CALENDAR_EVENTS:
                # Counted before the parser builds a single component.
                return (
                    f"line {line(match.start())}: the calendar has more than "
                    f"{MAX_CALENDAR_EVENTS} events, the most one calendar may have"
                )
            continue
        if not stack:
            return f"line {line(match.start())}: END:{name} without a BEGIN"
        opened, at = stack.pop()
        if opened != name:
            return (
                f"line {line(match.start())}: END:{name} does not close "
                f"BEGIN:{opened} (line {line(at)})"
            )
    if stack:
        opened, at = stack[-1]
        return f"line {line(at)}: BEGIN:{opened} is never closed (END:{opened})"
    return None


def _bad_content_line(line: str) -> str | None:
    from icalendar.parser import Contentline

    try:
        Contentline(line).parts()  # type: ignore[no-untyped-call]
    except ValueError as error:
        return str(error).split(": ")[-1] or "cannot be parsed"
    return None


def _place(line: int | None, uid: str | None) -> str:
    parts = []
    if line is not None:
        parts.append(f"line {line}")
    parts.append(f"UID {uid}" if uid else "an event without UID")
    return ", ".join(parts)


# --- time zones -------------------------------------------------------------------


def _zone(name: str) -> dt.tzinfo | None:
    """An IANA time zone, or the IANA zone of a Windows name; None if unknown."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    for candidate in (name.strip(), WINDOWS_TO_OLSON.get(name.strip())):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


# --- reading ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Extras:
    rooms: int
    room_type: str | None
    guests: int | None
    ref: str | None


def read_calendar(
    data: bytes | str,
    *,
    timezone: str | None = None,
    until: dt.date | None = None,
    end_is_last_night: bool = False,
    skip_non_stays: bool = False,
    max_stays: int = MAX_CALENDAR_STAYS,
    path: Path = (),
) -> list[Stay]:
    """Read the stays of an iCalendar file, in order of check-in.

    ``timezone`` (IANA or Windows name) is the hotel's: timed events fall on their
    local dates there; without it, each event's own time zone decides. ``until``
    is the horizon for rules that never end (check-ins after it are not read).
    ``end_is_last_night`` reads an all-day event's DTEND as the last night, as some
    channel managers write it. ``skip_non_stays`` leaves out events that give no
    night (a meeting from 9 to 5) instead of refusing the calendar. ``max_stays``
    bounds the stays of all events together, counted before they are expanded.

    Errors are :class:`CalendarError` naming the line and UID, under ``path``.

    >>> ics = (
    ...     "BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nPRODID:x\\r\\nBEGIN:VEVENT\\r\\n"
    ...     "UID:week@example.com\\r\\nDTSTAMP:20260101T000000Z\\r\\n"
    ...     "DTSTART;VALUE=DATE:20260309\\r\\nDTEND;VALUE=DATE:20260313\\r\\n"
    ...     "X-CONFIRMCHECK-ROOM-TYPE:single\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n"
    ... )
    >>> [(s.check_in.isoformat(), s.nights, s.room_type) for s in read_calendar(ics)]
    [('2026-03-09', 4, 'single')]
    """
    text = _decode(data, path)
    hotel_zone: dt.tzinfo | None = None
    if timezone is not None:
        hotel_zone = _zone(timezone)
        if hotel_zone is None:
            raise InputError(
                f"{timezone} is not a time zone (IANA, like Europe/Vienna, or Windows)",
                path=("timezone",),
            )
    if until is not None and (
        isinstance(until, dt.datetime) or not isinstance(until, dt.date)
    ):
        raise InputError(f"must be a date, not {kind_of(until)}", path=("until",))
    if until is not None:
        # No event starts later; a horizon past it reads the same stays (and
        # the day of margin added below stays within the dates Python has).
        until = min(until, LAST_DAY)
    reader = _Reader(
        _Source(text),
        hotel_zone=hotel_zone,
        until=until,
        end_is_last_night=end_is_last_night,
        skip_non_stays=skip_non_stays,
        budget=Budget(max_stays=max_stays),
    )
    try:
        return reader.read()
    except InputError as error:
        raise CalendarError(error.problems, path=path) from None


class _Reader:
    def __init__(
        self,
        source: _Source,
        *,
        hotel_zone: dt.tzinfo | None,
        until: dt.date | None,
        end_is_last_night: bool,
        skip_non_stays: bool,
        budget: Budget,
    ) -> None:
        self.budget = budget
        self.source = source
        self.hotel_zone = hotel_zone
        self.until = until
        self.end_is_last_night = end_is_last_night
        self.skip_non_stays = skip_non_stays
        self.problems: list[Problem] = []
        self.first_line: dict[str, int | None] = {}
        self.extras: dict[tuple[Any, ...], _Extras] = {}

    def fail(self, message: str) -> None:
        self.problems.append(Problem((), message))

    def check(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    # The steps, in order.

    def read(self) -> list[Stay]:
        calendar = self.parse()
        self.events(calendar)
        calendar = self.standardise(calendar)
        kept, order, open_uids = self.prepare(calendar)
        self.check()
        stays = self.expand(calendar, kept, order, open_uids)
        self.check()
        return stays

    def parse(self) -> Calendar:
        import icalendar
        from icalendar.error import GloballyUniqueTZIDGuessed

        # icalendar lets an END close any BEGIN; a calendar cut off or mixed up
        # like that would lose events without a word.
        broken = _structure_problem(self.source.text)
        if broken is not None:
            raise InputError(broken)

        raw = self.source.text.encode("utf-8")  # bytes: a str may be read as a path
        try:
            with warnings.catch_warnings():
                # "/vendor/Europe/Berlin" means Europe/Berlin; that guess is fine
                # for the date a stay starts on.
                warnings.simplefilter("ignore", GloballyUniqueTZIDGuessed)
                components = icalendar.Calendar.from_ical(raw, multiple=True)
        except Exception as error:  # any failure of the parser is the input's
            where = self.source.first_problem()
            raise InputError(
                where or f"is not a valid iCalendar file ({error})"
            ) from None
        if len(components) != 1 or components[0].name != "VCALENDAR":
            raise InputError(
                f"holds {len(components)} top-level components; "
                "a calendar file holds exactly one VCALENDAR"
            )
        calendar = components[0]
        scale = str(calendar.get("CALSCALE", "GREGORIAN")).upper()
        if scale != "GREGORIAN":
            raise InputError(f"CALSCALE:{scale} is not supported (only GREGORIAN)")
        return calendar

    def events(self, calendar: Calendar) -> list[Event]:
        """Check what the parser tolerated in the events: broken lines and values."""
        events: list[Event] = calendar.walk("VEVENT")
        for index, event in enumerate(events):
            uid = _uid(event)
            for name, message in event.errors:
                line = self.source.property_line(index, name)
                what = f"{name}: {_shown(message)}" if name else _shown(message)
                self.fail(f"{_place(line, uid)}: {what}")
            for name in _ONCE:
                given = event.get(name)
                if isinstance(given, list):
                    line = self.source.property_line(index, name)
                    self.fail(
                        f"{_place(line, uid)}: {name} is given {len(given)} times; "
                        "an event has at most one"
                    )
        for component in calendar.walk():
            if component.name == "VEVENT":
                continue
            for name in _ONCE:
                given = component.get(name)
                if isinstance(given, list):
                    tzid = component.get("TZID")
                    what = f"{component.name} {tzid}" if tzid else component.name
                    self.fail(
                        f"{_shown(str(what))}: {name} is given {len(given)} times; "
                        f"a {component.name} has at most one"
                    )
        self.check()
        return events

    def standardise(self, calendar: Calendar) -> Calendar:
        """Apply X-WR-TIMEZONE (Google, Apple) the way recurring-ical-events does,
        but with the zone resolved here, so that an unknown one is an error."""
        import x_wr_timezone

        name = calendar.get("X-WR-TIMEZONE")
        if name is None:
            return calendar
        zone = _zone(str(name))
        if zone is None:
            raise InputError(f"X-WR-TIMEZONE:{name} is not a time zone")
        result: Calendar = x_wr_timezone.to_standard(calendar, timezone=zone)
        result.pop("X-WR-TIMEZONE", None)
        return result

    def prepare(
        self, calendar: Calendar
    ) -> tuple[list[tuple[str, Event]], dict[str, int], set[str]]:
        """Check every event and bring it into the shape the expansion expects."""
        kept: list[tuple[str, Event]] = []
        order: dict[str, int] = {}
        open_uids: set[str] = set()
        counts: dict[str, int] = {}
        for index, event in enumerate(calendar.walk("VEVENT")):
            uid = _uid(event)
            key = uid or f"#{index}"
            order.setdefault(key, index)
            self.first_line.setdefault(key, self.source.event_line(index))
            outcome = event.get(OUTCOME)
            if outcome is not None and str(outcome).strip().lower() not in OUTCOMES:
                self.fail(
                    f"{_place(self.source.property_line(index, OUTCOME), uid)}: "
                    f"{OUTCOME}:{outcome} is not one of {', '.join(OUTCOMES)}"
                )
                continue
            if outcome is not None and str(outcome).strip().lower() == "not-booked":
                continue  # a gap written by report_to_ics: no room is reserved
            if not self.check_event(event, index, uid):
                continue
            bound, is_open = self.occurrence_bound(event, index, uid)
            if is_open:
                open_uids.add(key)
            counts[key] = counts.get(key, 0) + bound
            kept.append((key, event))
        for key, count in counts.items():
            if count > MAX_OCCURRENCES:
                self.fail(
                    f"{_place(self.first_line.get(key), key)}: the event gives more "
                    f"than the {MAX_OCCURRENCES} stays one series may have"
                )
        total = sum(counts.values())
        if total > self.budget.max_stays:
            self.fail(
                f"the calendar gives more than the {self.budget.max_stays} stays one "
                "calendar may have"
            )
        return kept, order, open_uids

    def check_event(self, event: Event, index: int, uid: str | None) -> bool:
        """Check one event's dates and properties; False if it cannot be used."""
        before = len(self.problems)

        def fail(name: str | None, message: str) -> None:
            line = self.source.property_line(index, name) if name else None
            if line is None:
                line = self.source.event_line(index)
            self.fail(f"{_place(line, uid)}: {message}")

        start_prop = event.get("DTSTART")
        if start_prop is None:
            fail(None, "has no DTSTART")
            return False
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE"):
            for prop in _as_list(event.get(name)):
                tzid = prop.params.get("TZID")
                if tzid and any(
                    isinstance(v, dt.datetime) and v.tzinfo is None
                    for v in _values(prop)
                ):
                    fail(
                        name,
                        f"{name}: TZID={tzid} is not a time zone (no VTIMEZONE for "
                        "it in the file, and not an IANA or Windows name)",
                    )
        if len(self.problems) > before:
            return False
        start = start_prop.dt
        if not isinstance(start, dt.date):
            fail("DTSTART", f"DTSTART must be a date or date-time, not {start!r}")
            return False
        day = start if not isinstance(start, dt.datetime) else start.date()
        if not FIRST_DAY <= day <= LAST_DAY:
            fail(
                "DTSTART",
                f"DTSTART {day.isoformat()} is outside the dates a calendar may hold "
                f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})",
            )
            return False
        all_day = not isinstance(start, dt.datetime)
        end_prop = event.get("DTEND")
        duration_prop = event.get("DURATION")
        if end_prop is not None and duration_prop is not None:
            fail("DURATION", "has both DTEND and DURATION; give one of them")
        elif end_prop is not None:
            end = end_prop.dt
            if isinstance(end, dt.datetime) == all_day or not isinstance(end, dt.date):
                fail(
                    "DTEND",
                    "DTEND must be a date when DTSTART is a date, and a date-time "
                    "when DTSTART is a date-time",
                )
            elif _compare(end, start) < 0:
                fail(
                    "DTEND",
                    f"DTEND {_show(end)} is before DTSTART {_show(start)}",
                )
            elif all_day and self.end_is_last_night:
                # The channel manager's last night; the check-out is the day after.
                event["DTEND"] = _date_prop(end + dt.timedelta(days=1))
        elif duration_prop is not None:
            duration = duration_prop.dt
            if not isinstance(duration, dt.timedelta) or duration < dt.timedelta(0):
                fail("DURATION", f"DURATION {duration_prop.to_ical()!r} is negative")
        if all_day:
            self.dates_of_all_day(event)
        for name, reader in (
            (ROOMS, _count),
            (GUESTS, _count),
            (ROOM_TYPE, _text),
            (REF, _text),
        ):
            values = _as_list(event.get(name))
            if len(values) > 1:
                fail(name, f"{name} is given {len(values)} times")
                continue
            if values:
                try:
                    reader(str(values[0]))
                except ValueError as error:
                    fail(name, f"{name}:{_shown(str(values[0]))} {error}")
        return len(self.problems) == before

    def dates_of_all_day(self, event: Event) -> None:
        """Give EXDATE, RDATE and RECURRENCE-ID of an all-day event as dates.

        Exchange writes the EXDATE of an all-day series as local midnight with a
        TZID, or in UTC; either is meant as a whole day. A zoned date-time counts
        as its date in its own zone; a UTC one as the date of the nearest midnight
        (offsets lie within ±14 h, so local midnight in UTC rounds to its date).
        """
        for name in ("EXDATE", "RDATE"):
            props = _as_list(event.get(name))
            if not any(
                isinstance(v, dt.datetime) for prop in props for v in _values(prop)
            ):
                continue
            days = [_as_day(v) for prop in props for v in _values(prop)]
            event.pop(name)
            event.add(name, days)
        recurrence = event.get("RECURRENCE-ID")
        if recurrence is not None and isinstance(recurrence.dt, dt.datetime):
            params = {k: v for k, v in recurrence.params.items() if k == "RANGE"}
            event["RECURRENCE-ID"] = _date_prop(_as_day(recurrence.dt), params)

    def occurrence_bound(
        self, event: Event, index: int, uid: str | None
    ) -> tuple[int, bool]:
        """At most how many stays the event gives, and whether a rule of it never
        ends (read up to the horizon ``until``; without one that is an error).

        Every rule is searched here, within the calendar's budget, before the
        expansion sees it: a rule that gives too many dates, or that rarely or
        never matches (which the expansion would search for up to the year
        9999), is refused first.
        """
        from icalendar.prop import vRecur

        rules = _as_list(event.get("RRULE"))
        count = 1 + sum(len(_values(prop)) for prop in _as_list(event.get("RDATE")))
        start = event["DTSTART"].dt
        day = start.date() if isinstance(start, dt.datetime) else start
        is_open = False
        for rule in rules:
            line = self.source.property_line(index, "RRULE")
            where = _place(line, uid)
            freq = str((rule.get("FREQ") or [""])[0]).upper()
            if freq in _FINER_THAN_DAILY:
                self.fail(
                    f"{where}: RRULE FREQ={freq} is finer than a day; "
                    "stays count nights"
                )
                return 0, False
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                if len(rule.get(part) or ()) > 1:
                    self.fail(
                        f"{where}: RRULE {part} gives more than one stay a day; "
                        "stays count nights"
                    )
                    return 0, False
            shape = {k: v for k, v in rule.items() if k not in ("UNTIL", "COUNT")}
            parts, problems = parse_rule(vRecur(shape).to_ical().decode())  # type: ignore[no-untyped-call]
            parts = {k: v for k, v in parts.items() if k not in _TIME_PARTS}
            if problems or parts.get("FREQ") not in _SEARCH_COST_FREQUENCIES:
                self.fail(f"{where}: RRULE is not a rule this reader can expand")
                return 0, False
            horizon = LAST_DAY
            if "COUNT" in rule:
                wanted = int(rule["COUNT"][0])
                if wanted > MAX_OCCURRENCES:
                    self.fail(
                        f"{where}: RRULE COUNT={wanted} is more than the "
                        f"{MAX_OCCURRENCES} stays one series may have"
                    )
                    return 0, False
            else:
                if "UNTIL" in rule:
                    until = rule["UNTIL"][0]
                    horizon = min(
                        horizon,
                        until.date() if isinstance(until, dt.datetime) else until,
                    )
                elif self.until is None:
                    self.fail(
                        f"{where}: RRULE {rule.to_ical().decode()} never ends (no "
                        "COUNT or UNTIL); give a horizon to read it up to "
                        "(--until DATE)"
                    )
                    return 0, False
                else:
                    is_open = True
                    horizon = min(horizon, self.until + dt.timedelta(days=1))
                # One more than allowed, to tell "the cap" from "too many".
                wanted = min(MAX_OCCURRENCES, self.budget.stays_left) + 1
            try:
                found = (
                    rule_dates(parts, day, horizon, wanted, self.budget)
                    if horizon >= day
                    else []
                )
                # Nothing up to its end is fine (DTSTART is the one stay), but
                # the expansion looks for the first date past the end: a rule
                # that never gives one would be searched up to the year 9999.
                if (
                    not found
                    and "COUNT" not in rule
                    and not rule_dates(parts, day, LAST_DAY, 1, self.budget)
                ):
                    raise InputError("the rule never gives a date")
                self.budget.take_stays(len(found))
            except InputError as error:
                self.fail(f"{where}: RRULE: {error}")
                return 0, False
            if "COUNT" in rule and len(found) < wanted:
                self.fail(
                    f"{where}: RRULE gives only {len(found)} of its COUNT={wanted} "
                    f"stays before {LAST_DAY.isoformat()}"
                )
                return 0, False
            count += len(found)
        return count, is_open

    def expand(
        self,
        calendar: Calendar,
        kept: list[tuple[str, Event]],
        order: dict[str, int],
        open_uids: set[str],
    ) -> list[Stay]:
        import recurring_ical_events

        others = [c for c in calendar.subcomponents if c.name != "VEVENT"]

        def query(events: list[Event], stop: dt.date) -> list[Any]:
            if not events:
                return []
            part = calendar.copy()  # the calendar's properties, no components
            part.subcomponents = [*others, *events]  # time zones stay
            try:
                found: list[Any] = recurring_ical_events.of(part).between(
                    FIRST_DAY, stop
                )
            except Exception as error:  # any failure here is the input's
                raise InputError(
                    f"the recurring events cannot be expanded ({error})"
                ) from None
            return found

        bounded = [e for key, e in kept if key not in open_uids]
        found: list[tuple[list[Any], dt.date | None]] = [
            (query(bounded, LAST_DAY + dt.timedelta(days=1)), None)
        ]
        if open_uids and self.until is not None:
            # A day of margin: the horizon applies to the local check-in below.
            open_events = [e for key, e in kept if key in open_uids]
            stop = self.until + dt.timedelta(days=2)
            found.append((query(open_events, stop), self.until))
        stays: list[tuple[int, Stay]] = []
        for components, horizon in found:
            for component in components:
                found_stay = self.stay(component)
                if found_stay is None:
                    continue
                uid, stay = found_stay
                if horizon is None or stay.check_in <= horizon:
                    stays.append((order.get(uid, 0), stay))
        stays.sort(key=lambda item: (item[1].check_in, item[1].check_out, item[0]))
        return [stay for _, stay in stays]

    def stay(self, component: Any) -> tuple[str, Stay] | None:
        """The UID and stay of one occurrence; None if it is no stay."""
        # Called for every occurrence: the properties are read straight from the
        # dict underneath icalendar's case-insensitive one (its keys are stored
        # upper-case), and the X-CONFIRMCHECK values are parsed once per value.
        status = _get(component, "STATUS")
        if status is not None and status.upper() == "CANCELLED":
            return None
        start = _get(component, "DTSTART").dt
        end = _get(component, "DTEND").dt
        check_in, check_out = self.day(start), self.day(end)
        uid = _get(component, "UID")
        uid = "" if uid is None else str(uid).strip()
        kde = _get(component, KDE_RESERVATION)
        if kde is not None and _get(component, "RRULE") is None:
            stay = self.kde_stay(str(kde), uid)
            return None if stay is None else (uid, stay)
        if check_out <= check_in:
            if self.skip_non_stays:
                return None
            self.fail(
                f"{_place(self.first_line.get(uid), uid)}: the event on "
                f"{_show(start)} gives no night (it ends {_show(end)}); a stay ends "
                "on a later day (or skip such events: --skip-non-stays)"
            )
            return None
        raw = (
            _get(component, ROOMS),
            _get(component, ROOM_TYPE),
            _get(component, GUESTS),
            _get(component, REF),
        )
        extras = self.extras.get(raw)
        if extras is None:
            rooms, room_type, guests, ref = (
                None if value is None else str(value) for value in raw
            )
            extras = self.extras[raw] = _Extras(
                1 if rooms is None else _count(rooms),
                None if room_type is None else _text(room_type),
                None if guests is None else _count(guests),
                None if ref is None else _text(ref),
            )
        return uid, Stay(
            check_in,
            check_out,
            rooms=extras.rooms,
            room_type=extras.room_type,
            guests=extras.guests,
            ref=extras.ref,
        )

    def kde_stay(self, text: str, uid: str) -> Stay | None:
        """The stay of a KDE Itinerary event, from its reservation copy."""
        import json

        from confirmcheck.readers.schemaorg import read_json_ld

        place = f"{_place(self.first_line.get(uid), uid)}: {KDE_RESERVATION}"
        try:
            stays = read_json_ld(json.loads(_text(text))).stays
        except ValueError as error:  # empty, not JSON, or an InputError
            self.fail(f"{place}: {error}")
            return None
        stay = stays[0] if len(stays) == 1 else None
        if not isinstance(stay, Stay):
            self.fail(f"{place}: holds {len(stays)} stays; one event is one stay")
            return None
        return stay

    def day(self, value: dt.date) -> dt.date:
        """The local date of a DTSTART or DTEND: in the hotel's zone when given,
        else in the value's own zone (a floating time is local already)."""
        if not isinstance(value, dt.datetime):
            return value
        if self.hotel_zone is not None and value.tzinfo is not None:
            return value.astimezone(self.hotel_zone).date()
        return value.date()


_get: Any = dict.get  # see _Reader.stay


def _uid(component: Any) -> str | None:
    uid = component.get("UID")
    if isinstance(uid, list):  # given twice: refused, and named by the first
        uid = uid[0]
    return None if uid is None else str(uid).strip() or None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _values(prop: Any) -> list[Any]:
    """The dates of an RDATE/EXDATE property (or the one of a single date property)."""
    dts = getattr(prop, "dts", None)
    if dts is None:
        return [prop.dt]
    return [item.dt for item in dts]


def _as_day(value: Any) -> dt.date:
    if isinstance(value, tuple):  # an RDATE period: its start
        value = value[0]
    if not isinstance(value, dt.datetime):
        return value  # type: ignore[no-any-return]
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return (value + dt.timedelta(hours=12)).date()
    return value.date()


def _date_prop(day: dt.date, params: dict[str, str] | None = None) -> Any:
    from icalendar.prop import vDDDTypes

    prop = vDDDTypes(day)
    for name, value in (params or {}).items():
        prop.params[name] = value
    return prop


def _compare(a: dt.date, b: dt.date) -> int:
    if (
        isinstance(a, dt.datetime)
        and isinstance(b, dt.datetime)
        and (a.tzinfo is None) != (b.tzinfo is None)
    ):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return (a > b) - (a < b)


def _show(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        zone = "" if value.tzinfo is None else f" {value.tzname()}"
        return value.strftime("%Y-%m-%d %H:%M") + zone
    return value.isoformat()


def _count(text: str) -> int:
    value = text.strip()
    if not _WHOLE.fullmatch(value) or int(value[:9]) < 1:
        raise ValueError("is not a whole number of at least 1")
    if len(value) > 9 or int(value) > MAX_COUNT:
        raise ValueError(f"is more than {MAX_COUNT}")
    return int(value)


def _shown(text: str) -> str:
    """Input quoted in a message, cut to a length a person reads."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "\u2026"


_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")


def _text(text: str) -> str:
    # X- properties are TEXT (RFC 5545, 3.8.8.2): "\," is a comma. icalendar
    # hands them over as written; a value written without escapes stays as it is.
    value = _TEXT_ESCAPE.sub(
        lambda m: "\n" if m.group(1) in "nN" else m.group(1), text
    ).strip()
    if not value:
        raise ValueError("is empty (leave the property out instead)")
    return value
