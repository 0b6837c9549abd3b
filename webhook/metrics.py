"""Prometheus metrics: how many requests, how fast, and what the checks found.

Off unless ``CONFIRMCHECK_METRICS=true``. Every label comes from a short fixed list
or from the service's own routes, never from a request's content: the route
*pattern* (``/v1/check``; ``unmatched`` for a path that is none), the method, the
status, a check's verdict and the reason a mail was refused. A guest's name,
reference or dates cannot become a label, and neither can a path someone typed.

Under gunicorn each worker is a process of its own, so the values are kept the way
prometheus_client's multiprocess mode keeps them: every worker writes to files in
``PROMETHEUS_MULTIPROC_DIR`` and ``GET /metrics`` (answered by any worker) adds
them all up. ``confirmcheck-webhook`` makes that directory fresh for every start,
sets the variable before prometheus_client is imported (it reads it once, on
import), marks each worker that exits as dead, and removes the directory when it
stops. Without the variable (one process: tests, a single worker) the values live
in the app's own registry.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from flask import Flask, Response, g, request

from confirmcheck.mail import DkimSignedError, MailError, SignedMailError

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from confirmcheck import Report

__all__ = [
    "MULTIPROC_VARIABLE",
    "Metrics",
    "child_exit",
    "install_metrics",
    "multiprocess_directory",
    "refusal_reason",
]

MULTIPROC_VARIABLE: Final = "PROMETHEUS_MULTIPROC_DIR"
#: Methods counted under their own name; anything else a client sends is "other".
_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
)
VERDICTS: Final = ("complete", "not_complete")
REASONS: Final = ("signed", "dkim", "malformed")


def refusal_reason(error: MailError) -> str:
    """Why a mail was refused, as a label: signed, dkim or malformed."""
    if isinstance(error, SignedMailError):
        return "signed"
    if isinstance(error, DkimSignedError):
        return "dkim"
    return "malformed"


class Metrics:
    """The service's metrics, and how to expose them."""

    def __init__(self, multiprocess_dir: str | None) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.multiprocess_dir = multiprocess_dir
        # In multiprocess mode the values go to files whatever the registry; the
        # exposition reads them all (see exposition()).
        self.registry: CollectorRegistry | None = (
            None if multiprocess_dir else CollectorRegistry(auto_describe=True)
        )
        registry = self.registry
        self.requests = Counter(
            "confirmcheck_http_requests",
            "HTTP requests answered, by route pattern, method and status.",
            ("route", "method", "status"),
            registry=registry,
        )
        self.latency = Histogram(
            "confirmcheck_http_request_duration_seconds",
            "Time from the request's arrival at the app to its response.",
            ("route", "method"),
            registry=registry,
        )
        self.checks = Counter(
            "confirmcheck_checks",
            "Reports made (by /v1/check and /v1/attach), by verdict: complete when "
            "everything is booked as requested.",
            ("verdict",),
            registry=registry,
        )
        self.not_booked = Counter(
            "confirmcheck_not_booked_room_nights",
            "Requested room-nights the reports found NOT BOOKED.",
            registry=registry,
        )
        self.mails_changed = Counter(
            "confirmcheck_mails_changed",
            "Mails /v1/attach changed (the summary put at the top).",
            registry=registry,
        )
        self.mails_refused = Counter(
            "confirmcheck_mails_refused",
            "Mails /v1/attach refused to change, by reason: signed (S/MIME, "
            "OpenPGP, encrypted), dkim (a DKIM-Signature), malformed.",
            ("reason",),
            registry=registry,
        )
        # Every known series exists from the start, at 0, so that a rate() over
        # them needs no first event.
        for verdict in VERDICTS:
            self.checks.labels(verdict)
        for reason in REASONS:
            self.mails_refused.labels(reason)

    def record(self, response: Response, seconds: float) -> None:
        """Count one answered request (called once per request)."""
        rule = request.url_rule
        route = rule.rule if rule is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        self.requests.labels(route, method, str(response.status_code)).inc()
        self.latency.labels(route, method).observe(seconds)
        report: Report | None = g.get("report")
        if report is not None:
            self.checks.labels(VERDICTS[0] if report.complete else VERDICTS[1]).inc()
            self.not_booked.inc(report.totals.not_booked_room_nights)
            if request.endpoint == "v1.attach" and response.status_code == 200:
                self.mails_changed.inc()
        refused: MailError | None = g.get("mail_error")
        if refused is not None:
            self.mails_refused.labels(refusal_reason(refused)).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its media type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        if self.registry is not None:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST


def install_metrics(app: Flask, environ: Mapping[str, str] = os.environ) -> Metrics:
    """Count every request of ``app``; the metrics are kept in its extensions."""
    metrics = Metrics(environ.get(MULTIPROC_VARIABLE) or None)
    app.extensions["confirmcheck.metrics"] = metrics

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started: float = g.get("metrics_started", time.perf_counter())
        metrics.record(response, time.perf_counter() - started)
        return response

    return metrics


def child_exit(server: object, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: forget a dead worker's live values."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


@contextmanager
def multiprocess_directory(
    *, enabled: bool = True, environ: MutableMapping[str, str] = os.environ
) -> Iterator[dict[str, Callable[..., None]]]:
    """A fresh ``PROMETHEUS_MULTIPROC_DIR`` for one start of the server.

    Yields the gunicorn settings that go with it (the ``child_exit`` hook); the
    directory is removed, and the variable restored, on the way out. Enter it
    before anything imports prometheus_client. Not ``enabled``: no directory,
    no settings.
    """
    if not enabled:
        yield {}
        return
    before = environ.get(MULTIPROC_VARIABLE)
    directory = tempfile.mkdtemp(prefix="confirmcheck-metrics-")
    environ[MULTIPROC_VARIABLE] = directory
    try:
        yield {"child_exit": child_exit}
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        if before is None:
            environ.pop(MULTIPROC_VARIABLE, None)
        else:
            environ[MULTIPROC_VARIABLE] = before
