"""Tracing: a span per request, named by route, exported over OTLP; nothing of a
guest in it."""

from __future__ import annotations

import json
import subprocess
import sys

from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from tests.webhook.conftest import AppFactory
from tests.webhook.helpers import ROOT, SECRET, documented, story_body
from tests.webhook.test_webhook_attach import attach_body
from webhook.tracing import SERVICE_NAME, instrument

PERSONAL = ("AB-4711", "Alpenblick", "2026-03-09", "single", "Europe/Vienna")


def test_a_span_per_request_without_guest_data(make_app: AppFactory) -> None:
    app = make_app()
    exporter = InMemorySpanExporter()
    provider = instrument(app, exporter=exporter)
    client = documented(app)
    assert client.signed("/v1/check", story_body(locale="de")).status_code == 200
    assert client.signed("/v1/attach", attach_body()).status_code == 200
    bad = story_body()
    bad["requested"]["stays"][0]["check_out"] = "2026-01-01"
    assert client.signed("/v1/check", bad).status_code == 422
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    provider.force_flush()
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == [
        "POST /v1/check",
        "POST /v1/attach",
        "POST /v1/check",
    ]
    assert spans[0].resource.attributes["service.name"] == SERVICE_NAME
    for span in spans:
        recorded = json.dumps(
            {
                "attributes": dict(span.attributes or {}),
                "events": [dict(e.attributes or {}) for e in span.events],
            }
        )
        for personal in PERSONAL:
            assert personal not in recorded
    provider.shutdown()


def test_the_endpoint_turns_tracing_on() -> None:
    # In a process of its own: the instrumentation patches Flask globally.
    # Nothing is exported: the process ends before the batch is due, and no span
    # is made (no request).
    script = (
        "from webhook import create_app\n"
        "app = create_app()\n"
        "print(app.extensions['confirmcheck'].tracing, "
        "getattr(app, '_is_instrumented_by_opentelemetry', False))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            "CONFIRMCHECK_SECRET": SECRET,
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
            "OTEL_BSP_SCHEDULE_DELAY": "3600000",
            "PATH": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True True\n"
