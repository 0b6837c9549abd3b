"""The result lines of an audit: one per key, and what a summary counts of them.

Every engine writes the same lines (:data:`RESULT_SCHEMA`, as JSON Lines or CSV),
so they are made here, from :class:`~confirmcheck.AuditResult` values or from the
rows the first pass settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from confirmcheck.audit import AuditResult, Verdict
from confirmcheck.errors import InputError
from confirmcheck.readers.json import parse_json

__all__ = [
    "RESULT_SCHEMA",
    "WORST",
    "count_verdicts",
    "csv_header",
    "format_rows",
    "keyless_results",
    "result_rows",
    "worst_keys",
]

#: One line per key: these fields, in this order, in JSON Lines and CSV alike.
RESULT_SCHEMA: dict[str, type[pl.DataType]] = {
    "key": pl.String,
    "verdict": pl.String,
    "not_booked_room_nights": pl.Int64,
    "booked_differently_room_nights": pl.Int64,
    "unrequested_room_nights": pl.Int64,
    "first_affected": pl.String,
    "summary": pl.String,
    "error": pl.String,
}
#: How many keys with the most NOT BOOKED room-nights a summary names.
WORST = 20


def result_rows(results: Sequence[AuditResult]) -> pl.DataFrame:
    """Result rows of audited keys, in the order given."""
    columns: dict[str, list[Any]] = {name: [] for name in RESULT_SCHEMA}
    for result in results:
        totals = result.report.totals if result.report is not None else None
        first = result.first_affected
        columns["key"].append(result.key)
        columns["verdict"].append(result.verdict.value)
        columns["not_booked_room_nights"].append(
            totals and totals.not_booked_room_nights
        )
        columns["booked_differently_room_nights"].append(
            totals and totals.booked_differently_room_nights
        )
        columns["unrequested_room_nights"].append(
            totals and totals.unrequested_room_nights
        )
        columns["first_affected"].append(first.isoformat() if first else None)
        columns["summary"].append(result.headline)
        columns["error"].append(None if result.error is None else str(result.error))
    return pl.DataFrame(columns, schema=RESULT_SCHEMA)


def keyless_results(rows: pl.DataFrame, label: str, key: str) -> pl.DataFrame:
    """An ``invalid`` result for each record without a key, in file order."""
    results = []
    for line, record, error in rows.select("line", "record", "error").iter_rows():
        place = f"{label} line {line}"
        message = f"{place}: has no {key}"
        if error is not None:
            message = error
        elif record is not None:
            try:
                value = parse_json(record)
            except InputError as error:
                message = f"{place}: {error}"
            else:
                if not isinstance(value, dict):
                    message = f"{place}: must be an object with a {key}"
                elif value.get(key) is not None and not isinstance(
                    value[key], str | int
                ):
                    message = f"{place}, {key}: must be text or a whole number"
        results.append(AuditResult(None, Verdict.INVALID, error=InputError(message)))
    return result_rows(results)


def format_rows(rows: pl.DataFrame, format: str) -> str:
    """Result rows as JSON Lines or as CSV lines (without the header)."""
    if rows.height == 0:
        return ""
    if format == "csv":
        return rows.write_csv(include_header=False)
    return rows.write_ndjson()


def csv_header() -> str:
    """The header line of a CSV of results."""
    return pl.DataFrame(schema=RESULT_SCHEMA).write_csv()


def count_verdicts(rows: pl.DataFrame) -> dict[str, int]:
    counts = rows.group_by("verdict").len()
    return dict(zip(counts["verdict"].to_list(), counts["len"].to_list(), strict=True))


def worst_keys(rows: pl.DataFrame) -> list[tuple[str, int]]:
    worst = (
        rows.filter(pl.col("not_booked_room_nights") > 0)
        .sort(["not_booked_room_nights", "key"], descending=[True, False])
        .head(WORST)
    )
    return list(worst.select("key", "not_booked_room_nights").iter_rows())
