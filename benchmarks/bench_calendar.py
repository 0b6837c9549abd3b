"""Benchmark: reading a 10-year weekly series from .ics, and diffing it.

The budget (issue 3): confirmcheck's adapter around recurring-ical-events adds at
most 25% to recurring-ical-events' own expansion of the same calendar, both
measured here in the same run. "Its own expansion" is what any caller has to do
to get the occurrences: parse the bytes with icalendar and expand them with
``recurring_ical_events.of(calendar).between(...)``. The adapter is everything
:func:`confirmcheck.readers.ics.read_calendar` does on top (checks, time zones, the
horizon, X-CONFIRMCHECK properties, building the stays).

    uv run python benchmarks/bench_calendar.py          # 30 rounds
    uv run python benchmarks/bench_calendar.py --quick  # 5 rounds

Each figure is the best of its rounds (the least disturbed by the machine).
Prints whether the budget is kept; timings never fail the script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from typing import Any

BUDGET = 0.25
WEEKS = 520  # ten years

VIENNA = """BEGIN:VTIMEZONE\r
TZID:Europe/Vienna\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def series(*, timed: bool) -> bytes:
    """A weekly Monday-to-Friday series over ten years, with room properties."""
    if timed:
        dates = (
            "DTSTART;TZID=Europe/Vienna:20260105T150000\r\n"
            "DTEND;TZID=Europe/Vienna:20260109T110000\r\n"
        )
    else:
        dates = "DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260109\r\n"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
        + (VIENNA if timed else "")
        + "BEGIN:VEVENT\r\nUID:ten-years@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        + dates
        + f"RRULE:FREQ=WEEKLY;COUNT={WEEKS}\r\n"
        + "X-CONFIRMCHECK-ROOMS:1\r\nX-CONFIRMCHECK-ROOM-TYPE:single\r\n"
        + "X-CONFIRMCHECK-GUESTS:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def best(rounds: int, *runs: Callable[[], Any]) -> list[float]:
    """The fastest of ``rounds`` runs of each of ``runs``, in seconds.

    The runs take turns within each round, so a busy moment of the machine
    slows all of them alike instead of one.
    """
    for run in runs:
        run()  # warm caches (time zones, imports) outside the measurement
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, spent in zip(runs, times, strict=True):
            start = time.perf_counter()
            run()
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 30")
    options = parser.parse_args(argv)
    rounds = 5 if options.quick else 30

    import icalendar
    import recurring_ical_events

    from confirmcheck.diff import diff
    from confirmcheck.readers.ics import FIRST_DAY, LAST_DAY, read_calendar
    from confirmcheck.stay import Stay

    stop = LAST_DAY + dt.timedelta(days=1)
    failed = False
    print(f"{WEEKS} weekly stays from one RRULE, best of {rounds} rounds")
    for timed in (False, True):
        data = series(timed=timed)

        def expand(data: bytes = data) -> list[Any]:
            calendar = icalendar.Calendar.from_ical(data)
            found: list[Any] = recurring_ical_events.of(calendar).between(
                FIRST_DAY, stop
            )
            return found

        stays = read_calendar(data)
        assert len(stays) == len(expand()) == WEEKS
        confirmed = stays[:100] + stays[101:]  # one week not booked

        def read(data: bytes = data) -> list[Stay]:
            return read_calendar(data)

        def check(stays: list[Stay] = stays, confirmed: list[Stay] = confirmed) -> Any:
            return diff(stays, confirmed)

        baseline, adapter = best(rounds, expand, read)
        (checking,) = best(rounds, check)
        overhead = adapter / baseline - 1
        ok = overhead <= BUDGET
        failed |= not ok
        kind = "timed (TZID, VTIMEZONE)" if timed else "all-day"
        print(f"\n{kind}:")
        print(f"  icalendar + recurring-ical-events  {baseline * 1000:8.2f} ms")
        print(f"  read_calendar                      {adapter * 1000:8.2f} ms")
        print(
            f"  adapter overhead                   {overhead:+8.1%}  "
            f"(budget +{BUDGET:.0%}: {'ok' if ok else 'EXCEEDED'})"
        )
        print(
            f"  diff of {WEEKS} against {WEEKS - 1} stays"
            f"      {checking * 1000:8.2f} ms"
        )
    # Timings never fail the script (benchmarks/README.md): the verdict is printed.
    print(f"\nverdict: {'over budget' if failed else 'within budget'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
