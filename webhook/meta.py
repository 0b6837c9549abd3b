"""Routes about the service itself: liveness and its OpenAPI document."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

__all__ = ["bp"]

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness for load balancers: no authentication, no work."""
    response = Response('{"status":"ok"}', mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this service, as configured."""
    document: str = current_app.extensions["confirmcheck.openapi"]
    return Response(document, mimetype="application/json")


def dump(document: object) -> str:
    """The document as served: compact JSON, keys in the order they were built."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
