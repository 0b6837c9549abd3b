"""The one place where exceptions become RFC 9457 ``application/problem+json``.

Every response that is not a success is a problem document: ``type``, ``title``,
``status``, ``detail``, and for input that makes no sense an ``errors`` list of
``{"pointer": <RFC 6901 pointer into the request body>, "detail": ...}``. Nothing
of a traceback ever reaches a response: an unexpected exception is a bare 500
whose log line names only the exception's class and where it was raised.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Flask, Response, g
from werkzeug.exceptions import HTTPException

from confirmcheck import InputError

__all__ = [
    "PROBLEM_TYPES",
    "ProblemError",
    "ProblemType",
    "problem_response",
    "register_error_handlers",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE_BASE = "tag:confirmcheck,2026:problem:"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A kind of problem: its ``type`` URI (from ``slug``), status and title."""

    slug: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        """The ``type`` member: an identifier, not a page to fetch (RFC 4151 tag)."""
        return _TYPE_BASE + self.slug


PROBLEM_TYPES: Mapping[str, ProblemType] = {
    p.slug: p
    for p in (
        ProblemType("malformed-request", 400, "The request body is not valid JSON"),
        ProblemType("unauthenticated", 401, "The request is not authenticated"),
        ProblemType("not-found", 404, "There is no such resource"),
        ProblemType("method-not-allowed", 405, "The method is not allowed here"),
        ProblemType("too-large", 413, "The request body is too large"),
        ProblemType("unsupported-media-type", 415, "The body must be JSON"),
        ProblemType("invalid-input", 422, "The input makes no sense"),
        ProblemType("internal-error", 500, "Internal error"),
        ProblemType("not-ready", 503, "The service is not ready"),
    )
}
# HTTP errors raised by Werkzeug itself that are not one of ours: 400 for a body
# that ended early, 413 for a stream over the limit, and so on.
_BY_STATUS = {p.status: p for p in PROBLEM_TYPES.values()}


class ProblemError(Exception):
    """Raise to answer with a problem document of ``kind`` (a slug)."""

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        errors: Sequence[Mapping[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = PROBLEM_TYPES[kind]
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = dict(headers or {})


def problem_response(
    kind: ProblemType,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A problem document as a response; the slug is kept for the request log."""
    body: dict[str, object] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [dict(e) for e in errors]
    g.problem = kind.slug
    # A detail may quote the input. Text that cannot be UTF-8 (a lone surrogate)
    # is written as its JSON escape, which reads back as the same string: the
    # answer to bad input must never fail itself.
    content = json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")
    response = Response(
        content,
        status=kind.status,
        mimetype=PROBLEM_MEDIA_TYPE,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_problem(error: ProblemError) -> Response:
    return problem_response(
        error.kind, error.detail, errors=error.errors, headers=error.headers
    )


def _from_input(error: InputError) -> Response:
    return problem_response(
        PROBLEM_TYPES["invalid-input"],
        str(error),
        errors=[{"pointer": p.pointer, "detail": p.message} for p in error.problems],
    )


def _from_http(error: HTTPException) -> Response:
    status = error.code or 500
    kind = _BY_STATUS.get(status)
    if kind is None:  # pragma: no cover - Werkzeug raises only the statuses above
        kind = ProblemType("http-error", status, error.name)
    # Werkzeug's own headers carry meaning (Allow for 405); its body does not.
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() not in ("content-type", "content-length")
    }
    detail = error.description or error.name
    return problem_response(kind, _plain(detail), headers=headers)


def _plain(text: str) -> str:
    # Werkzeug's descriptions are written for HTML pages.
    return " ".join(text.replace("<", "").replace(">", "").split())


def _from_unexpected(error: Exception) -> Response:
    frame = (
        traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    )
    # The exception's message may quote the input: log where it happened, not what.
    g.error = {
        "class": type(error).__name__,
        "at": f"{frame[0].filename}:{frame[0].lineno}" if frame else None,
    }
    return problem_response(
        PROBLEM_TYPES["internal-error"],
        "The service failed on this request. It changed nothing; the log has a "
        "line for it.",
    )


def register_error_handlers(app: Flask) -> None:
    """Map every exception a request can raise to a problem response, in one place."""
    app.register_error_handler(ProblemError, _from_problem)
    app.register_error_handler(InputError, _from_input)
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(Exception, _from_unexpected)
