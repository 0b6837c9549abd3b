"""The story as .ics files, and iCalendar on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import icalendar
import pytest

from confirmcheck.cli import EXIT_DIFFERS, EXIT_INPUT, main
from confirmcheck.diff import diff
from confirmcheck.readers import load_stays
from confirmcheck.readers.ics import read_calendar
from confirmcheck.report_json import report_to_json

STORY = Path(__file__).parent.parent.parent / "examples" / "story"
DATA = Path(__file__).parent / "data"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.BytesIO(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_the_story_as_ics_gives_the_same_report_as_json() -> None:
    from_json = diff(
        load_stays(STORY / "requested.json").stays,
        load_stays(STORY / "confirmed.json").stays,
    )
    from_ics = diff(
        read_calendar((STORY / "requested.ics").read_bytes()),
        read_calendar((STORY / "confirmed.ics").read_bytes()),
    )
    assert from_ics == from_json
    assert report_to_json(from_ics) == report_to_json(from_json)
    assert len(from_ics.not_booked) == 1


@pytest.mark.parametrize(
    ("requested", "confirmed"),
    [("requested.ics", "confirmed.json"), ("requested.json", "confirmed.ics")],
)
def test_ics_and_json_mix_on_the_command_line(requested: str, confirmed: str) -> None:
    status, out, err = run(
        "check", str(STORY / requested), str(STORY / confirmed), "--format", "json"
    )
    _, expected, _ = run(
        "check",
        str(STORY / "requested.json"),
        str(STORY / "confirmed.json"),
        "--format",
        "json",
    )
    assert (status, err) == (EXIT_DIFFERS, "")
    assert out == expected


def test_a_calendar_is_recognised_whatever_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "confirmation.txt"
    renamed.write_bytes((STORY / "confirmed.ics").read_bytes())
    status, out, _ = run("check", str(STORY / "requested.ics"), str(renamed))
    assert status == EXIT_DIFFERS
    assert out.startswith("NOT BOOKED: 1 of your 20 weekly stays.")


def test_format_ics_writes_the_guests_calendar() -> None:
    status, out, err = run(
        "check",
        str(STORY / "requested.ics"),
        str(STORY / "confirmed.ics"),
        "--format",
        "ics",
        "--locale",
        "de",
    )
    assert (status, err) == (EXIT_DIFFERS, "")
    calendar = icalendar.Calendar.from_ical(out.encode())
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert titles.count("NICHT GEBUCHT — kein Zimmer reserviert") == 1
    assert len(titles) == 20
    assert "\r\n" in out


def test_format_ics_writes_bytes_where_it_can() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\r\n")
    status = main(
        [
            "check",
            str(STORY / "requested.ics"),
            str(STORY / "confirmed.ics"),
            "--format",
            "ics",
        ],
        stdin=io.BytesIO(),
        stdout=out,
        stderr=io.StringIO(),
    )
    out.flush()
    assert status == EXIT_DIFFERS
    assert b"\r\r\n" not in raw.getvalue()
    assert raw.getvalue().startswith(b"BEGIN:VCALENDAR\r\n")


def test_calendar_options_reach_the_reader() -> None:
    base = ["check", str(STORY / "requested.ics")]
    status, _, err = run(*base, str(DATA / "open-rule-with-horizon.ics"))
    assert status == EXIT_INPUT
    assert "never ends" in err
    status, _, err = run(
        *base, str(DATA / "open-rule-with-horizon.ics"), "--until", "2026-01-26"
    )
    assert (status, err) == (EXIT_DIFFERS, "")
    status, _, err = run(*base, str(DATA / "skip-non-stays.ics"))
    assert status == EXIT_INPUT
    status, _, err = run(*base, str(DATA / "skip-non-stays.ics"), "--skip-non-stays")
    assert (status, err) == (EXIT_DIFFERS, "")
    status, _, err = run(
        *base, str(DATA / "end-is-last-night.ics"), "--ics-end-is-last-night"
    )
    assert (status, err) == (EXIT_DIFFERS, "")
    status, _, err = run(*base, str(STORY / "confirmed.ics"), "--timezone", "Nowhere/X")
    assert status == EXIT_INPUT
    assert "Nowhere/X is not a time zone" in err


def test_a_broken_calendar_is_one_line_naming_the_file_and_the_uid() -> None:
    broken = DATA / "broken-unknown-time-zone.ics"
    status, out, err = run("check", str(STORY / "requested.ics"), str(broken))
    assert (status, out) == (EXIT_INPUT, "")
    assert err.count("\n") == 1
    assert err.startswith(
        f"confirmcheck: {broken}: confirmed: line 6, UID mars@example.com: "
    )


def test_a_bad_until_is_a_usage_error() -> None:
    status, _, err = run(
        "check",
        str(STORY / "requested.ics"),
        str(STORY / "confirmed.ics"),
        "--until",
        "soon",
    )
    assert status == EXIT_INPUT
    assert "'soon' is not a date (YYYY-MM-DD)" in err
