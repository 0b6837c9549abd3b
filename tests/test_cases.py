"""Example cases as data: every tests/cases/*.json is one test.

A case holds ``requested`` and ``confirmed`` (as in a stays file) and ``expect``, a
part of the report JSON: objects must have at least the keys given, lists exactly
the items given (each matched the same way), values must be equal. A new case is a
new file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from confirmcheck.diff import diff
from confirmcheck.readers import read_stays
from confirmcheck.report_json import report_from_json, report_to_json
from tests.support import CASES, schema_errors

CASE_FILES = sorted(CASES.glob("*.json"))
CASE_KEYS = {"description", "requested", "confirmed", "expect"}


def mismatches(expected: Any, actual: Any, place: str = "") -> list[str]:
    """Where ``actual`` does not have what ``expected`` asks for."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{place or '/'}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{place}/{key}: missing")
            else:
                out.extend(mismatches(value, actual[key], f"{place}/{key}"))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{place}: expected {len(expected)} items, got {actual!r}"]
        return [
            problem
            for index, (e, a) in enumerate(zip(expected, actual, strict=True))
            for problem in mismatches(e, a, f"{place}/{index}")
        ]
    if expected != actual or type(expected) is not type(actual):
        return [f"{place}: expected {expected!r}, got {actual!r}"]
    return []


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 10


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: path.stem)
def test_case(path: Path) -> None:
    case = json.loads(path.read_text("utf-8"))
    assert set(case) <= CASE_KEYS, f"unknown keys in {path.name}"
    report = diff(
        read_stays(case["requested"], path=("requested",)).stays,
        read_stays(case["confirmed"], path=("confirmed",)).stays,
    )
    text = report_to_json(report)
    actual = json.loads(text)
    assert schema_errors(actual) == []
    assert mismatches(case["expect"], actual) == []
    assert report_from_json(text) == report


def test_mismatches_finds_what_differs() -> None:
    actual = {"a": [{"b": 1, "c": 2}], "d": True}
    assert mismatches({"a": [{"b": 1}]}, actual) == []
    assert mismatches({"a": [{"b": 2}]}, actual) == ["/a/0/b: expected 2, got 1"]
    assert mismatches({"a": []}, actual) == [
        "/a: expected 0 items, got [{'b': 1, 'c': 2}]"
    ]
    assert mismatches({"e": 1}, actual) == ["/e: missing"]
    # True is not 1: a JSON boolean must not pass for a count.
    assert mismatches({"d": 1}, actual) == ["/d: expected 1, got True"]
