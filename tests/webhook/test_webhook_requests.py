"""``/v1/requests/{ref}``: the registry over HTTP, signed like every route."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from werkzeug.test import TestResponse

from tests.webhook.helpers import SECRET, STORY, DocumentedClient, sign_headers

Make = Callable[..., DocumentedClient]


@pytest.fixture
def client(client_for: Make, tmp_path: Path) -> DocumentedClient:
    return client_for(REGISTRY=f"sqlite://{tmp_path / 'requests.db'}")


def signed(
    client: DocumentedClient, method: str, path: str, body: object = None
) -> TestResponse:
    data = b"" if body is None else json.dumps(body).encode()
    headers = sign_headers(data)
    if body is None:
        del headers["Content-Type"]
    return client.open(path, method, data=data, headers=headers)


def story_request() -> object:
    return json.loads((STORY / "requested.json").read_text("utf-8"))


def test_put_get_delete(client: DocumentedClient) -> None:
    stored = signed(
        client, "PUT", "/v1/requests/AB-4711", {"requested": story_request()}
    )
    assert stored.status_code == 200
    assert stored.get_json()["last_night"] == "2026-05-21"
    found = signed(client, "GET", "/v1/requests/AB-4711")
    assert found.status_code == 200
    assert found.get_json()["requested"] == story_request()
    assert "confirmed" not in found.get_json()
    assert signed(client, "DELETE", "/v1/requests/AB-4711").status_code == 204
    assert signed(client, "GET", "/v1/requests/AB-4711").status_code == 404
    assert signed(client, "DELETE", "/v1/requests/AB-4711").status_code == 404


def test_an_ics_request_and_its_confirmation_are_kept_as_text(
    client: DocumentedClient,
) -> None:
    requested = (STORY / "requested.ics").read_text("utf-8")
    confirmed = (STORY / "confirmed.ics").read_text("utf-8")
    body = {"requested": requested, "confirmed": confirmed}
    assert signed(client, "PUT", "/v1/requests/R%2F7", body).status_code == 200
    found = signed(client, "GET", "/v1/requests/R%2F7").get_json()
    assert (found["requested"], found["confirmed"]) == (requested, confirmed)


def test_a_request_that_is_not_stays_is_422_naming_the_place(
    client: DocumentedClient,
) -> None:
    bad = {"requested": [{"check_in": "2026-03-09", "check_out": "2026-03-01"}]}
    answer = signed(client, "PUT", "/v1/requests/A-1", bad)
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["pointer"].startswith("/requested")
    assert signed(client, "PUT", "/v1/requests/A-1", {"x": 1}).status_code == 422


def test_every_route_is_signed(client: DocumentedClient) -> None:
    assert client.get("/v1/requests/AB-4711").status_code == 401
    answer = client.open("/v1/requests/AB-4711", "DELETE")
    assert answer.status_code == 401


def test_without_a_registry_there_are_no_such_routes(
    client_for: Make,
) -> None:
    plain = client_for()
    assert "/v1/requests/{ref}" not in plain.document["paths"]
    assert signed(plain, "GET", "/v1/requests/AB-4711").status_code == 404


def test_the_document_with_a_registry_is_valid_and_lists_exactly_its_routes(
    client_for: Make, tmp_path: Path
) -> None:
    import re

    from jsonschema import Draft202012Validator

    from tests.webhook.helpers import DATA
    from webhook import create_app

    with_registry = client_for(REGISTRY=f"sqlite://{tmp_path / 'r.db'}")
    meta = json.loads((DATA / "openapi-3.1-schema.json").read_text("utf-8"))
    Draft202012Validator(meta).validate(with_registry.document)
    app = create_app(
        {
            "CONFIRMCHECK_SECRET": SECRET,
            "CONFIRMCHECK_REGISTRY": f"sqlite://{tmp_path / 'r.db'}",
            "LOG": lambda line: None,
        }
    )
    live = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/requests")
    }
    assert live == {
        path
        for path in with_registry.document["paths"]
        if path.startswith("/v1/requests")
    }


def test_guest_requests_are_posted_as_they_are(client: DocumentedClient) -> None:
    xml = (
        Path(__file__).resolve().parents[1]
        / "relay"
        / "data"
        / "guest-requests-two.xml"
    ).read_text("utf-8")
    answer = signed(client, "POST", "/v1/requests", {"requested": xml})
    assert answer.status_code == 200
    assert [e["ref"] for e in answer.get_json()["stored"]] == ["GR-1001", "GR-1002"]
    found = signed(client, "GET", "/v1/requests/GR-1002").get_json()
    assert found["requested"] == xml
    nothing = signed(client, "POST", "/v1/requests", {"requested": story_request()})
    assert nothing.status_code == 422  # the story's stays name no reference
