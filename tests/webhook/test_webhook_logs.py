"""One JSON line per request: route, status, duration, complete or not; never the
content of the request, a mail or personal data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.webhook.helpers import DocumentedClient, sign_headers, story_body

Logs = Callable[[], list[dict[str, Any]]]

PERSONAL = ("AB-4711", "Alpenblick", "2026-03-09", "single", "Europe/Vienna")


def test_one_line_per_request(
    client: DocumentedClient, logs: Logs, log_lines: list[str]
) -> None:
    client.get("/healthz")
    client.signed("/v1/check", story_body())
    client.signed("/v1/check", {"requested": []})
    client.post("/v1/check", json=story_body())
    client.get("/nowhere/AB-4711")
    assert len(log_lines) == 5
    assert all("\n" not in line for line in log_lines)
    found = logs()
    assert [(x["method"], x["route"], x["status"]) for x in found] == [
        ("GET", "/healthz", 200),
        ("POST", "/v1/check", 200),
        ("POST", "/v1/check", 422),
        ("POST", "/v1/check", 401),
        ("GET", None, 404),
    ]
    assert [x["complete"] for x in found] == [None, False, None, None, None]
    assert [x["problem"] for x in found] == [
        None,
        None,
        "invalid-input",
        "unauthenticated",
        "not-found",
    ]
    assert found[1]["webhook_id"] == "msg_2Nv8aKq1"
    assert found[3]["webhook_id"] is None
    for line in found:
        assert line["event"] == "request"
        assert line["ts"] == "2026-05-28T20:26:40.000+00:00"
        assert isinstance(line["duration_ms"], float)
        assert line["duration_ms"] >= 0
    assert found[1]["bytes_in"] == len(json.dumps(story_body()).encode())
    assert found[1]["bytes_out"] > 1000


def test_no_content_and_no_personal_data(
    client: DocumentedClient, log_lines: list[str]
) -> None:
    body = story_body(locale="de")
    client.signed("/v1/check", body)
    bad = story_body()
    bad["requested"]["stays"][0]["check_out"] = "2026-03-09"
    bad["requested"]["stays"][0]["check_in"] = "2026-03-09"
    client.signed("/v1/check", bad)
    client.post(
        "/v1/check",
        data=json.dumps(body),
        headers={**sign_headers("x"), "X-Guest": "Jane Doe"},
    )
    assert len(log_lines) == 3
    text = "\n".join(log_lines)
    for value in (
        *PERSONAL,
        "Jane Doe",
        "NOT BOOKED",
        "NICHT GEBUCHT",
        "whsec_",
        "v1,",
    ):
        assert value not in text
