"""The routes around the API, and the errors no route raises on purpose: 404, 405,
and a bug, each a problem document with nothing of a traceback in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

import webhook.api
from tests.webhook.helpers import DocumentedClient, story_body


def test_healthz_needs_no_authentication(client: DocumentedClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_head_is_answered_for_get_routes(client: DocumentedClient) -> None:
    for path in ("/healthz", "/openapi.json"):
        response = client.open(path, "HEAD")
        assert response.status_code == 200
        assert response.get_data() == b""


@pytest.mark.parametrize(
    "path", ["/", "/v1", "/v1/", "/v1/check/", "/v2/check", "/healthz/x", "/static/x"]
)
def test_unknown_paths_are_404_problems(client: DocumentedClient, path: str) -> None:
    for method in ("GET", "POST"):
        response = client.open(path, method)
        assert response.status_code == 404
        assert response.get_json()["type"] == "tag:confirmcheck,2026:problem:not-found"


@pytest.mark.parametrize(
    ("path", "method", "allow"),
    [
        ("/v1/check", "GET", {"POST"}),
        ("/v1/check", "PUT", {"POST"}),
        ("/v1/check", "OPTIONS", {"POST"}),
        ("/healthz", "POST", {"GET", "HEAD"}),
        ("/healthz", "DELETE", {"GET", "HEAD"}),
        ("/openapi.json", "OPTIONS", {"GET", "HEAD"}),
    ],
)
def test_other_methods_are_405_problems_with_allow(
    client: DocumentedClient, path: str, method: str, allow: set[str]
) -> None:
    response = client.open(path, method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == allow
    problem = response.get_json()
    assert problem["type"] == "tag:confirmcheck,2026:problem:method-not-allowed"
    assert problem["status"] == 405


def test_a_bug_is_a_500_problem_that_tells_nothing(
    app: Flask,
    client: DocumentedClient,
    monkeypatch: pytest.MonkeyPatch,
    logs: Callable[[], list[dict[str, Any]]],
) -> None:
    def broken(*args: object) -> object:
        raise RuntimeError("a message quoting AB-4711 and 2026-03-09")

    monkeypatch.setattr(webhook.api, "compare", broken)
    response = client.signed("/v1/check", story_body())
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "AB-4711" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert json.loads(body)["type"] == "tag:confirmcheck,2026:problem:internal-error"
    line = logs()[-1]
    assert line["status"] == 500
    assert line["error"]["class"] == "RuntimeError"
    assert line["error"]["at"].endswith(".py:" + line["error"]["at"].rsplit(":")[-1])
    assert "AB-4711" not in json.dumps(line)


def test_the_client_stays_usable_after_errors(client: DocumentedClient) -> None:
    # No state survives a request: a refusal does not change the next answer.
    assert client.signed("/v1/check", "{").status_code == 400
    assert client.signed("/v1/check", story_body()).status_code == 200
