"""Routes for operating the service: readiness (``GET /readyz``) and, when turned
on, Prometheus metrics (``GET /metrics``).

``/healthz`` (in :mod:`meta`) answers as long as the process does: liveness.
``/readyz`` answers 200 once the settings, the signing secrets and the summary's
translations for every supported language are loaded, and 503 (problem+json,
naming what is missing) otherwise; the app loads them when it is built, so a
worker is ready before it takes its first request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from flask import Blueprint, Flask, Response, current_app, request

from confirmcheck import (
    SUPPORTED_LOCALES,
    Stay,
    diff,
    render_html,
    render_text,
    summarize,
)

from .auth import AuthError, check_bearer
from .config import Config
from .metrics import Metrics, install_metrics
from .problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES, problem_response

__all__ = [
    "NOT_READY",
    "Readiness",
    "bp",
    "check_readiness",
    "install_ops",
    "metrics_tokens",
    "ops_paths",
]

bp = Blueprint("ops", __name__)
metrics_bp = Blueprint("metrics", __name__)

NOT_READY: Final = PROBLEM_TYPES["not-ready"]
_READINESS = "confirmcheck.readiness"
_METRICS = "confirmcheck.metrics"


@dataclass(frozen=True, slots=True)
class Readiness:
    """What is not loaded yet, one short phrase each; empty when ready."""

    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """True when nothing is missing."""
        return not self.missing


def _load_catalogs() -> None:
    # A summary in every language, with a date in it: the translations and
    # Babel's locale data are read now, not on the first guest's request.
    report = diff([Stay(dt.date(2026, 1, 5), dt.date(2026, 1, 6))], [])
    for locale in SUPPORTED_LOCALES:
        summary = summarize(report, locale=locale)
        render_text(summary)
        render_html(summary)


def check_readiness(
    config: Config | None, load_catalogs: Callable[[], None] = _load_catalogs
) -> Readiness:
    """Whether the service can answer: settings, secrets, translations."""
    missing: list[str] = []
    if config is None:
        missing.append("settings")
    elif not config.keys:  # pragma: no cover - Config refuses to exist without
        missing.append("signing secrets")
    try:
        load_catalogs()
    except Exception as error:  # any failure means "not ready"
        # The class only: a message could quote a file's content.
        missing.append(f"translations ({type(error).__name__})")
    return Readiness(tuple(missing))


def install_ops(app: Flask, config: Config) -> None:
    """Load what readiness needs; register /readyz, and /metrics and tracing when
    they are turned on."""
    app.extensions[_READINESS] = check_readiness(config)
    app.register_blueprint(bp)
    if config.metrics:
        install_metrics(app)
        app.register_blueprint(metrics_bp)
    if config.tracing:
        from .tracing import instrument

        instrument(app)


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness for orchestrators: 200 when ready, 503 problem+json when not."""
    readiness: Readiness | None = current_app.extensions.get(_READINESS)
    if readiness is None or not readiness.ready:
        missing = readiness.missing if readiness is not None else ("settings",)
        response = problem_response(NOT_READY, "not loaded: " + ", ".join(missing))
    else:
        response = Response('{"status":"ready"}', mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def metrics_tokens(config: Config) -> tuple[str, ...]:
    """The bearer tokens ``/metrics`` accepts: the scraper's own metrics token and
    the API's bearer token, whichever are set; none means the route is open."""
    return tuple(
        token
        for token in (config.metrics_token, config.bearer_token)
        if token is not None
    )


def _check_any_bearer(authorization: str, tokens: tuple[str, ...]) -> None:
    """Raise the first token's :class:`AuthError` unless one of ``tokens`` matches."""
    refusal: AuthError | None = None
    for token in tokens:
        try:
            check_bearer(authorization, token)
        except AuthError as error:
            refusal = refusal or error
        else:
            return
    if refusal is not None:
        raise refusal


@metrics_bp.get("/metrics")
def metrics() -> Response:
    """The Prometheus exposition; asks for a bearer token when one is set."""
    config: Config = current_app.extensions["confirmcheck"]
    tokens = metrics_tokens(config)
    if tokens:
        try:
            _check_any_bearer(request.headers.get("Authorization", ""), tokens)
        except AuthError as error:
            return problem_response(
                PROBLEM_TYPES["unauthenticated"],
                error.detail,
                headers={"WWW-Authenticate": 'Bearer realm="confirmcheck-metrics"'},
            )
    found: Metrics = current_app.extensions[_METRICS]
    body, media_type = found.exposition()
    response = Response(body, content_type=media_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def ops_paths(config: Config) -> dict[str, Any]:
    """The OpenAPI paths of these routes, as configured."""
    problem = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    paths: dict[str, Any] = {
        "/readyz": {
            "get": {
                "summary": "Readiness for orchestrators",
                "description": "No authentication. 200 once the settings, signing "
                "secrets and translations are loaded; 503 otherwise.",
                "responses": {
                    "200": {
                        "description": "Ready to take requests.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["status"],
                                    "additionalProperties": False,
                                    "properties": {"status": {"const": "ready"}},
                                }
                            }
                        },
                    },
                    "503": {
                        "description": "Not ready; `detail` says what is missing.",
                        "content": problem,
                    },
                },
            }
        }
    }
    if config.metrics:
        responses: dict[str, Any] = {
            "200": {
                "description": "Prometheus text exposition format 0.0.4.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
        if metrics_tokens(config):
            responses["401"] = {
                "description": "No or a wrong bearer token.",
                "content": problem,
            }
        paths["/metrics"] = {
            "get": {
                "summary": "Prometheus metrics",
                "description": "Requests by route and status, latencies, checks by "
                "verdict, NOT BOOKED room-nights, mails changed and refused. No "
                "label carries a guest's data."
                + (
                    " Asks for the metrics token or the API's bearer token "
                    "(Authorization: Bearer), whichever are set."
                    if metrics_tokens(config)
                    else ""
                ),
                "responses": responses,
            }
        }
    return paths
