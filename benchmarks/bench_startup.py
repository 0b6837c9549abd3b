"""Benchmark of the command line's cold start (issue 9's budget: at most 10x
``python -c pass``).

Run with ``uv run python benchmarks/bench_startup.py`` (``--quick`` for a few
rounds that judge nothing). It times, as the median of N rounds in which the
commands take turns (so that a busy moment slows all of them alike), fresh
processes each:

* ``python -c pass`` -- the interpreter alone, the floor;
* ``python -c "import confirmcheck"`` -- the library's import;
* ``confirmcheck check examples/story/requested.json examples/story/confirmed.json``
  -- the whole command on the story (the console script of this environment, run
  directly, so that ``uv run``'s own start is not counted);

and checks with ``python -X importtime`` that ``import confirmcheck`` pulls in
none of the heavy stacks (Flask/Werkzeug, icalendar/recurring_ical_events,
Babel), listing the slowest imports it does make. A heavy module imported is an
error (exit 1); timings never fail the run: a missed budget is reported as
"over budget", with the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "examples" / "story"

#: Top-level modules ``import confirmcheck`` must not import.
HEAVY = ("flask", "werkzeug", "icalendar", "recurring_ical_events", "babel")

#: Exit codes of ``confirmcheck check``: 0 all booked, 1 something differs.
_CHECK_OK = (0, 1)

#: ``confirmcheck check`` on the story may take this many times ``python -c pass``.
BUDGET = 10.0


def _console_script() -> list[str]:
    """The ``confirmcheck`` console script of the running environment."""
    bindir = Path(sys.executable).parent
    for name in ("confirmcheck", "confirmcheck.exe"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    # Not installed as a script: the same entry point through the interpreter.
    return [sys.executable, "-c", "from confirmcheck.cli import run; run()"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte code may be cached, as usual
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def time_once(command: Sequence[str]) -> tuple[float, int]:
    """Wall-clock seconds of one run of ``command``, and its exit code."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=_env(), check=False)
    return time.perf_counter() - start, done.returncode


def time_interleaved(
    commands: Sequence[Sequence[str]], rounds: int
) -> list[tuple[float, int]]:
    """Median seconds of each command over ``rounds`` rounds in which every
    command runs once, in turn; and each command's last exit code."""
    seconds: list[list[float]] = [[] for _ in commands]
    codes = [0] * len(commands)
    for _ in range(rounds):
        for index, command in enumerate(commands):
            elapsed, codes[index] = time_once(command)
            seconds[index].append(elapsed)
    return [(statistics.median(s), c) for s, c in zip(seconds, codes, strict=True)]


def import_times(statement: str) -> list[tuple[str, int]]:
    """``(module, cumulative microseconds)`` for every module ``statement`` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    out: list[tuple[str, int]] = []
    for line in done.stderr.splitlines():
        # "import time:   self [us] |  cumulative | imported package"
        if not line.startswith("import time:") or "imported package" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        out.append((name.strip(), int(cumulative)))
    return out


def heavy_imports(modules: Sequence[str]) -> list[str]:
    """The modules of ``modules`` that belong to one of the HEAVY packages."""
    return sorted({m for m in modules if m.split(".")[0] in HEAVY})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="5 rounds, figures only: no judgement"
    )
    parser.add_argument("--rounds", type=int, default=None, help="median of N")
    options = parser.parse_args(argv)
    rounds = options.rounds or (5 if options.quick else 21)

    print(
        f"confirmcheck start-up benchmark: Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, median of {rounds} "
        "interleaved rounds"
    )
    story = [str(STORY / "requested.json"), str(STORY / "confirmed.json")]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import confirmcheck"': [
            sys.executable,
            "-c",
            "import confirmcheck",
        ],
        "confirmcheck check <story>": [*_console_script(), "check", *story],
    }
    # Warm the file system cache and the byte code once, then time.
    for command in commands.values():
        subprocess.run(command, capture_output=True, env=_env(), check=False)
    results = dict(
        zip(commands, time_interleaved(list(commands.values()), rounds), strict=True)
    )
    check_code = results["confirmcheck check <story>"][1]
    if check_code not in _CHECK_OK:
        print(f"error: confirmcheck check exited {check_code}")
        return 1

    floor = results["python -c pass"][0]
    print()
    print(f"{'command':<34} {'median':>9} {'x python':>9}")
    print("-" * 56)
    for label, (seconds, _code) in results.items():
        print(f"{label:<34} {seconds * 1e3:6.1f} ms {seconds / floor:8.1f}x")
    ratio = results["confirmcheck check <story>"][0] / floor
    print()
    if options.quick:
        print(
            f"quick run: {ratio:.1f}x python -c pass; the budget ({BUDGET:g}x) is "
            "not judged on so few rounds"
        )
    elif ratio <= BUDGET:
        print(f"within budget: {ratio:.1f}x python -c pass (budget {BUDGET:g}x)")
    else:
        print(f"over budget: {ratio:.1f}x python -c pass (budget {BUDGET:g}x)")

    print()
    heavy_found = False
    for statement in ("import confirmcheck", "import confirmcheck.cli"):
        times = import_times(statement)
        heavy = heavy_imports([name for name, _ in times])
        found = ", ".join(heavy) if heavy else "none"
        print(
            f"python -X importtime -c {statement!r}: heavy packages "
            f"({'/'.join(HEAVY)}) imported: {found}"
        )
        heavy_found = heavy_found or bool(heavy)
        slowest = sorted(times, key=lambda item: -item[1])[:6]
        print(
            "  slowest (cumulative): "
            + ", ".join(f"{name} {us / 1e3:.1f} ms" for name, us in slowest)
        )
    if heavy_found:
        print("error: import confirmcheck pulls in a heavy package")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
