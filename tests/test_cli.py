"""The confirmcheck command line: exit codes, files and standard input, errors.

The summary in text and HTML is tested with the renderers; here the JSON output
stands for what the command found.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from confirmcheck.cli import EXIT_COMPLETE, EXIT_DIFFERS, EXIT_INPUT, main
from tests.support import EXAMPLES, ROOT, schema_errors

WEEK = {"check_in": "2026-03-09", "check_out": "2026-03-13"}


class Run:
    """What one run of the command did."""

    def __init__(self, status: int, stdout: str, stderr: str) -> None:
        self.status = status
        self.stdout = stdout
        self.stderr = stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str | Path, stdin: bytes = b"") -> Run:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        [str(arg) for arg in args],
        stdin=io.BytesIO(stdin),
        stdout=out,
        stderr=err,
    )
    return Run(status, out.getvalue(), err.getvalue())


def write(path: Path, stays: object) -> Path:
    path.write_text(json.dumps(stays), "utf-8")
    return path


def assert_one_error_line(result: Run, line: str) -> None:
    assert result.status == EXIT_INPUT
    assert result.stdout == ""
    assert result.stderr == line + "\n"
    assert "Traceback" not in result.stderr


def test_exit_0_when_everything_is_booked_as_requested(tmp_path: Path) -> None:
    stays = write(tmp_path / "stays.json", [WEEK])
    result = run("check", stays, stays, "--format", "json")
    assert result.status == EXIT_COMPLETE
    assert result.stderr == ""
    assert result.json()["complete"] is True


def test_exit_1_and_a_valid_report_when_a_stay_is_not_booked() -> None:
    story = EXAMPLES / "story"
    result = run(
        "check", story / "requested.json", story / "confirmed.json", "--format", "json"
    )
    assert result.status == EXIT_DIFFERS
    report = result.json()
    assert schema_errors(report) == []
    assert [(r["stay"], r["check_in"]) for r in report["not_booked"]] == [
        (10, "2026-03-09")
    ]


@pytest.mark.parametrize("side", ["requested", "confirmed"])
def test_a_dash_reads_one_side_from_standard_input(tmp_path: Path, side: str) -> None:
    other = write(tmp_path / "other.json", [WEEK])
    args = ("-", other) if side == "requested" else (other, "-")
    stdin = json.dumps({"stays": []}).encode()
    result = run("check", *args, "--format", "json", stdin=stdin)
    assert result.status == EXIT_DIFFERS
    key = "unrequested" if side == "requested" else "not_booked"
    assert len(result.json()[key]) == 1


def test_only_one_side_can_be_standard_input() -> None:
    assert_one_error_line(
        run("check", "-", "-", "--format", "json", stdin=b"[]"),
        "confirmcheck: only one of REQUESTED and CONFIRMED can be - (standard input)",
    )


def test_bad_input_gives_one_line_naming_the_file_and_the_place(
    tmp_path: Path,
) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    bad = write(tmp_path / "bad.json", [WEEK, {**WEEK, "check_out": "2026-02-30"}])
    assert_one_error_line(
        run("check", bad, good, "--format", "json"),
        f"confirmcheck: {bad}: requested[1].check_out: 2026-02-30 is not a date",
    )
    assert_one_error_line(
        run("check", good, bad, "--format", "json"),
        f"confirmcheck: {bad}: confirmed[1].check_out: 2026-02-30 is not a date",
    )


def test_a_file_in_no_known_format_says_what_it_starts_with(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    event = tmp_path / "event.ics"
    event.write_bytes(b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n")
    assert_one_error_line(
        run("check", event, good),
        f"confirmcheck: {event}: requested: is neither JSON nor an iCalendar file: "
        "it starts with 'BEGIN:VEVENT'; a calendar starts with BEGIN:VCALENDAR",
    )


def test_bad_standard_input_is_named_as_such(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    assert_one_error_line(
        run("check", good, "-", stdin=b'[{"check_in": "2026-03-09"}]'),
        "confirmcheck: standard input: confirmed[0].check_out: is missing",
    )


def test_several_problems_still_give_one_line(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    bad = write(tmp_path / "bad.json", [{**WEEK, "rooms": 0}, {**WEEK, "guests": 0}])
    assert_one_error_line(
        run("check", bad, good, "--format", "json"),
        f"confirmcheck: {bad}: requested[0].rooms: must be at least 1, not 0 "
        "(and 1 more problem)",
    )


@pytest.mark.parametrize(
    "text",
    [
        '[{"check_in": "2026-03-09", "check_out": "2026-03-13", "a\\nb": 1}]',
        '[{"check_in": "2026-03-09", "check_out": "2026-03\\n-13"}]',
    ],
)
def test_a_line_break_in_the_input_does_not_break_the_error_line(
    tmp_path: Path, text: str
) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    bad = tmp_path / "bad.json"
    bad.write_text(text, "utf-8")
    result = run("check", bad, good, "--format", "json")
    assert result.status == EXIT_INPUT
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"confirmcheck: {bad}: requested[0].")
    assert "\\n" in result.stderr


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    good = write(tmp_path / "good.json", [WEEK])
    assert_one_error_line(
        run("check", missing, good),
        f"confirmcheck: {missing}: cannot read: No such file or directory",
    )


def test_a_directory_is_bad_input(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    result = run("check", good, tmp_path, "--format", "json")
    assert result.status == EXIT_INPUT
    assert result.stderr.startswith(f"confirmcheck: {tmp_path}: cannot read: ")
    assert result.stderr.count("\n") == 1


def test_invalid_utf8_is_bad_input(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", [WEEK])
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'[{"ref": "M\xfcller"}]')
    assert_one_error_line(
        run("check", good, bad, "--format", "json"),
        f"confirmcheck: {bad}: confirmed: is not UTF-8 text "
        "(line 1, column 12: invalid start byte)",
    )


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"]])
def test_help_explains_the_exit_codes(args: list[str]) -> None:
    result = run(*args)
    assert result.status == 0
    assert result.stderr == ""
    for line in (
        "0  everything is booked as requested",
        "1  something is not booked, booked differently, or booked but not requested",
        "2  bad input or usage",
    ):
        assert line in result.stdout


def test_check_help_explains_the_files_and_standard_input() -> None:
    text = " ".join(run("check", "--help").stdout.split())
    assert "REQUESTED" in text
    assert "CONFIRMED" in text
    assert "Use - to read one file from standard input" in text
    assert "--format {text,html,json,ics}" in text


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["check", "a.json"],
        ["frobnicate"],
        ["check", "a", "b", "--format", "pdf"],
    ],
)
def test_a_wrong_command_line_is_a_usage_error(args: list[str]) -> None:
    result = run(*args)
    assert result.status == EXIT_INPUT
    assert result.stdout == ""
    assert "usage: confirmcheck" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_m_confirmcheck_runs_the_command_on_the_story() -> None:
    story = EXAMPLES / "story"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "confirmcheck",
            "check",
            str(story / "requested.json"),
            str(story / "confirmed.json"),
            "--format",
            "json",
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_DIFFERS, done.stderr
    assert done.stderr == b""
    report = json.loads(done.stdout)
    assert schema_errors(report) == []
    assert report["totals"]["stays_not_booked"] == 1
    assert report["not_booked"][0]["stay"] == 10


def test_every_command_is_a_module_with_add_parser_and_run() -> None:
    from confirmcheck.cli import COMMANDS, build_parser

    names = [module.__name__.rpartition(".")[2] for module in COMMANDS]
    assert names == ["check", "attach", "audit", "requests", "relay"]
    for module in COMMANDS:
        assert callable(module.add_parser)
        assert callable(module.run)
    options = build_parser().parse_args(["check", "a.json", "b.json"])
    assert options.run is COMMANDS[0].run


def test_the_summary_speaks_of_the_series_and_detail_all_lists_every_stay() -> None:
    story = EXAMPLES / "story"
    files = (story / "requested.json", story / "confirmed.json")
    short = run("check", *files, "--locale", "de-AT")
    assert short.status == EXIT_DIFFERS
    said = " ".join(short.stdout.split())
    # The hotel's name of the room type and its references, from its stays file.
    assert "jede Woche Mo.–Fr., 5. Jän. – 22. Mai 2026, außer 9.–13. März" in said
    assert "Einzelzimmer" in said
    assert "AB-4711 – AB-4719, AB-4721 – AB-4730" in said
    assert "Aufenthalt 11 von 20" not in said
    full = run("check", *files, "--locale", "de-AT", "--detail", "all")
    assert full.stdout.startswith(short.stdout.rstrip("\n"))
    assert "Aufenthalt 11 von 20, Mo., 16. – Fr., 20. März 2026" in " ".join(
        full.stdout.split()
    )
    assert all(len(line) <= 78 for line in full.stdout.splitlines())
