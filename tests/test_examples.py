"""Every example under examples/ runs through the command and finds what it shows.

A new example is a new folder with requested.json and confirmed.json (or the files
INPUTS names), and a line in FINDINGS saying what the command must find in it.
"""

from __future__ import annotations

import io
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from confirmcheck.cli import EXIT_DIFFERS, main
from tests.support import EXAMPLES, ROOT, schema_errors

#: What each example shows: the report lists that must not be empty, and the
#: statuses of its requested stays.
FINDINGS: dict[str, tuple[set[str], list[str]]] = {
    "story": (
        {"not_booked", "booked"},
        ["booked"] * 9 + ["not_booked"] + ["booked"] * 10,
    ),
    "two-rooms": ({"not_booked", "booked"}, ["partly_booked"]),
    "double-as-single": ({"booked_differently"}, ["booked_differently"]),
    "extra-night": ({"unrequested", "booked"}, ["booked"]),
    "alpinebits": ({"not_booked", "booked"}, ["booked", "partly_booked"]),
}
#: Examples whose files are not requested.json and confirmed.json.
INPUTS = {"alpinebits": ("request.xml", "confirmation.eml")}
RANGE_LISTS = ("not_booked", "booked_differently", "unrequested", "booked")
FOLDERS = sorted(path for path in EXAMPLES.iterdir() if path.is_dir())


def test_every_example_says_what_it_shows() -> None:
    assert sorted(folder.name for folder in FOLDERS) == sorted(FINDINGS)


def check(folder: Path) -> dict[str, Any]:
    """Run ``confirmcheck check`` on the example; the exit status must be 1."""
    out, err = io.StringIO(), io.StringIO()
    names = INPUTS.get(folder.name, ("requested.json", "confirmed.json"))
    args = [str(folder / name) for name in names]
    status = main(
        ["check", *args, "--format", "json"],
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    assert (status, err.getvalue()) == (EXIT_DIFFERS, "")
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: folder.name)
def test_example(folder: Path) -> None:
    report = check(folder)
    assert schema_errors(report) == []
    found, statuses = FINDINGS[folder.name]
    assert {key for key in RANGE_LISTS if report[key]} == found
    assert [stay["status"] for stay in report["stays"]] == statuses


def test_the_extra_night_belongs_to_the_stay_it_extends() -> None:
    (extra,) = check(EXAMPLES / "extra-night")["unrequested"]
    assert (extra["stay"], extra["check_in"], extra["nights"]) == (1, "2026-10-08", 1)


def test_two_rooms_requested_one_confirmed_leaves_one_room_not_booked() -> None:
    (missing,) = check(EXAMPLES / "two-rooms")["not_booked"]
    assert (missing["rooms"], missing["nights"]) == (1, 2)


def test_the_quick_start_reads_an_alpinebits_request_and_a_marked_up_mail() -> None:
    # The README's line, run as a user runs it: the installed command, in the
    # repository, on a request and a mail that nobody turned into JSON.
    readme = (ROOT / "README.md").read_text("utf-8")
    (line,) = [line for line in readme.splitlines() if "examples/alpinebits/" in line]
    words = shlex.split(line)
    assert words[:3] == ["uv", "run", "confirmcheck"]
    command = Path(sys.executable).with_name("confirmcheck")
    done = subprocess.run(
        [str(command), *words[3:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (EXIT_DIFFERS, "")
    assert done.stdout.startswith("PARTLY BOOKED: 1 of your 2 requested stays.\n")
    assert "Thu, 12 Mar – Fri, 13 Mar 2026 (1 night" in done.stdout
