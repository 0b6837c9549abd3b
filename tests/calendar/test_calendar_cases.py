"""Every calendar under data/ against what it must give: NAME.ics and NAME.json.

The JSON holds the options for :func:`read_calendar` and either the stays (in the
JSON stays format) or, for a broken calendar, the parts its one-line error must
contain (the line and the UID of the event at fault).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from confirmcheck.errors import InputError
from confirmcheck.readers import read_stays
from confirmcheck.readers.ics import CalendarError, read_calendar
from confirmcheck.stay import Stay

DATA = Path(__file__).parent / "data"
CASES = sorted(path.stem for path in DATA.glob("*.ics"))


def expectation(name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    return value


def options(name: str) -> dict[str, Any]:
    given = dict(expectation(name).get("options", {}))
    if "until" in given:
        given["until"] = dt.date.fromisoformat(given["until"])
    return given


def test_every_calendar_has_an_expectation() -> None:
    assert CASES, "no calendars found"
    stems = {path.stem for path in DATA.glob("*.json")}
    assert set(CASES) == stems


@pytest.mark.parametrize("name", [c for c in CASES if not c.startswith("broken-")])
def test_calendar_gives_its_stays(name: str) -> None:
    expected = read_stays(json.dumps(expectation(name)["stays"])).stays
    assert all(isinstance(stay, Stay) for stay in expected)
    got = read_calendar((DATA / f"{name}.ics").read_bytes(), **options(name))
    assert got == list(expected)


@pytest.mark.parametrize("name", [c for c in CASES if c.startswith("broken-")])
def test_broken_calendar_names_the_place(name: str) -> None:
    data = (DATA / f"{name}.ics").read_bytes()
    with pytest.raises(InputError) as caught:
        read_calendar(data, path=("requested",), **options(name))
    message = str(caught.value)
    assert "\n" not in message
    for part in expectation(name)["error"]:
        assert part in message
    if not name.endswith("-option"):
        assert isinstance(caught.value, CalendarError)
        assert caught.value.problems[0].path == ("requested",)


@pytest.mark.parametrize("name", [c for c in CASES if not c.startswith("broken-")])
def test_calendar_reads_the_same_as_text(name: str) -> None:
    data = (DATA / f"{name}.ics").read_bytes()
    assert read_calendar(data.decode("utf-8"), **options(name)) == read_calendar(
        data, **options(name)
    )
