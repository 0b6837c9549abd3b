"""The report value: what differs, its JSON, and reading it back."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from confirmcheck.diff import diff
from confirmcheck.errors import InputError
from confirmcheck.report import DifferentRange, Report, Status
from confirmcheck.report_json import (
    report_from_dict,
    report_from_json,
    report_schema,
    report_to_json,
)
from confirmcheck.stay import Series, Stay
from tests.support import schema_errors

MAR_9 = dt.date(2026, 3, 9)
MAR_10 = dt.date(2026, 3, 10)


def test_a_room_without_a_type_for_a_typed_request_differs_in_room_type() -> None:
    report = diff([Stay(MAR_9, MAR_10, room_type="double")], [Stay(MAR_9, MAR_10)])
    assert report.stays[0].status is Status.BOOKED_DIFFERENTLY
    (different,) = report.booked_differently
    assert different.differences == ("room_type",)


def test_differences_name_room_type_and_guests() -> None:
    both = DifferentRange(1, MAR_9, MAR_10, 1, "single", 1, "double", 2)
    assert both.differences == ("room_type", "guests")
    # Room types are compared without regard to case; unknown guests match any.
    same = DifferentRange(1, MAR_9, MAR_10, 1, "Double", None, "double", 2)
    assert same.differences == ()


# --- JSON -----------------------------------------------------------------------


def story_report() -> Report:
    weeks = Series(
        Stay(dt.date(2026, 1, 5), dt.date(2026, 1, 9), room_type="single", guests=1),
        "FREQ=WEEKLY;COUNT=20",
    )
    confirmed = [s for s in weeks.stays if s.check_in != MAR_9]
    return diff([weeks], confirmed)


def test_the_report_json_round_trips() -> None:
    report = story_report()
    text = report_to_json(report)
    assert report_from_json(text) == report
    assert report_from_json(text.encode()) == report
    assert report_to_json(report_from_json(text)) == text


def test_report_schema_is_a_valid_draft_2020_12_schema_and_a_fresh_copy() -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["properties"].clear()
    assert report_schema()["properties"]


def changed(**top: object) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report_to_json(story_report()))
    data.update(top)
    return data


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    assert schema_errors(changed()) == []
    bad_date = changed()
    bad_date["stays"][0]["check_in"] = "2026-02-30"
    compact_date = changed()
    compact_date["stays"][0]["check_in"] = "20260105"
    for data in (changed(extra=1), changed(schema=2), bad_date, compact_date):
        assert schema_errors(data)
        with pytest.raises(InputError):
            report_from_dict(data)


def test_a_report_changed_by_hand_is_refused_with_the_place() -> None:
    data = changed(complete=True)
    data["not_booked"][0]["nights"] = 5
    with pytest.raises(InputError) as error:
        report_from_dict(data)
    assert [p.place for p in error.value.problems] == [
        "complete",
        "not_booked[0].nights",
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('{"schema": 2}', "schema"),
        ("[]", ""),
        ("{", ""),
        ("[" * 100_000 + "]" * 100_000, ""),
    ],
)
def test_a_report_that_is_not_schema_1_json_is_an_input_error(
    text: str, place: str
) -> None:
    with pytest.raises(InputError) as error:
        report_from_json(text)
    assert error.value.problems[0].place == place


def test_a_report_date_must_be_written_yyyy_mm_dd() -> None:
    data = changed()
    data["stays"][0]["check_in"] = "20260105"
    with pytest.raises(InputError) as error:
        report_from_dict(data)
    assert [str(p) for p in error.value.problems] == [
        "stays[0].check_in: 20260105 is not a date (YYYY-MM-DD)"
    ]
