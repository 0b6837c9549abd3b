"""``PUT``/``GET``/``DELETE /v1/requests/{ref}``: the request registry over HTTP.

A booking engine stores the guest's request when he asks, under the reservation's
reference; the relay finds it when the confirmation mail passes. The routes exist
only when ``CONFIRMCHECK_REGISTRY`` is set, and every one is signed like the rest
of the API (an empty body for GET and DELETE). Stored documents are returned
exactly as given and never logged. A registry that cannot be reached is a 500
problem whose log line names only the exception's class.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final

from flask import Blueprint, Flask, Response, current_app, request

from confirmcheck import InputError
from confirmcheck.registry import (
    Entry,
    Registry,
    RegistryError,
    check_ref,
    make_entries,
    make_entry,
    open_registry,
)

from .api import _authenticate, config, parse_body
from .problems import ProblemError

__all__ = ["PUT_FIELDS", "bp", "register", "registry"]

bp = Blueprint("requests", __name__, url_prefix="/v1/requests")
PUT_FIELDS: Final = ("requested", "confirmed")


def registry() -> Registry:
    """The running app's registry."""
    found: Registry = current_app.extensions["confirmcheck.registry"]
    return found


@bp.before_request
def _gate() -> None:
    settings = config()
    declared = request.content_length
    if declared is not None and declared > settings.max_body_bytes:
        raise ProblemError(
            "too-large",
            f"the body has {declared} bytes; at most {settings.max_body_bytes} "
            "are accepted",
        )
    body = request.get_data(cache=True)
    _authenticate(settings, body)
    if request.method in ("PUT", "POST") and request.mimetype != "application/json":
        raise ProblemError(
            "unsupported-media-type",
            "send the body as Content-Type: application/json (UTF-8), not "
            + (request.content_type or "no Content-Type"),
        )


def _document(value: Any, field: str) -> bytes:
    """A side's document as stored: iCalendar (or other) text as its UTF-8 bytes,
    a JSON stays value as its JSON text."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    raise InputError(
        "must be an array of stays, an object with a stays array, or iCalendar text",
        path=(field,),
    )


def _shown(document: bytes) -> Any:
    """A stored document as the GET answer shows it: JSON as JSON, else text."""
    try:
        return json.loads(document)
    except ValueError:
        return document.decode("utf-8", "replace")


def _described(entry: Entry) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "last_night": entry.last_night.isoformat(),
        "stored_at": entry.stored_at.isoformat().replace("+00:00", "Z"),
    }


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _checked(ref: str) -> str:
    try:
        return check_ref(ref)
    except InputError as error:
        raise ProblemError("not-found", f"no request can be stored as {ref!r}: "
                           f"{error.problems[0].message}") from None  # fmt: skip


@bp.put("/<path:ref>")
def put(ref: str) -> Response:
    """Store the guest's request (and optionally the confirmed stays) under ref."""
    ref = _checked(ref)
    body = parse_body(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise InputError("must be an object with requested", path=())
    unknown = [key for key in body if key not in PUT_FIELDS]
    if unknown:
        raise InputError(
            f"is not a field here (known: {', '.join(PUT_FIELDS)})", path=(unknown[0],)
        )
    if "requested" not in body:
        raise InputError("is missing", path=("requested",))
    requested = _document(body["requested"], "requested")
    confirmed = None
    if body.get("confirmed") is not None:
        confirmed = _document(body["confirmed"], "confirmed")
    stored_at = dt.datetime.fromtimestamp(int(config().now()), dt.UTC)
    entry = make_entry(ref, requested, stored_at=stored_at, confirmed=confirmed)
    registry().put(entry)
    return _json(_described(entry))


@bp.post("")
def put_all() -> Response:
    """Store every reservation of a message under its own reference (an
    AlpineBits GuestRequests message: each under its UniqueID)."""
    body = parse_body(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise InputError("must be an object with requested", path=())
    unknown = [key for key in body if key != "requested"]
    if unknown:
        raise InputError("is not a field here (known: requested)", path=(unknown[0],))
    if "requested" not in body:
        raise InputError("is missing", path=("requested",))
    requested = _document(body["requested"], "requested")
    stored_at = dt.datetime.fromtimestamp(int(config().now()), dt.UTC)
    entries = make_entries(requested, stored_at=stored_at)
    for entry in entries:
        registry().put(entry)
    return _json({"stored": [_described(entry) for entry in entries]})


@bp.get("/<path:ref>")
def get(ref: str) -> Response:
    """The request stored under ref, with its documents as given."""
    ref = _checked(ref)
    entry = registry().get(ref)
    if entry is None:
        raise ProblemError("not-found", f"no request is stored as {ref}")
    body = _described(entry)
    body["requested"] = _shown(entry.requested)
    if entry.confirmed is not None:
        body["confirmed"] = _shown(entry.confirmed)
    return _json(body)


@bp.delete("/<path:ref>")
def delete(ref: str) -> Response:
    """Remove the request stored under ref."""
    ref = _checked(ref)
    removed = registry().delete(ref)
    if not removed:
        raise ProblemError("not-found", f"no request is stored as {ref}")
    return Response(status=204)


def register(app: Flask, url: str) -> None:
    """Open the registry at ``url`` and serve its routes; a registry that cannot
    be opened stops start-up (ConfigError), like a missing secret."""
    from .config import ConfigError

    try:
        app.extensions["confirmcheck.registry"] = open_registry(url)
    except RegistryError as error:
        raise ConfigError(f"CONFIRMCHECK_REGISTRY: {error}") from None
    app.register_blueprint(bp)
