"""Benchmark of the diff and report (issue 2, "Performance").

Run with ``uv run python benchmarks/bench_diff.py`` (the full run, a minute or two)
or ``uv run python benchmarks/bench_diff.py --quick`` (a few seconds, for CI).

Three implementations answer the same question on the same already-constructed
:class:`~confirmcheck.Stay` objects:

* **baseline**: a bare sorted sweep over ``(start, end)`` ordinals that computes only
  the missing room-nights (no room types, no stay numbers, no report);
* **portion**: per requested stay, the not-booked nights, written naturally with the
  ``portion`` interval library (an ``IntervalDict`` of free confirmed rooms per
  night, used up stay by stay; room types ignored, which only makes it faster);
* **confirmcheck**: ``confirmcheck.diff.diff`` producing the whole :class:`Report`.

For the story a fourth, the **yardstick**, runs too (information, not a diff):
identical stays paired in a dict and the report's result objects made, nothing
else, to show how much of the budget a report of objects takes by itself.

All of them must agree on the total of not-booked room-nights: a benchmark that
compares different answers measures nothing, so a disagreement is an error (exit 1).
Timings never make the script fail; the PASS/FAIL column is information.

Data are generated deterministically (seeded ``random``): requested stays of 1 to
10 nights (about 4.7 on average) over three years, some with several rooms, most
with a room type; the confirmation repeats the requests except for about 5% left
out, some booked as another room type, some shortened, some with fewer rooms, a
few extended by a night and a few stays nobody asked for, in another order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

import portion

from confirmcheck.diff import diff
from confirmcheck.readers import load_stays
from confirmcheck.report import (
    Range,
    Report,
    Status,
    StayResult,
    new_range,
    new_report,
    new_stay_result,
    new_totals,
)
from confirmcheck.stay import Stay, expand

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "examples" / "story"

#: The targets of issue 2.
MAX_RATIO_TO_BASELINE = 3.0
MIN_SPEEDUP_OVER_PORTION = 10.0
MAX_PEAK_MB = 300.0

T = TypeVar("T")

# --- data -------------------------------------------------------------------------

_LENGTHS = tuple(range(1, 11))
_LENGTH_WEIGHTS = (12, 14, 14, 12, 11, 10, 8, 7, 6, 6)  # mean 4.71 nights
_TYPES = (None, "single", "double", "twin", "suite")
_TYPE_WEIGHTS = (20, 30, 35, 10, 5)
_START = dt.date(2026, 1, 1)
_SPAN_DAYS = 3 * 365
#: The large case: this many requested stays over _SPAN_DAYS days.
REFERENCE_STAYS = 100_000


def _span_for(count: int) -> int:
    """Days over which ``count`` stays have the density of the large case."""
    return max(1, round(_SPAN_DAYS * count / REFERENCE_STAYS))


def _random_stay(rng: random.Random, ref: str, span_days: int) -> Stay:
    nights = rng.choices(_LENGTHS, _LENGTH_WEIGHTS)[0]
    check_in = _START + dt.timedelta(days=rng.randrange(span_days))
    return Stay(
        check_in,
        check_in + dt.timedelta(days=nights),
        rooms=rng.choices((1, 2, 3), (90, 8, 2))[0],
        room_type=rng.choices(_TYPES, _TYPE_WEIGHTS)[0],
        guests=None if rng.random() < 0.4 else rng.randint(1, 3),
        ref=ref,
    )


def make_stays(
    count: int, *, seed: int = 2026, span_days: int = _SPAN_DAYS
) -> tuple[list[Stay], list[Stay]]:
    """``count`` requested stays over ``span_days`` and a confirmation of them."""
    rng = random.Random(seed)
    requested = [_random_stay(rng, f"R-{i:06d}", span_days) for i in range(count)]
    confirmed: list[Stay] = []
    one_night = dt.timedelta(days=1)
    for index, stay in enumerate(requested):
        ref = f"H-{index:06d}"
        roll = rng.random()
        if roll < 0.05:  # left out: the hotel was full
            continue
        if roll < 0.07:  # another room type
            other = rng.choice([t for t in _TYPES[1:] if t != stay.room_type])
            confirmed.append(_replace(stay, ref=ref, room_type=other))
        elif roll < 0.09 and stay.nights > 1:  # shortened
            cut = rng.randint(1, stay.nights - 1)
            confirmed.append(
                _replace(stay, ref=ref, check_out=stay.check_out - cut * one_night)
            )
        elif roll < 0.10 and stay.rooms > 1:  # fewer rooms
            confirmed.append(_replace(stay, ref=ref, rooms=stay.rooms - 1))
        elif roll < 0.105:  # an extra night nobody asked for
            confirmed.append(
                _replace(stay, ref=ref, check_out=stay.check_out + one_night)
            )
        else:
            confirmed.append(_replace(stay, ref=ref))
    extras = max(1, count // 200)  # stays nobody asked for
    confirmed.extend(_random_stay(rng, f"X-{i:06d}", span_days) for i in range(extras))
    rng.shuffle(confirmed)
    return requested, confirmed


def _replace(stay: Stay, **changes: Any) -> Stay:
    fields: dict[str, Any] = {
        "check_in": stay.check_in,
        "check_out": stay.check_out,
        "rooms": stay.rooms,
        "room_type": stay.room_type,
        "guests": stay.guests,
        "ref": stay.ref,
    }
    fields.update(changes)
    return Stay(fields.pop("check_in"), fields.pop("check_out"), **fields)


def story_stays() -> tuple[list[Stay], list[Stay]]:
    """The story's 20-week series and its confirmation, as Stay objects."""
    requested = load_stays(STORY / "requested.json").stays
    confirmed = load_stays(STORY / "confirmed.json").stays
    return expand(requested), expand(confirmed)


# --- the three implementations ----------------------------------------------------


def baseline_missing(
    requested: Sequence[Stay], confirmed: Sequence[Stay]
) -> list[tuple[int, int, int]]:
    """The bare sweep: ``(start, end, rooms)`` ordinal ranges of missing rooms."""
    events: list[tuple[int, int]] = []
    for s in requested:
        events.append((s.check_in.toordinal(), s.rooms))
        events.append((s.check_out.toordinal(), -s.rooms))
    for s in confirmed:
        events.append((s.check_in.toordinal(), -s.rooms))
        events.append((s.check_out.toordinal(), s.rooms))
    events.sort()
    missing: list[tuple[int, int, int]] = []
    balance = 0  # requested minus confirmed rooms on the current night
    previous = 0
    for day, change in events:
        if day != previous and balance > 0:
            if missing and missing[-1][1] == previous and missing[-1][2] == balance:
                missing[-1] = (missing[-1][0], day, balance)
            else:
                missing.append((previous, day, balance))
        balance += change
        previous = day
    return missing


def portion_not_booked(
    requested: Sequence[Stay], confirmed: Sequence[Stay]
) -> dict[int, list[tuple[dt.date, dt.date, int]]]:
    """Per requested stay (0-based), its not-booked nights, with ``portion``."""
    free: portion.IntervalDict = portion.IntervalDict()
    for c in confirmed:
        rooms = portion.IntervalDict(
            {portion.closedopen(c.check_in, c.check_out): c.rooms}
        )
        free = free.combine(rooms, how=lambda a, b: a + b)
    out: dict[int, list[tuple[dt.date, dt.date, int]]] = {}
    for index, s in enumerate(requested):
        nights = portion.closedopen(s.check_in, s.check_out)
        have = free[nights]
        missing = [(i, s.rooms) for i in nights - have.domain()]
        for interval, rooms in have.items():
            if rooms < s.rooms:
                missing.append((interval, s.rooms - rooms))
            free[interval] = max(rooms - s.rooms, 0)
        if missing:
            out[index] = [
                (atomic.lower, atomic.upper, rooms)
                for interval, rooms in missing
                for atomic in interval
            ]
    return out


def pairs_and_objects_only(
    requested: Sequence[Stay], confirmed: Sequence[Stay]
) -> Report:
    """Not a diff: the least any report-making diff does for the story, as a
    yardstick. It pairs identical stays in a dict and makes the report's result
    objects with the library's fast builders; no room counts, no shared keys, no
    night-by-night matching, no case-folding. Right for the story only."""
    fields = attrgetter("check_in", "check_out", "room_type", "guests")
    first: dict[tuple[object, ...], int] = {}
    for j, c in enumerate(confirmed):
        first.setdefault(fields(c), j)
    booked: list[Range] = []
    not_booked: list[Range] = []
    stays: list[StayResult] = []
    nights = room_nights = missing = 0
    for i, s in enumerate(requested):
        n = (s.check_out - s.check_in).days
        nights += n
        room_nights += n * s.rooms
        g = first.get(fields(s))
        if g is not None:
            c = confirmed[g]
            booked.append(
                new_range(
                    i + 1, s.check_in, s.check_out, s.rooms, c.room_type, c.guests
                )
            )
            status = Status.BOOKED
        else:
            not_booked.append(
                new_range(
                    i + 1, s.check_in, s.check_out, s.rooms, s.room_type, s.guests
                )
            )
            missing += n * s.rooms
            status = Status.NOT_BOOKED
        stays.append(
            new_stay_result(
                i + 1,
                s.check_in,
                s.check_out,
                s.rooms,
                s.room_type,
                s.guests,
                s.ref,
                status,
            )
        )
    totals = new_totals(
        len(stays),
        nights,
        room_nights,
        room_nights - missing,
        0,
        missing,
        0,
        len(booked),
        0,
        0,
        len(not_booked),
    )
    return new_report(tuple(stays), tuple(booked), (), tuple(not_booked), (), totals)


# --- the checks that the answers agree -------------------------------------------


def baseline_total(missing: list[tuple[int, int, int]]) -> int:
    return sum((end - start) * rooms for start, end, rooms in missing)


def portion_total(missing: dict[int, list[tuple[dt.date, dt.date, int]]]) -> int:
    return sum(
        (end - start).days * rooms
        for ranges in missing.values()
        for start, end, rooms in ranges
    )


def report_total(report: Report) -> int:
    return report.totals.not_booked_room_nights


# --- timing -----------------------------------------------------------------------


@dataclass
class Timing:
    """Best time of some repeats of one implementation on one case."""

    seconds: float
    total: int  # not-booked room-nights: the answers must agree


def best_of(
    run: Callable[[], T], total: Callable[[T], int], repeats: int, *, inner: int = 1
) -> Timing:
    """Best of ``repeats`` rounds of ``inner`` calls, garbage collected between."""
    best = float("inf")
    result = 0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(inner):
            value = run()
        best = min(best, (time.perf_counter() - start) / inner)
        result = total(value)
    return Timing(best, result)


@dataclass
class Case:
    """One input and the timings of the implementations that ran on it."""

    name: str
    requested: list[Stay]
    confirmed: list[Stay]
    timings: dict[str, Timing]


def run_case(
    name: str,
    requested: list[Stay],
    confirmed: list[Stay],
    *,
    repeats: int,
    inner: int = 1,
    with_portion: bool,
    portion_repeats: int = 1,
    with_yardstick: bool = False,
) -> Case:
    """Time the implementations on one input, interleaved so load hits all alike."""
    timings: dict[str, Timing] = {}
    runners: list[tuple[str, Callable[[], Any], Callable[[Any], int]]] = [
        ("baseline", lambda: baseline_missing(requested, confirmed), baseline_total),
        ("confirmcheck", lambda: diff(requested, confirmed), report_total),
    ]
    if with_yardstick:
        runners.append(
            (
                "yardstick",
                lambda: pairs_and_objects_only(requested, confirmed),
                report_total,
            )
        )
    for _ in range(repeats):
        for label, run, total in runners:
            timing = best_of(run, total, 1, inner=inner)
            if label not in timings or timing.seconds < timings[label].seconds:
                timings[label] = timing
    if with_portion:
        timings["portion"] = best_of(
            lambda: portion_not_booked(requested, confirmed),
            portion_total,
            portion_repeats,
        )
    return Case(name, requested, confirmed, timings)


def gc_paused(
    requested: list[Stay], confirmed: list[Stay], *, repeats: int
) -> dict[str, float]:
    """Best times with the cyclic garbage collector off (information only)."""
    best = {"baseline": float("inf"), "confirmcheck": float("inf")}
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            baseline_missing(requested, confirmed)
            middle = time.perf_counter()
            diff(requested, confirmed)
            end = time.perf_counter()
        finally:
            gc.enable()
        best["baseline"] = min(best["baseline"], middle - start)
        best["confirmcheck"] = min(best["confirmcheck"], end - middle)
    return best


# --- memory -----------------------------------------------------------------------


def measure_memory(count: int) -> dict[str, float]:
    """Peak memory of a diff of ``count`` stays, measured in a fresh interpreter."""
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def memory_child(count: int) -> None:
    """In the child: generate the stays, diff them, print the peaks as JSON.

    ``peak_mb`` is the whole process at its peak (interpreter, stays, report),
    ``before_mb`` the process's peak before the diff (generating the stays), and
    ``diff_peak_mb`` what tracemalloc sees allocated at the peak of a second diff
    call alone (tracemalloc's own overhead would blur the first figure).
    """
    import tracemalloc

    requested, confirmed = make_stays(count)
    gc.collect()
    before = _peak_rss_mb()
    report = diff(requested, confirmed)
    peak = _peak_rss_mb()
    ranges = len(report.booked) + len(report.not_booked)
    del report
    gc.collect()
    tracemalloc.start()
    diff(requested, confirmed)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "before_mb": before,
                "peak_mb": peak,
                "diff_peak_mb": traced / 1e6,
                "ranges": ranges,
            }
        )
    )


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    try:
        # Linux: the high-water mark of this program's own memory. ru_maxrss would
        # also count the parent's memory at the fork that started this process.
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return maxrss / 1e6 if sys.platform == "darwin" else maxrss / 1e3


# --- report -----------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_table(cases: list[Case], memory: dict[str, float] | None) -> bool:
    """Print the results; returns False if the implementations disagree."""
    agree = True
    header = (
        f"{'case':<34} {'baseline':>10} {'portion':>10} {'confirmcheck':>12} "
        f"{'cc/base':>8} {'portion/cc':>10}  targets"
    )
    print(header)
    print("-" * len(header))
    for case in cases:
        t = case.timings
        base, cc = t["baseline"], t["confirmcheck"]
        port = t.get("portion")
        totals = {label: timing.total for label, timing in t.items()}
        if len(set(totals.values())) != 1:
            agree = False
        ratio = cc.seconds / base.seconds
        within = ratio <= MAX_RATIO_TO_BASELINE
        verdicts = [f"<= {MAX_RATIO_TO_BASELINE:g}x base {_verdict(within)}"]
        speedup = ""
        if port is not None:
            gain = port.seconds / cc.seconds
            speedup = f"{gain:9.0f}x"
            verdicts.append(
                f">= {MIN_SPEEDUP_OVER_PORTION:g}x portion "
                f"{_verdict(gain >= MIN_SPEEDUP_OVER_PORTION)}"
            )
        print(
            f"{case.name:<34} {_secs(base.seconds):>10} "
            f"{_secs(port.seconds) if port else '-':>10} {_secs(cc.seconds):>12} "
            f"{ratio:7.2f}x {speedup:>10}  {', '.join(verdicts)}"
        )
    if memory is not None:
        print(
            f"peak memory, large case: {memory['peak_mb']:.0f} MB for the whole "
            f"process (VmHWM; {memory['before_mb']:.0f} MB before the diff; the "
            f"diff's own allocations peak at {memory['diff_peak_mb']:.0f} MB, "
            "tracemalloc) -- "
            f"< {MAX_PEAK_MB:g} MB {_verdict(memory['peak_mb'] < MAX_PEAK_MB)}"
        )
    for case in cases:
        totals = {label: timing.total for label, timing in case.timings.items()}
        state = "agree" if len(set(totals.values())) == 1 else "DISAGREE"
        print(f"not-booked room-nights, {case.name}: {totals} ({state})")
    return agree


def _secs(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def describe(requested: Sequence[Stay], confirmed: Sequence[Stay]) -> str:
    nights = sum(s.nights for s in requested)
    return (
        f"{len(requested):,} requested stays ({nights:,} nights, "
        f"{nights / max(1, len(requested)):.2f} on average), "
        f"{len(confirmed):,} confirmed"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a small, bounded run (a few seconds)"
    )
    parser.add_argument(
        "--stays", type=int, default=None, help="requested stays in the large case"
    )
    parser.add_argument(
        "--portion-stays",
        type=int,
        default=None,
        help="requested stays in the case that portion runs on too",
    )
    parser.add_argument("--repeats", type=int, default=None, help="best of N")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.memory_child is not None:
        memory_child(options.memory_child)
        return 0
    quick = options.quick
    stays = options.stays or (10_000 if quick else 100_000)
    portion_stays = options.portion_stays or (200 if quick else 2_000)
    repeats = options.repeats or (3 if quick else 5)

    print(
        f"confirmcheck diff benchmark: Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
        + (" -- QUICK run, not the figures of record" if quick else "")
    )
    story = story_stays()
    small = make_stays(portion_stays, span_days=_span_for(portion_stays))
    large = make_stays(stays)
    print(f"story: {describe(*story)}")
    print(
        f"portion case: {describe(*small)}, over {_span_for(portion_stays)} days "
        f"(the density of {REFERENCE_STAYS:,} stays over {_SPAN_DAYS} days)"
    )
    print(f"large case: {describe(*large)}, over {_SPAN_DAYS} days")
    print(
        "portion is quadratic here (2,000 stays take seconds, 4,000 four times "
        "that), so it runs on the smaller case only; all three run on that case."
    )
    print()
    cases = [
        run_case(
            "story (20 stays)",
            *story,
            repeats=repeats,
            inner=200,
            with_portion=True,
            portion_repeats=3,
            with_yardstick=True,
        ),
        run_case(
            f"portion case ({portion_stays:,} stays)",
            *small,
            repeats=repeats,
            inner=max(1, 20_000 // portion_stays),
            with_portion=True,
        ),
        run_case(
            f"large case ({stays:,} stays)", *large, repeats=repeats, with_portion=False
        ),
    ]
    memory = None if quick else measure_memory(stays)
    agree = print_table(cases, memory)
    story_case = cases[0].timings
    floor, base = story_case["yardstick"].seconds, story_case["baseline"].seconds
    print(
        "for reference, the story's yardstick (identical stays paired in a dict and "
        f"the report's {2 * len(story[0])} result objects made, nothing else; "
        f"interleaved with the rest): {_secs(floor)} ({floor / base:.2f}x base)"
    )
    paused = gc_paused(*large, repeats=repeats)
    ratio = paused["confirmcheck"] / paused["baseline"]
    print(
        "for reference, the large case with the cyclic garbage collector paused: "
        f"confirmcheck {_secs(paused['confirmcheck'])}, baseline "
        f"{_secs(paused['baseline'])} ({ratio:.2f}x); the report's objects make "
        "the collector run, the baseline's tuples do not"
    )
    if not agree:
        print("error: the implementations disagree on the not-booked room-nights")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
