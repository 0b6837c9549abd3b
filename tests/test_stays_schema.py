"""stays-v1.json says what the reader reads: what it accepts validates, what it
refuses is refused by the schema too, or the reason is one the schema's
description lists as beyond it. And the JSON examples in the README and docs/
are held to the schemas they illustrate."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from confirmcheck import InputError, read_stays, report_schema, stays_schema
from tests.support import CASES, EXAMPLES, ROOT
from tests.test_loading import (
    ACCEPTED,
    BAD_RULES,
    BAD_SERIES_DATES,
    GOOD,
    MALFORMED_FILES,
    MALFORMED_STAYS,
)

# What the reader refuses that JSON Schema cannot say, as the description numbers
# it, and how the reader's messages name it.
BEYOND_THE_SCHEMA = {
    "(1) a date that does not exist": r"[0-9]{4}-[0-9]{2}-[0-9]{2} is not a date$",
    "(2) a check_out that is not after its check_in": r"is not after check_in",
    "(3) a whole number written with a fraction": (
        r"must be a whole number, not a decimal number"
    ),
    "(4) an rrule": r"^requested\[0\]\.rrule: ",
    "(5) an exdate that is not an occurrence": r"is not an occurrence of the series",
    "(6) a timezone that is not a known IANA name": r"is not an IANA time zone",
    "(7) JSON that gives a key twice": r"is given twice",
}


@cache
def validator() -> Any:
    schema = stays_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(document: object) -> list[str]:
    return [error.message for error in validator().iter_errors(document)]


def reader_problems(document: object) -> list[str]:
    with pytest.raises(InputError) as error:
        read_stays(document, path=("requested",))
    return [str(problem) for problem in error.value.problems]


def test_stays_schema_is_a_valid_draft_2020_12_schema_and_a_fresh_copy() -> None:
    schema = stays_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["$defs"].clear()
    assert stays_schema()["$defs"]


def test_every_reason_beyond_the_schema_is_in_its_description() -> None:
    description = stays_schema()["description"]
    for reason in BEYOND_THE_SCHEMA:
        assert reason in description


def stays_documents() -> Iterator[Any]:
    yield from ACCEPTED
    for case in sorted(CASES.glob("*.json")):
        data = json.loads(case.read_text("utf-8"))
        yield data["requested"]
        yield data["confirmed"]
    for example in sorted(EXAMPLES.glob("*/*.json")):
        yield json.loads(example.read_text("utf-8"))


@pytest.mark.parametrize("document", list(stays_documents()))
def test_what_the_reader_accepts_the_schema_accepts(document: object) -> None:
    read_stays(document)
    assert schema_errors(document) == []


def series(rule: object, **fields: object) -> list[object]:
    return [
        {"check_in": "2026-01-05", "check_out": "2026-01-09", "rrule": rule, **fields}
    ]


REFUSED = [
    *([stay] for stay, _ in MALFORMED_STAYS),
    *(value for value, _ in MALFORMED_FILES),
    *(series(rule) for rule, _ in BAD_RULES),
    *(series("FREQ=WEEKLY;COUNT=3", **fields) for fields, _ in BAD_SERIES_DATES),
    [GOOD, GOOD, GOOD, {**GOOD, "check_out": "2026-02-30"}],
    [{"check_in": "2026-03-09", "check_out": "2026-03-09"}],
    GOOD,
    [{**GOOD, "rooms": 0}, GOOD, {"check_in": "2026-03-09", "check_out": "x"}],
    series("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2"),
    [{**GOOD, "rooms": float("nan")}],
]


@pytest.mark.parametrize("document", REFUSED)
def test_what_the_reader_refuses_the_schema_refuses_or_lists(document: object) -> None:
    problems = reader_problems(document)
    if schema_errors(document):
        return
    unlisted = [
        problem
        for problem in problems
        if not any(
            re.search(pattern, problem) for pattern in BEYOND_THE_SCHEMA.values()
        )
    ]
    assert unlisted == []


def test_json_the_reader_refuses_before_the_schema_sees_it_is_listed() -> None:
    twice = '[{"check_in": "2026-03-09", "check_in": "2026-03-10", "check_out": ""}]'
    (problem,) = reader_problems(twice)
    assert re.search(BEYOND_THE_SCHEMA["(7) JSON that gives a key twice"], problem)


# --- The examples in the README and docs/ ------------------------------------------

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```json\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples() -> Iterator[tuple[str, str]]:
    for document in DOCUMENTS:
        text = document.read_text("utf-8")
        for match in _BLOCK.finditer(text):
            line = text[: match.start()].count("\n") + 1
            yield f"{document.relative_to(ROOT)}:{line}", match.group(1)


@cache
def openapi() -> tuple[dict[str, Any], Registry[Any]]:
    from webhook.config import Config
    from webhook.openapi import openapi_document

    document = openapi_document(Config(keys=(b"k" * 32,)))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return document, Registry().with_resource("urn:doc", resource)


def validate_against(value: object, schema: dict[str, Any]) -> None:
    _, registry = openapi()
    jsonschema.Draft202012Validator(
        schema,
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    ).validate(value)


def schema_for(value: Any) -> dict[str, Any] | None:
    """The schema an example illustrates, by what it holds; None for a log line."""
    if isinstance(value, list) or (isinstance(value, dict) and "stays" in value):
        return stays_schema()
    if "check_in" in value:  # one stay, as the README shows the fields
        return {"$ref": "#/$defs/stay", "$defs": stays_schema()["$defs"]}
    if "schema" in value:
        return report_schema()
    if "requested" in value:
        name = "AttachRequest" if "mail" in value else "CheckRequest"
        return {"$ref": f"urn:doc#/components/schemas/{name}"}
    if str(value.get("type", "")).startswith("tag:confirmcheck"):
        return {"$ref": "urn:doc#/components/schemas/Problem"}
    if value.get("event") == "request":
        return None  # a log line: documented in prose, no schema
    raise AssertionError(f"no schema for the example {value!r}")


@pytest.mark.parametrize(("where", "text"), list(examples()), ids=lambda v: v)
def test_the_json_examples_validate_against_their_schema(where: str, text: str) -> None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        # An answer shortened with "...": its parts are the report and the
        # summary, which the webhook tests validate whole.
        assert "..." in text, f"{where}: the example is not JSON"
        return
    schema = schema_for(value)
    if schema is not None:
        validate_against(value, schema)
