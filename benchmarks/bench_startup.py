"""Benchmark of the command line's cold start (issue 2, "Performance").

Run with ``uv run python benchmarks/bench_startup.py`` (``--quick`` for fewer
repeats). It times, best of N fresh processes each:

* ``python -c pass`` -- the interpreter alone, the floor;
* ``python -c "import confirmcheck"`` -- the library's import;
* ``confirmcheck check examples/story/requested.json examples/story/confirmed.json``
  -- the whole command on the story (the console script of this environment, run
  directly, so that ``uv run``'s own start is not counted);

and checks with ``python -X importtime`` that ``import confirmcheck`` pulls in
none of the heavy stacks (Flask/Werkzeug, icalendar/recurring_ical_events,
Babel), listing the slowest imports it does make. A heavy module imported is an
error (exit 1); timings never fail the run.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def time_command(command: Sequence[str], repeats: int) -> tuple[float, int]:
    """Best wall-clock seconds of ``repeats`` runs, and the last exit code."""
    best = float("inf")
    code = 0
    env = _env()
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        best = min(best, time.perf_counter() - start)
        code = done.returncode
    return best, code


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
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="best of N")
    options = parser.parse_args(argv)
    repeats = options.repeats or (5 if options.quick else 20)

    print(
        f"confirmcheck start-up benchmark: Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, best of {repeats}"
    )
    story = [str(STORY / "requested.json"), str(STORY / "confirmed.json")]
    check = [*_console_script(), "check", *story]
    # Warm the file system cache and the byte code once, then time.
    for command in ([sys.executable, "-c", "import confirmcheck"], check):
        subprocess.run(command, capture_output=True, env=_env(), check=False)

    rows: list[tuple[str, float, str]] = []
    floor, _ = time_command([sys.executable, "-c", "pass"], repeats)
    rows.append(("python -c pass", floor, ""))
    seconds, _ = time_command([sys.executable, "-c", "import confirmcheck"], repeats)
    rows.append(('python -c "import confirmcheck"', seconds, ""))
    seconds, code = time_command(check, repeats)
    note = f"exit {code}"
    if code not in _CHECK_OK:
        # The text summary needs confirmcheck.render; time the JSON output then.
        note = f"text output failed (exit {code}); timed --format json instead"
        check = [*check, "--format", "json"]
        seconds, code = time_command(check, repeats)
        note += f", exit {code}"
    rows.append(("confirmcheck check <story>", seconds, note))
    if code not in _CHECK_OK:
        print(f"error: confirmcheck check exited {code}")
        return 1

    print()
    print(f"{'command':<34} {'best':>9} {'over python':>12}  note")
    print("-" * 72)
    for label, best, row_note in rows:
        extra = (best - floor) * 1e3
        print(f"{label:<34} {best * 1e3:6.1f} ms {extra:9.1f} ms  {row_note}")

    print()
    failed = False
    for statement in ("import confirmcheck", "import confirmcheck.cli"):
        times = import_times(statement)
        heavy = heavy_imports([name for name, _ in times])
        verdict = "PASS" if not heavy else "FAIL: " + ", ".join(heavy)
        print(
            f"python -X importtime -c {statement!r}: no {'/'.join(HEAVY)} -- {verdict}"
        )
        failed = failed or bool(heavy)
        slowest = sorted(times, key=lambda item: -item[1])[:6]
        print(
            "  slowest (cumulative): "
            + ", ".join(f"{name} {us / 1e3:.1f} ms" for name, us in slowest)
        )
    if failed:
        print("error: import confirmcheck pulls in a heavy package")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
