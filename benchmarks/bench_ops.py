"""What metrics and tracing cost a request (issue 14).

Run with ``uv run python benchmarks/bench_ops.py`` (7 rounds, about half a minute)
or ``--quick`` (2 short rounds, for CI: it keeps the script working and does not
judge the figures).

It builds the webhook app three times in this process: as shipped (metrics and
tracing off), with ``CONFIRMCHECK_METRICS=true`` in prometheus_client's
multiprocess mode (values written to files, as under gunicorn), and with tracing
on (the OpenTelemetry Flask instrumentation and batch processor, spans to an
in-memory exporter instead of a collector). Each round calls every app's
``wsgi_app`` directly with the same signed ``POST /v1/check`` (the story) and
``POST /v1/attach`` (the story and a 4 KB mail), in turn, N calls each; the
figure is the median over the rounds of the mean time of a call, and the ratio
is to the app as shipped, measured in the same round.

Budgets: metrics add at most 5% to a request, tracing at most 20%. A missed
budget is reported as "over budget"; the script's exit status never depends on a
timing.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "examples" / "story"
MAIL = ROOT / "tests" / "mail" / "corpus" / "alternative-base64-utf8-lf.eml"
BUDGETS = {"metrics": 1.05, "tracing": 1.20}

Call = Callable[[], None]


def _requests(key: bytes) -> dict[str, tuple[str, bytes, dict[str, str]]]:
    from webhook.client import signed_headers

    story = {
        "requested": json.loads((STORY / "requested.json").read_text("utf-8")),
        "confirmed": json.loads((STORY / "confirmed.json").read_text("utf-8")),
    }
    mail = base64.b64encode(MAIL.read_bytes()).decode("ascii")
    out = {}
    for path, body in (("/v1/check", story), ("/v1/attach", {**story, "mail": mail})):
        data = json.dumps(body).encode("utf-8")
        out[path] = (path, data, signed_headers(key, data))
    return out


def _caller(app: Any, path: str, body: bytes, headers: dict[str, str]) -> Call:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(
        path=path, method="POST", data=body, headers=list(headers.items())
    ).get_environ()

    def start_response(status: str, headers: object, *_: object) -> None:
        answered.append(status)

    answered: list[str] = []

    def call() -> None:
        answered.clear()
        for _ in app.wsgi_app(
            {**environ, "wsgi.input": io.BytesIO(body)}, start_response
        ):
            pass
        if not answered or not answered[0].startswith("200"):
            raise SystemExit(f"bench_ops: {path} answered {answered}")

    return call


def _apps(secret: str) -> dict[str, Any]:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter,
    )

    from webhook import create_app
    from webhook.tracing import instrument

    base = {"CONFIRMCHECK_SECRET": secret, "LOG": lambda line: None}
    apps = {
        "off": create_app(base),
        "metrics": create_app({**base, "CONFIRMCHECK_METRICS": "true"}),
        "tracing": create_app(base),
    }
    instrument(apps["tracing"], exporter=InMemorySpanExporter())
    return apps


def run(rounds: int, calls: int) -> dict[str, dict[str, float]]:
    """Median milliseconds per call, by route and variant."""
    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode("ascii")
    apps = _apps(secret)
    requests = _requests(key)
    callers = {
        (path, name): _caller(app, *requests[path])
        for path in requests
        for name, app in apps.items()
    }
    for call in callers.values():  # warm: imports, catalogs, first files
        for _ in range(3):
            call()
    times: dict[tuple[str, str], list[float]] = {k: [] for k in callers}
    order = list(apps)
    for round_ in range(rounds):
        turn = order[round_ % len(order) :] + order[: round_ % len(order)]
        for path in requests:
            for name in turn:
                call = callers[(path, name)]
                started = time.perf_counter()
                for _ in range(calls):
                    call()
                times[(path, name)].append((time.perf_counter() - started) / calls)
    return {
        path: {name: statistics.median(times[(path, name)]) * 1000 for name in apps}
        for path in requests
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 short rounds, for CI")
    options = parser.parse_args(argv)
    rounds, calls = (2, 20) if options.quick else (7, 200)
    # Multiprocess mode is chosen when prometheus_client is first imported.
    with tempfile.TemporaryDirectory(prefix="bench_ops_") as directory:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        figures = run(rounds, calls)
    print(
        f"# bench_ops: median of {rounds} rounds x {calls} calls, ms per call"
        + (" -- QUICK run: the figures are not judged" if options.quick else "")
    )
    print(
        f"{'route':12} {'off':>8} {'metrics':>8} {'ratio':>6} "
        f"{'tracing':>8} {'ratio':>6}"
    )
    verdicts = []
    for path, row in figures.items():
        ratios = {name: row[name] / row["off"] for name in BUDGETS}
        print(
            f"{path:12} {row['off']:8.3f} {row['metrics']:8.3f} "
            f"{ratios['metrics']:6.3f} {row['tracing']:8.3f} {ratios['tracing']:6.3f}"
        )
        verdicts += [ratios[name] <= BUDGETS[name] for name in BUDGETS]
    if options.quick:
        print("verdict: not judged (quick run)")
    else:
        within = all(verdicts)
        print(
            "verdict: "
            + ("within budget" if within else "over budget")
            + " (metrics <= +5%, tracing <= +20%)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
