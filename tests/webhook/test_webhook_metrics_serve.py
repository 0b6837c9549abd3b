"""Metrics from a real ``confirmcheck-webhook`` with two gunicorn workers: whichever
worker answers ``/metrics``, it counts what both workers did.

The test sends requests until both workers have answered some (each worker keeps
its values in a file named after its pid in the per-start directory, which the
test finds under its own TMPDIR), in a bounded loop, never with a sleep.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.webhook.helpers import SECRET, story_body
from tests.webhook.test_webhook_attach import confirmation
from tests.webhook.test_webhook_ops import REFUSED, value
from tests.webhook.test_webhook_serve import Server, _environ, call, signed, start

MAX_ROUNDS = 100


@pytest.fixture(scope="module")
def metrics_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("metrics-tmp")


@pytest.fixture(scope="module")
def metrics_server(metrics_tmp: Path) -> Iterator[Server]:
    environ = _environ(SECRET=SECRET, METRICS="true")
    environ["TMPDIR"] = str(metrics_tmp)
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    running = start(
        ["-m", "webhook", "--bind", "127.0.0.1:0", "--workers", "2"], environ
    )
    yield running
    running.stop()


def _worker_pids(directory: Path, master: int) -> set[int]:
    pids = set()
    for path in directory.glob("*.db"):
        pid = int(path.stem.rpartition("_")[2])
        if pid != master:
            pids.add(pid)
    return pids


def _post(server: Server, path: str, body: dict[str, object]) -> int:
    text = json.dumps(body)
    status, _, _ = call(server, "POST", path, text, signed(text))
    return status


def test_two_workers_one_count(metrics_server: Server, metrics_tmp: Path) -> None:
    (directory,) = metrics_tmp.glob("confirmcheck-metrics-*")
    story = story_body()
    mail = base64.b64encode(confirmation()).decode("ascii")
    signed_mail = base64.b64encode((REFUSED / "multipart-signed.eml").read_bytes())
    checks = attaches = 0
    for _ in range(MAX_ROUNDS):
        assert _post(metrics_server, "/v1/check", story) == 200
        assert _post(metrics_server, "/v1/attach", {**story, "mail": mail}) == 200
        checks += 1
        attaches += 1
        if len(_worker_pids(directory, metrics_server.process.pid)) >= 2:
            break
    else:
        pytest.fail(f"one worker answered all of {MAX_ROUNDS * 2} requests")
    refused = {**story, "mail": signed_mail.decode("ascii")}
    assert _post(metrics_server, "/v1/attach", refused) == 422

    status, headers, body = call(metrics_server, "GET", "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode("utf-8")
    requests = "confirmcheck_http_requests_total"
    assert value(text, requests, route="/v1/check", method="POST", status="200") == (
        checks
    )
    assert (
        value(text, requests, route="/v1/attach", method="POST", status="200")
        == attaches
    )
    assert value(text, "confirmcheck_checks_total", verdict="not_complete") == (
        checks + attaches
    )
    assert value(text, "confirmcheck_not_booked_room_nights_total") == 4 * (
        checks + attaches
    )
    assert value(text, "confirmcheck_mails_changed_total") == attaches
    assert value(text, "confirmcheck_mails_refused_total", reason="signed") == 1
    assert (
        value(
            text,
            "confirmcheck_http_request_duration_seconds_count",
            route="/v1/attach",
            method="POST",
        )
        == attaches + 1
    )


def test_the_directory_goes_with_the_server(metrics_tmp: Path) -> None:
    environ = _environ(SECRET=SECRET, METRICS="true")
    scratch = metrics_tmp / "second"
    scratch.mkdir()
    environ["TMPDIR"] = str(scratch)
    server = start(
        ["-m", "webhook", "--bind", "127.0.0.1:0", "--workers", "1"], environ
    )
    try:
        assert len(list(scratch.glob("confirmcheck-metrics-*"))) == 1
        assert call(server, "GET", "/metrics")[0] == 200
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert list(scratch.iterdir()) == []
