"""Helpers the tests share: where the data files are, and the report schema check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from confirmcheck.report_json import report_schema

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
EXAMPLES = ROOT / "examples"


@cache
def _validator() -> Any:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(data: object) -> list[str]:
    """Every way ``data`` breaks the report schema, as ``path: message`` lines."""
    return [
        "/".join(map(str, error.absolute_path)) + ": " + error.message
        for error in _validator().iter_errors(data)
    ]


def nights(check_in: dt.date, check_out: dt.date) -> Iterator[dt.date]:
    """The nights of ``[check_in, check_out)``, one date each."""
    day = check_in
    while day < check_out:
        yield day
        day += dt.timedelta(days=1)
