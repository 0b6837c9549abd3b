"""The report as JSON (schema version 1) and back.

The schema ships as ``confirmcheck/schema/report-v1.json`` (:func:`report_schema`).
:func:`report_to_dict` and :func:`report_from_dict` work on decoded JSON values,
:func:`report_to_json` and :func:`report_from_json` on JSON text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from confirmcheck.errors import InputError, Path, Problem
from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    Totals,
)

__all__ = [
    "SCHEMA_VERSION",
    "report_from_dict",
    "report_from_json",
    "report_schema",
    "report_to_dict",
    "report_to_json",
]

SCHEMA_VERSION = 1

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _stay_json(result: StayResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stay": result.stay,
        "check_in": result.check_in.isoformat(),
        "check_out": result.check_out.isoformat(),
        "nights": result.nights,
        "rooms": result.rooms,
        "room_type": result.room_type,
        "guests": result.guests,
        "ref": result.ref,
        "status": result.status.value,
    }
    # Written only when they say something, so that reports without flexible
    # requests or cancellations are the same as before these fields.
    if result.earliest_arrival is not None and result.latest_arrival is not None:
        out["earliest_arrival"] = result.earliest_arrival.isoformat()
        out["latest_arrival"] = result.latest_arrival.isoformat()
    if result.cancelled:
        out["cancelled"] = True
    return out


def _range_json(item: Range) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stay": item.stay,
        "check_in": item.check_in.isoformat(),
        "check_out": item.check_out.isoformat(),
        "nights": item.nights,
        "rooms": item.rooms,
        "room_type": item.room_type,
        "guests": item.guests,
    }
    if isinstance(item, DifferentRange):
        out["requested_room_type"] = item.requested_room_type
        out["requested_guests"] = item.requested_guests
        out["differences"] = list(item.differences)
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (schema version 1)."""
    totals = report.totals
    return {
        "schema": SCHEMA_VERSION,
        "complete": report.complete,
        "totals": {name: getattr(totals, name) for name in Totals.__dataclass_fields__},
        "stays": [_stay_json(s) for s in report.stays],
        "not_booked": [_range_json(r) for r in report.not_booked],
        "booked_differently": [_range_json(r) for r in report.booked_differently],
        "unrequested": [_range_json(r) for r in report.unrequested],
        "booked": [_range_json(r) for r in report.booked],
    }


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """The report as JSON text (schema version 1)."""
    return json.dumps(report_to_dict(report), indent=indent, ensure_ascii=False)


class _Reader:
    """Reads plain JSON values back into report values, collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: object, path: Path, keys: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return {}
        wanted = set(keys)
        for key in value:
            if key not in wanted:
                self.fail((*path, key), "is not a field of a report")
        return value

    def get(
        self,
        source: Mapping[str, Any],
        path: Path,
        key: str,
        check: Callable[[Any], bool],
        what: str,
    ) -> Any:
        if key not in source:
            self.fail((*path, key), "is missing")
            return None
        value = source[key]
        if not check(value):
            self.fail((*path, key), f"must be {what}, not {json.dumps(value)}")
            return None
        return value

    def date(self, source: Mapping[str, Any], path: Path, key: str) -> dt.date | None:
        text = self.get(source, path, key, lambda v: isinstance(v, str), "a date")
        if text is None:
            return None
        # fromisoformat also takes 20260309 and 2026-W11-1; the schema does not.
        if not _DATE.fullmatch(text):
            self.fail((*path, key), f"{text} is not a date (YYYY-MM-DD)")
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail((*path, key), f"{text} is not a date")
            return None

    def count(
        self, source: Mapping[str, Any], path: Path, key: str, *, optional: bool = False
    ) -> int | None:
        def ok(v: Any) -> bool:
            if v is None:
                return optional
            return isinstance(v, int) and not isinstance(v, bool) and v >= 1

        return self.get(  # type: ignore[no-any-return]
            source,
            path,
            key,
            ok,
            "a whole number of at least 1" + (" or null" if optional else ""),
        )

    def text(self, source: Mapping[str, Any], path: Path, key: str) -> str | None:
        return self.get(  # type: ignore[no-any-return]
            source,
            path,
            key,
            lambda v: v is None or (isinstance(v, str) and v.strip() == v and v != ""),
            "text or null",
        )


def _kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


_STAY_KEYS = (
    "stay",
    "check_in",
    "check_out",
    "nights",
    "rooms",
    "room_type",
    "guests",
    "ref",
    "status",
    "earliest_arrival",
    "latest_arrival",
    "cancelled",
)
_WINDOW_KEYS = ("earliest_arrival", "latest_arrival")
_RANGE_KEYS = (
    "stay",
    "check_in",
    "check_out",
    "nights",
    "rooms",
    "room_type",
    "guests",
)
_DIFFERENT_KEYS = (
    *_RANGE_KEYS,
    "requested_room_type",
    "requested_guests",
    "differences",
)
_REPORT_KEYS = (
    "schema",
    "complete",
    "totals",
    "stays",
    "not_booked",
    "booked_differently",
    "unrequested",
    "booked",
)


def report_from_dict(data: object) -> Report:
    """Read a report back from plain JSON values; raises InputError naming the place.

    Derived fields (``nights``, ``complete``, ``totals``, ``differences``) must agree
    with the rest: a report that was changed by hand is refused, never repaired.
    """
    reader = _Reader()
    top = reader.obj(data, (), _REPORT_KEYS)
    if not top:
        raise InputError(reader.problems or [Problem((), "is empty")])
    if top.get("schema") != SCHEMA_VERSION:
        raise InputError(
            f"schema {json.dumps(top.get('schema'))} is not supported; "
            f"this is confirmcheck's report schema {SCHEMA_VERSION}",
            path=("schema",),
        )

    def items(key: str) -> list[tuple[Path, dict[str, Any]]]:
        value = reader.get(top, (), key, lambda v: isinstance(v, list), "an array")
        return [((key, i), item) for i, item in enumerate(value or ())]

    stays: list[StayResult] = []
    for path, raw in items("stays"):
        obj = reader.obj(raw, path, _STAY_KEYS)
        status = reader.get(
            obj,
            path,
            "status",
            lambda v: v in Status._value2member_map_,
            "one of " + ", ".join(Status),
        )
        values = (
            reader.count(obj, path, "stay"),
            reader.date(obj, path, "check_in"),
            reader.date(obj, path, "check_out"),
            reader.count(obj, path, "rooms"),
            reader.text(obj, path, "room_type"),
            reader.count(obj, path, "guests", optional=True),
            reader.text(obj, path, "ref"),
        )
        reader.count(obj, path, "nights")
        window = [reader.date(obj, path, k) for k in _WINDOW_KEYS if k in obj]
        if len(window) == 1:
            reader.fail(path, "earliest_arrival and latest_arrival come together")
        cancelled = obj.get("cancelled", False)
        if cancelled is not False and cancelled is not True:
            reader.fail((*path, "cancelled"), "must be true (or left out)")
        if status is not None and None not in (
            values[0],
            values[1],
            values[2],
            values[3],
        ):
            earliest, latest = window if len(window) == 2 else (None, None)
            stays.append(
                StayResult(
                    *values,  # type: ignore[arg-type]
                    status=Status(status),
                    earliest_arrival=earliest,
                    latest_arrival=latest,
                    cancelled=cancelled is True,
                )
            )

    def ranges(key: str, *, different: bool) -> list[Any]:
        out: list[Any] = []
        for path, raw in items(key):
            obj = reader.obj(raw, path, _DIFFERENT_KEYS if different else _RANGE_KEYS)
            stay = reader.count(obj, path, "stay", optional=key == "unrequested")
            common = (
                stay,
                reader.date(obj, path, "check_in"),
                reader.date(obj, path, "check_out"),
                reader.count(obj, path, "rooms"),
                reader.text(obj, path, "room_type"),
                reader.count(obj, path, "guests", optional=True),
            )
            reader.count(obj, path, "nights")
            if different:
                extra = (
                    reader.text(obj, path, "requested_room_type"),
                    reader.count(obj, path, "requested_guests", optional=True),
                )
                reader.get(
                    obj, path, "differences", lambda v: isinstance(v, list), "an array"
                )
            if None in common[1:4]:
                continue
            out.append(DifferentRange(*common, *extra) if different else Range(*common))  # type: ignore[arg-type]
        return out

    report = Report(
        stays=tuple(stays),
        not_booked=tuple(ranges("not_booked", different=False)),
        booked_differently=tuple(ranges("booked_differently", different=True)),
        unrequested=tuple(ranges("unrequested", different=False)),
        booked=tuple(ranges("booked", different=False)),
    )
    if reader.problems:
        raise InputError(reader.problems)
    # Anything derived must say what the rest says.
    expected = report_to_dict(report)
    for key in ("complete", "totals"):
        if top.get(key) != expected[key]:
            reader.fail(
                (key,),
                "does not agree with the stays and ranges "
                f"(expected {json.dumps(expected[key])})",
            )
    for key in ("stays", "not_booked", "booked_differently", "unrequested", "booked"):
        for index, (given, derived) in enumerate(
            zip(top[key], expected[key], strict=True)
        ):
            for name in ("nights", "differences"):
                if name in derived and given.get(name) != derived[name]:
                    reader.fail(
                        (key, index, name),
                        "does not agree with the range "
                        f"(expected {json.dumps(derived[name])})",
                    )
    if reader.problems:
        raise InputError(reader.problems)
    return report


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report JSON, schema version 1.

    A fresh copy on every call, so changing it changes nothing for other callers.
    """
    from importlib.resources import files

    text = files("confirmcheck").joinpath("schema", "report-v1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def report_from_json(text: str | bytes) -> Report:
    """Read a report from JSON text written by :func:`report_to_json`."""
    from confirmcheck.readers.json import parse_json

    return report_from_dict(parse_json(text))
