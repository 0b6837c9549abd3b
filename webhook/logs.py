"""One JSON line per request: what happened, never what was in it.

A line holds the route pattern (never the raw path), method, status, duration,
sizes, whether everything was booked as requested, the problem type of a refusal and
the ``webhook-id`` of a signed request (the sender's message id, which lets an
operator match a retry). Never bodies, mails, stays, names, headers or error
messages: those may carry personal data.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable

from flask import Flask, Response, g, request

__all__ = ["LogWriter", "install_request_log", "write_stderr"]

LogWriter = Callable[[str], None]


def write_stderr(line: str) -> None:
    """Write one log line to standard error (where gunicorn's own log goes)."""
    stream = sys.stderr
    stream.write(line + "\n")
    stream.flush()


def install_request_log(app: Flask, write: LogWriter, now: Callable[[], float]) -> None:
    """Time every request and write its line once the response is made."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        started = g.get("started")
        duration = (time.perf_counter() - started) * 1000 if started else 0.0
        rule = request.url_rule
        record = {
            "ts": dt.datetime.fromtimestamp(now(), dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "event": "request",
            "method": request.method,
            "route": rule.rule if rule is not None else None,
            "status": response.status_code,
            "duration_ms": round(duration, 3),
            "bytes_in": request.content_length or 0,
            "bytes_out": response.calculate_content_length() or 0,
            "complete": g.get("complete"),
            "problem": g.get("problem"),
            "webhook_id": g.get("webhook_id"),
            "request_id": g.get("request_id"),
        }
        error = g.get("error")
        if error is not None:
            record["error"] = error
        write(json.dumps(record, separators=(",", ":")))
        return response
