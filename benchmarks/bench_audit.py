"""Benchmark of ``confirmcheck audit`` over two large exports (issue 15).

Run with ``uv run python benchmarks/bench_audit.py`` (1,000,000 keys: several
minutes, most of them in the one-by-one baseline), ``--keys 200000`` for a
shorter run of record, or ``--quick`` (10,000 keys, for CI: it does not judge).

Generated exports (``tests/exports.py``, seeded): one stay per key, 5% two, of
1-8 nights (about 4.7 nights a key), 5% of the keys with a night missing in the
confirmation and 2% with another room type. Measured in the same run:

* **bitmap**: the yardstick -- numpy computes only the missing nights: a bitmap
  of (key, day) for each side, requested and not confirmed, counted per key.
  The nights are prepared beforehand; only the arithmetic is timed.
* **I/O**: Polars reads both CSV exports (every field as text) and writes the
  audit's million result lines again, nothing else: the floor of any audit that
  reads these files and writes these lines.
* **one by one**: load both sides from JSON (one stays object per line), ``diff``
  each key, write each report as one JSON line: what auditing took before.
* **audit**: the command, as a user runs it, in its own process: read the CSV
  exports, match, write JSON Lines: ``--jobs 1``, ``--jobs 2``, ``--engine dask``
  (a local cluster of 2 workers), ``--jobs 1`` on 10,000 keys for the growth, and
  ``--jobs 1`` on the same exports shuffled (sorted in memory, not streamed).

The bitmap, the I/O and each audit run ``--rounds`` times (3), interleaved, and
the best run of each is kept: on a shared machine the speed drifts within
minutes, and the ratios must not measure that. Run it after
``uv sync --compile-bytecode`` (see benchmarks/README.md): a process that
compiles Polars and Dask from source at start-up measures what no installed copy
pays.

Wall-clock seconds are what the budgets are judged on; the CPU seconds (of the
command and every process it started) are printed too, since on a shared machine
the wall clock also measures the neighbours.

The audit and the one-by-one path must find the same NOT BOOKED room-nights,
and the bitmap about as many keys with a night missing: a benchmark comparing
different answers measures nothing, so a disagreement exits 1. A budget missed
is reported as "over budget"; timings never fail the script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from confirmcheck import Series, Stay, diff, report_to_json  # noqa: E402
from confirmcheck.readers.json import parse_json, read_stays_file  # noqa: E402
from tests.exports import FIRST_DAY, generate, write_exports  # noqa: E402

DAYS = 400  # check-ins within a year, stays of up to 8 nights


def bitmap_missing_keys(
    keys: int, requested: np.ndarray, confirmed: np.ndarray
) -> tuple[float, int]:
    """Seconds, and how many keys miss a night: (key, day) codes of each side's
    nights set in a bitmap, requested and not confirmed counted per key."""
    start = time.perf_counter()  # one thread: its wall time is its CPU time
    asked = np.zeros(keys * DAYS, dtype=bool)
    given = np.zeros(keys * DAYS, dtype=bool)
    asked[requested] = True
    given[confirmed] = True
    missing = np.flatnonzero(asked & ~given) // DAYS
    per_key = np.bincount(missing, minlength=keys)
    found = int(np.count_nonzero(per_key))
    return time.perf_counter() - start, found


def night_codes(keys: int) -> tuple[np.ndarray, np.ndarray]:
    sides: tuple[list[int], list[int]] = ([], [])
    for index, reservation in enumerate(generate(keys)):
        for side, stays in enumerate((reservation.requested, reservation.confirmed)):
            for stay in stays:
                first = (stay.check_in - FIRST_DAY).days
                sides[side].extend(
                    index * DAYS + day for day in range(first, first + stay.nights)
                )
    return np.array(sides[0], dtype=np.int64), np.array(sides[1], dtype=np.int64)


def io_floor(requested: Path, confirmed: Path, results: Path, out: Path) -> float:
    """Seconds to read both CSV exports (every field as text) and write the
    audit's result lines again, with Polars and nothing else: what any audit
    that reads these files and writes these lines pays before it matches a key."""
    import polars as pl

    from confirmcheck.bulk.results import RESULT_SCHEMA

    lines = pl.read_ndjson(results, schema=RESULT_SCHEMA)
    start = time.perf_counter()
    for path in (requested, confirmed):
        pl.read_csv(path, infer_schema=False)
    lines.write_ndjson(out)
    return time.perf_counter() - start


def one_by_one(requested: Path, confirmed: Path, out: Path) -> tuple[float, float, int]:
    """Seconds, CPU seconds and the NOT BOOKED room-nights of the path before
    the audit."""
    start, cpu = time.perf_counter(), time.process_time()
    sides: defaultdict[str, tuple[list[Stay | Series], list[Stay | Series]]]
    sides = defaultdict(lambda: ([], []))
    for side, path in enumerate((requested, confirmed)):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                value = parse_json(line)
                key = value.pop("key")
                sides[key][side].extend(read_stays_file(value).stays)
    not_booked = 0
    with out.open("w", encoding="utf-8") as handle:
        for key in sorted(sides):
            report = diff(*sides[key])
            not_booked += report.totals.not_booked_room_nights
            handle.write(f'{{"key": {json.dumps(key)}, "report": ')
            handle.write(report_to_json(report, indent=None) + "}\n")
    return time.perf_counter() - start, time.process_time() - cpu, not_booked


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    """CPU seconds of the command and every process it started."""
    peak: float
    """MiB, of the largest of those processes."""
    not_booked: int
    keys_not_booked: int


def run_audit(requested: Path, confirmed: Path, out: Path, *options: str) -> Run:
    """The command, in a process of its own, and what it found."""
    command = [
        *(sys.executable, "-m", "confirmcheck", "audit"),
        *(str(requested), str(confirmed), "--out", str(out), "--quiet", *options),
    ]
    # A wrapper process, so that its children's peak is this run's alone.
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "status = subprocess.run(sys.argv[1:]).returncode\n"
        "seconds = time.perf_counter() - start\n"
        "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(seconds, used.ru_utime + used.ru_stime, used.ru_maxrss, status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seconds, cpu, peak_kib, status = done.stdout.split()
    if int(status) not in (0, 1):
        sys.exit(f"audit failed ({status}): {done.stderr}")
    not_booked = keys = 0
    with out.open(encoding="utf-8") as handle:
        for line in handle:
            nights = json.loads(line)["not_booked_room_nights"] or 0
            not_booked += nights
            keys += nights > 0
    return Run(float(seconds), float(cpu), int(peak_kib) / 1024, not_booked, keys)


def judge(name: str, ok: bool, quick: bool) -> str:
    if quick:
        return f"{name}: (quick mode: not judged)"
    return f"{name}: {'within budget' if ok else 'over budget'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="10,000 keys; no verdict")
    parser.add_argument("--data", type=Path, help="keep the exports in this folder")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each audit; the best is kept"
    )
    options = parser.parse_args()
    if options.data is not None:
        return run(options, options.data)
    # Generated exports are hundreds of MB: gone when the run ends.
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        return run(options, Path(folder))


def run(options: argparse.Namespace, folder: Path) -> int:
    keys = 10_000 if options.quick else options.keys
    small = min(10_000, keys // 10)
    print(
        f"bench_audit: {keys:,} keys, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    paths = {}
    for name, count, format, shuffle in [
        ("csv", keys, "csv", None),
        ("unsorted", keys, "csv", 1),
        ("json", keys, "stays", None),
        ("small", small, "csv", None),
    ]:
        paths[name] = write_exports(
            folder / name, generate(count), format=format, shuffle=shuffle
        )
    requested_codes, confirmed_codes = night_codes(keys)
    print(f"nights requested: {requested_codes.size:,}")

    runs: dict[str, Run] = {}
    bitmaps: list[tuple[float, int]] = []
    floors: list[float] = []

    def audit(name: str, which: str, *args: str) -> None:
        exports = paths[which]
        found = run_audit(
            exports.requested, exports.confirmed, folder / f"{name}.jsonl", *args
        )
        if name not in runs or found.seconds < runs[name].seconds:
            runs[name] = found

    steps: list[Callable[[], None]] = [
        lambda: bitmaps.extend(
            bitmap_missing_keys(keys, requested_codes, confirmed_codes)
            for _ in range(3)
        ),
        lambda: audit("jobs 1", "csv", "--jobs", "1"),
        lambda: audit("jobs 2", "csv", "--jobs", "2"),
        lambda: audit("dask", "csv", "--engine", "dask", "--jobs", "2"),
        lambda: audit("small", "small", "--jobs", "1"),
        lambda: audit("unsorted", "unsorted", "--jobs", "1"),
        lambda: floors.append(
            io_floor(
                paths["csv"].requested,
                paths["csv"].confirmed,
                folder / "jobs 1.jsonl",
                folder / "floor.jsonl",
            )
        ),
    ]
    # Interleaved rounds, the best of each kept: a shared machine's speed drifts
    # by a third within minutes (the bitmap too: from 0.16 s to 0.29 s), and no
    # ratio must measure that drift.
    for _round in range(1 if options.quick else options.rounds):
        for step in steps:
            step()
    bitmap, bitmap_keys = min(bitmaps, key=lambda found: found[0])
    floor = min(floors)
    exports = paths["json"]
    slow, slow_cpu, slow_not_booked = one_by_one(
        exports.requested, exports.confirmed, folder / "one-by-one.jsonl"
    )

    print(f"{'path':<28}{'seconds':>9}{'CPU s':>8}{'peak MiB':>10}{'x bitmap':>10}")
    print(
        f"{'bitmap (missing nights)':<28}{bitmap:>9.3f}{bitmap:>8.3f}{'':>10}{1:>10.1f}"
    )
    print(
        f"{'I/O: read CSV, write lines':<28}{floor:>9.2f}{'':>8}{'':>10}"
        f"{floor / bitmap:>10.1f}"
    )
    print(
        f"{'one by one (JSON, diff)':<28}{slow:>9.2f}{slow_cpu:>8.2f}{'':>10}"
        f"{slow / bitmap:>10.1f}"
    )
    for name, run in runs.items():
        label = f"audit {name}" + (f" ({small:,} keys)" if name == "small" else "")
        label += " (--jobs 1)" if name == "unsorted" else ""
        print(
            f"{label:<28}{run.seconds:>9.2f}{run.cpu:>8.2f}{run.peak:>10.0f}"
            f"{run.seconds / bitmap:>10.1f}"
        )

    failed = False
    for name, run in runs.items():
        if name != "small" and run.not_booked != slow_not_booked:
            print(
                f"DISAGREE: audit {name} finds {run.not_booked} NOT BOOKED "
                f"room-nights, one by one {slow_not_booked}"
            )
            failed = True
    # The bitmap knows nothing of rooms: a night still held by another room of
    # the key is not missing to it. Close, not equal.
    print(
        f"keys with a night not booked: audit {runs['jobs 1'].keys_not_booked:,}, "
        f"bitmap (a night no room covers) {bitmap_keys:,}"
    )

    one, two = runs["jobs 1"].seconds, runs["jobs 2"].seconds
    growth = math.log(one / runs["small"].seconds) / math.log(keys / small)
    speedup = one / two
    dask = runs["dask"].seconds / two
    print()
    print(
        f"audit --jobs 2 (the default here) / bitmap: {two / bitmap:.1f}x (budget: 20x)"
    )
    print(f"audit --jobs 1 / bitmap: {one / bitmap:.1f}x")
    print(
        f"of which reading the CSVs and writing the lines alone: {floor / bitmap:.1f}x"
    )
    print(f"one by one / audit --jobs 2: {slow / two:.1f}x (budget: at least 10x)")
    print(f"one by one / audit --jobs 1: {slow / one:.1f}x")
    print(f"peak memory, --jobs 1: {runs['jobs 1'].peak:.0f} MiB (budget: 1024 MiB)")
    print(f"--jobs 2 speed-up: {speedup:.2f}x (budget: at least 1.6x)")
    print(f"dask local / --jobs 2: {dask:.2f}x (budget: at most 1.5x)")
    print(f"growth {small:,} -> {keys:,} keys: exponent {growth:.2f} (budget: 1.1)")
    quick = options.quick
    for line in (
        judge("audit vs bitmap", two / bitmap <= 20, quick),
        judge("audit vs one by one", slow / two >= 10, quick),
        judge("peak memory", runs["jobs 1"].peak <= 1024, quick),
        judge("--jobs 2", speedup >= 1.6, quick),
        judge("dask", dask <= 1.5, quick),
        judge("growth", growth <= 1.1, quick),
    ):
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
