"""The limits bound the largest request: at most MAX_ANSWER_BYTES answered, and the
numbers stated where integrators read them (issue 11, item 26). The CPU side of the
budget is measured by benchmarks/bench_largest.py, never asserted here."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest

from tests.webhook.helpers import ROOT, DocumentedClient, sign_headers
from tests.webhook.test_webhook_check import problem
from webhook.api import MAX_ANSWER_BYTES, MAX_ENTRIES, MAX_STAYS
from webhook.config import DEFAULT_MAX_BODY_BYTES

MAIL = (
    b"From: hotel@example.org\r\nTo: guest@example.org\r\nSubject: Confirmation\r\n"
    b"Date: Thu, 28 May 2026 20:00:00 +0000\r\nMessage-ID: <limits@example.org>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"We confirm your stays.\r\n"
)


def _side(*, room_type: str, ref: str = "R", late: int = 0) -> list[dict[str, Any]]:
    """The most entries, expanded to the most stays: weekly series."""
    start = dt.date(2026, 1, 5)
    return [
        {
            "check_in": (start + dt.timedelta(days=i % 7 + late)).isoformat(),
            "check_out": (start + dt.timedelta(days=i % 7 + late + 2)).isoformat(),
            "room_type": room_type,
            "ref": f"{ref}{i:05d}",
            "rrule": f"FREQ=WEEKLY;COUNT={MAX_STAYS // MAX_ENTRIES}",
        }
        for i in range(MAX_ENTRIES)
    ]


def _largest(*, room_type: str = "double", ref: str = "R") -> dict[str, Any]:
    # Every stay booked as another room type: the longest report and summary
    # (benchmarks/bench_largest.py, "series-other-type").
    return {
        "requested": _side(room_type=room_type, ref=ref),
        "confirmed": _side(room_type="suite", ref=ref),
        "locale": "de",
        "mail": base64.b64encode(MAIL).decode("ascii"),
    }


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/v1/check", "application/json"), ("/v1/attach", "message/rfc822")],
)
def test_the_largest_accepted_request_is_answered_within_the_limit(
    client: DocumentedClient, path: str, accept: str
) -> None:
    body = _largest()
    if path == "/v1/check":
        del body["mail"]
    text = json.dumps(body)
    # The raw test client: holding a 3 MB answer to the schema takes seconds.
    response = client.client.post(
        path, data=text, headers={**sign_headers(text), "Accept": accept}
    )
    assert response.status_code == 200
    assert len(response.get_data()) <= MAX_ANSWER_BYTES


def test_an_answer_over_the_limit_is_refused_not_sent(
    client: DocumentedClient,
) -> None:
    body = _largest(room_type="x" * 195, ref="y" * 195)
    response = client.signed("/v1/attach", body)
    found = problem(response, 422, "invalid-input")
    assert found["detail"].startswith("the answer would have ")
    assert f"at most {MAX_ANSWER_BYTES} are sent" in found["detail"]
    assert [e["pointer"] for e in found["errors"]] == [""]


def test_the_limits_are_stated_in_the_openapi_document(
    client: DocumentedClient,
) -> None:
    text = json.dumps(client.document)
    for number in (MAX_ENTRIES, MAX_STAYS, MAX_ANSWER_BYTES, DEFAULT_MAX_BODY_BYTES):
        assert str(number) in text


def test_the_limits_are_stated_in_the_docs() -> None:
    doc = (ROOT / "docs" / "webhook.md").read_text("utf-8")
    limits = doc.split("### Limits", 1)[1].split("###", 1)[0]
    assert f"| {MAX_ENTRIES}, counted before" in limits
    assert f"| {MAX_STAYS}, counted while expanding" in limits
    assert f"| {MAX_ANSWER_BYTES:,} bytes;" in limits
    assert f"| {DEFAULT_MAX_BODY_BYTES // 1024 // 1024} MiB:" in limits
    assert f"| {DEFAULT_MAX_BODY_BYTES} (4 MiB) |" in doc
