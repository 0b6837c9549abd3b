"""GET /openapi.json: a valid OpenAPI 3.1 document that says what the app does.

The document is validated against the OpenAPI 3.1 meta-schema (shipped in data/),
every schema in it against JSON Schema 2020-12, and it is held to the live app:
the routes it lists are exactly the app's routes. (Every response in the other tests
goes through DocumentedClient, which validates it against this document.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, ValidationError

from confirmcheck import report_schema, stays_schema
from tests.webhook.helpers import DATA, DocumentedClient, story_body
from webhook.problems import PROBLEM_TYPES

IMPLIED = {"HEAD"}  # answered for every GET route, by HTTP's definition of HEAD


def document(client: DocumentedClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    found: dict[str, Any] = response.get_json()
    return found


def test_it_is_a_valid_openapi_31_document(client: DocumentedClient) -> None:
    meta = json.loads((DATA / "openapi-3.1-schema.json").read_text("utf-8"))
    Draft202012Validator(meta).validate(document(client))


def _schemas(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        if "schema" in value and isinstance(value["schema"], dict):
            yield value["schema"]
        for item in value.values():
            yield from _schemas(item)
    elif isinstance(value, list):
        for item in value:
            yield from _schemas(item)


def test_every_schema_in_it_is_a_valid_json_schema(client: DocumentedClient) -> None:
    doc = document(client)
    schemas = [*doc["components"]["schemas"].values(), *_schemas(doc["paths"])]
    assert len(schemas) > 10
    for schema in schemas:
        Draft202012Validator.check_schema(schema)


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_every_reference_resolves(client: DocumentedClient) -> None:
    doc = document(client)
    for ref in _refs(doc):
        assert ref.startswith("#/")
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part]


def _live_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in IMPLIED
    }


def _documented_routes(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method
        in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    }


def test_every_route_is_documented_and_every_documented_route_exists(
    app: Flask, client: DocumentedClient
) -> None:
    assert _live_routes(app) == _documented_routes(document(client))


def test_the_document_follows_the_settings(
    client_for: Callable[..., DocumentedClient],
) -> None:
    plain = document(client_for())
    assert "bearerToken" not in plain["components"]["securitySchemes"]
    assert plain["paths"]["/v1/check"]["post"]["security"] == [{"standardWebhooks": []}]
    assert (
        "300 seconds"
        in plain["components"]["responses"]["Unauthenticated"]["description"]
    )

    tuned = document(
        client_for(BEARER_TOKEN="b" * 20, MAX_BODY_BYTES="5000", TOLERANCE_SECONDS="60")
    )
    assert tuned["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    post = tuned["paths"]["/v1/check"]["post"]
    assert {"bearerToken": []} in post["security"]
    assert all(not p["required"] for p in post["parameters"])
    assert "5000 bytes" in tuned["components"]["responses"]["TooLarge"]["description"]
    assert (
        "60 seconds"
        in tuned["components"]["responses"]["Unauthenticated"]["description"]
    )


def test_every_operation_documents_the_request_id_header(
    client_for: Callable[..., DocumentedClient],
) -> None:
    # With every optional route on, so that /metrics and its 401 are covered too.
    doc = document(client_for(METRICS="true", METRICS_TOKEN="m" * 20))
    meta = json.loads((DATA / "openapi-3.1-schema.json").read_text("utf-8"))
    Draft202012Validator(meta).validate(doc)
    header = doc["components"]["headers"]["RequestId"]
    assert header["required"] is True
    pattern = re.compile(header["schema"]["pattern"])
    operations = [
        op
        for item in doc["paths"].values()
        for op in item.values()
        if "responses" in op
    ]
    assert len(operations) >= 6
    for operation in operations:
        for status, given in operation["responses"].items():
            name = given["$ref"].rsplit("/", 1)[1] if "$ref" in given else None
            response = doc["components"]["responses"][name] if name else given
            assert response["headers"]["Request-Id"] == {
                "$ref": "#/components/headers/RequestId"
            }, (operation["summary"], status)
    # And what is documented is what is sent, for a made id and a sender's.
    client = client_for()
    made = client.get("/healthz").headers["Request-Id"]
    assert made.startswith("req_")
    assert pattern.fullmatch(made)
    sent = client.signed("/v1/check", story_body()).headers["Request-Id"]
    assert pattern.fullmatch(sent)
    assert not sent.startswith("req_")


def test_every_problem_type_is_listed(client: DocumentedClient) -> None:
    listed = document(client)["components"]["schemas"]["Problem"]["properties"]["type"][
        "enum"
    ]
    assert set(listed) == {p.uri for p in PROBLEM_TYPES.values()}


def test_the_documented_client_catches_an_undocumented_answer(
    client: DocumentedClient,
) -> None:
    # The check that every other test relies on must be able to fail.
    undocumented = dict(client.document)
    paths = json.loads(json.dumps(undocumented["paths"]))
    del paths["/v1/check"]["post"]["responses"]["401"]
    undocumented["paths"] = paths
    strict = DocumentedClient(client.client, undocumented)
    with pytest.raises(AssertionError, match="401 is not documented"):
        strict.post("/v1/check", json={})
    wrong = json.loads(json.dumps(client.document))
    wrong["components"]["schemas"]["Health"]["properties"]["status"] = {"const": "fine"}
    with pytest.raises(Exception, match="'fine' was expected"):
        DocumentedClient(client.client, wrong).get("/healthz")


def _unembedded(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """An embedded package schema as the package ships it (its own ``$defs`` refs)."""
    text = json.dumps(schema).replace(f"#/components/schemas/{name}/$defs/", "#/$defs/")
    back: dict[str, Any] = json.loads(text)
    return back


def test_the_stays_and_the_report_are_the_package_schemas(
    client: DocumentedClient,
) -> None:
    schemas = document(client)["components"]["schemas"]
    for name, package in (
        ("StaysDocument", stays_schema()),
        ("Report", report_schema()),
    ):
        del package["$schema"]
        assert _unembedded(schemas[name], name) == package
    # Every body refers to them rather than restating them.
    stays = _ref_to("StaysDocument")
    report = _ref_to("Report")
    for request in ("CheckRequest", "AttachRequest"):
        for side in ("requested", "confirmed"):
            assert schemas[request]["properties"][side]["$ref"] == _ref_to("Stays")
    assert [option.get("$ref") for option in schemas["Stays"]["anyOf"]] == [stays, None]
    for answer in ("CheckResponse", "AttachResponse"):
        assert schemas[answer]["properties"]["report"] == {"$ref": report}
    assert not {"Stay", "StaysFile", "Range", "DifferentRange"} & set(schemas)


def _ref_to(name: str) -> str:
    return f"#/components/schemas/{name}"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("booked", 0, "stay"), None),
        (("not_booked", 0, "room_type"), " double "),
        (("not_booked", 0, "check_in"), "2026-3-9"),
    ],
)
def test_the_documented_report_refuses_what_the_report_schema_refuses(
    client: DocumentedClient, where: tuple[str, int, str], value: object
) -> None:
    answer = client.signed("/v1/check", story_body()).get_json()
    client.validate(answer, "/components/schemas/CheckResponse")
    bucket, index, field = where
    report = answer["report"]
    report[bucket] = report[bucket] or [dict(report["not_booked"][0])]
    report[bucket][index][field] = value
    with pytest.raises(ValidationError):
        client.validate(answer, "/components/schemas/CheckResponse")
    with pytest.raises(ValidationError):
        Draft202012Validator(report_schema()).validate(report)
