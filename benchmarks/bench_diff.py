"""Benchmark of the diff and report against its budget (issue 9).

Run with ``uv run python benchmarks/bench_diff.py`` (the figures of record, a
minute or two) or ``uv run python benchmarks/bench_diff.py --quick`` (seconds,
for CI: it checks that the script works and does not judge the budget).

Budget: ``confirmcheck.diff`` producing the whole :class:`Report` for 100,000
requested stays (about 470,000 nights)

* takes at most 8x a **baseline**: a bare sorted sweep over ``(start, end)``
  ordinals that computes only the missing room-nights (no room types, no stay
  numbers, no report);
* is at least 50x faster than **portion**: per requested stay, its not-booked
  nights, written naturally with the ``portion`` interval library (quadratic at
  this density, so it runs on 2,000 stays with the density of the large case;
  the ratio is taken there);
* peaks under 300 MB (the whole process, measured in a fresh interpreter).

Each case runs its implementations in turn, several rounds (interleaved, so a
busy machine slows them alike), and compares medians. All must agree on the
total of not-booked room-nights, or the script exits 1; timings never fail it.

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
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import portion

from confirmcheck.diff import diff
from confirmcheck.stay import Stay

MAX_RATIO_TO_BASELINE = 8.0
MIN_SPEEDUP_OVER_PORTION = 50.0
MAX_PEAK_MB = 300.0

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


# --- the implementations -----------------------------------------------------


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


# --- timing -----------------------------------------------------------------------

Runner = tuple[str, Callable[[], Any], Callable[[Any], int]]


def medians(runners: list[Runner], rounds: int) -> dict[str, tuple[float, int]]:
    """Median seconds of each runner over ``rounds`` interleaved rounds, and the
    not-booked room-nights it found (the answers must agree)."""
    times: dict[str, list[float]] = {label: [] for label, _, _ in runners}
    totals: dict[str, int] = {}
    for _ in range(rounds):
        for label, run, total in runners:
            gc.collect()
            start = time.perf_counter()
            value = run()
            times[label].append(time.perf_counter() - start)
            totals[label] = total(value)
            del value
    return {label: (statistics.median(times[label]), totals[label]) for label in times}


def baseline_total(missing: list[tuple[int, int, int]]) -> int:
    return sum((end - start) * rooms for start, end, rooms in missing)


def portion_total(missing: dict[int, list[tuple[dt.date, dt.date, int]]]) -> int:
    return sum(
        (end - start).days * rooms
        for ranges in missing.values()
        for start, end, rooms in ranges
    )


def report_total(report: Any) -> int:
    return int(report.totals.not_booked_room_nights)


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
    del report
    gc.collect()
    tracemalloc.start()
    diff(requested, confirmed)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"before_mb": before, "peak_mb": peak, "diff_peak_mb": traced / 1e6}
    print(json.dumps(result))


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


# --- output -----------------------------------------------------------------------


def _secs(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _judge(ok: bool, quick: bool) -> str:
    if quick:
        return "not judged (quick run)"
    return "within budget" if ok else "over budget"


def describe(requested: Sequence[Stay], confirmed: Sequence[Stay]) -> str:
    nights = sum(s.nights for s in requested)
    return (
        f"{len(requested):,} requested stays ({nights:,} nights), "
        f"{len(confirmed):,} confirmed"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a small run for CI; does not judge"
    )
    parser.add_argument("--stays", type=int, help="requested stays in the large case")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per case")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.memory_child is not None:
        memory_child(options.memory_child)
        return 0
    quick = options.quick
    stays = options.stays or (5_000 if quick else REFERENCE_STAYS)
    small_stays = 200 if quick else 2_000
    rounds = options.rounds or (3 if quick else 7)
    print(
        f"confirmcheck diff benchmark: Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"medians of {rounds} interleaved rounds"
        + (
            " -- QUICK run: checks the script, does not judge the budget"
            if quick
            else ""
        )
    )
    small = make_stays(small_stays, span_days=_span_for(small_stays))
    large = make_stays(stays)
    print(f"portion case: {describe(*small)}, over {_span_for(small_stays)} days")
    print(f"large case: {describe(*large)}, over {_SPAN_DAYS} days")
    agree = True

    def runners(requested: list[Stay], confirmed: list[Stay]) -> list[Runner]:
        return [
            (
                "baseline",
                lambda: baseline_missing(requested, confirmed),
                baseline_total,
            ),
            ("confirmcheck", lambda: diff(requested, confirmed), report_total),
        ]

    port = (
        "portion",
        lambda: portion_not_booked(*small),
        portion_total,
    )
    small_times = medians([*runners(*small), port], max(3, rounds // 2))
    large_times = medians(runners(*large), rounds)
    for name, found in (("portion case", small_times), ("large case", large_times)):
        totals = {label: total for label, (_, total) in found.items()}
        agree &= len(set(totals.values())) == 1
        timing = ", ".join(f"{label} {_secs(t)}" for label, (t, _) in found.items())
        print(f"{name}: {timing}; not-booked room-nights {totals}")
    ratio = large_times["confirmcheck"][0] / large_times["baseline"][0]
    speedup = small_times["portion"][0] / small_times["confirmcheck"][0]
    print(
        f"large case, confirmcheck / baseline: {ratio:.2f}x "
        f"(budget <= {MAX_RATIO_TO_BASELINE:g}x: "
        f"{_judge(ratio <= MAX_RATIO_TO_BASELINE, quick)})"
    )
    print(
        f"portion case, portion / confirmcheck: {speedup:.0f}x "
        f"(budget >= {MIN_SPEEDUP_OVER_PORTION:g}x: "
        f"{_judge(speedup >= MIN_SPEEDUP_OVER_PORTION, quick)})"
    )
    memory = measure_memory(stays)
    low = memory["peak_mb"] < MAX_PEAK_MB
    print(
        f"peak memory, large case: {memory['peak_mb']:.0f} MB for the whole process "
        f"(VmHWM; {memory['before_mb']:.0f} MB before the diff; the diff's own "
        f"allocations peak at {memory['diff_peak_mb']:.0f} MB, tracemalloc) "
        f"(budget < {MAX_PEAK_MB:g} MB: {_judge(low, quick)})"
    )
    if not agree:
        print("error: the implementations disagree on the not-booked room-nights")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
