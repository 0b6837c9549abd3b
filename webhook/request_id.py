"""A request id on every request: the sender's ``webhook-id``, or one made here.

It goes into the request's log line (``request_id``) and back to the caller in the
``Request-Id`` response header, so that a sender, a proxy and an operator can name
the same request. A ``webhook-id`` is used as it is when it looks like one (1 to
256 visible ASCII characters, as docs/webhook.md asks of senders), whether or not
its signature turns out valid: it names the request, it does not vouch for it.
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, request

__all__ = ["REQUEST_ID_HEADER", "install_request_id", "request_id"]

REQUEST_ID_HEADER = "Request-Id"
_USABLE = re.compile(r"[\x21-\x7e]{1,256}")


def request_id() -> str:
    """The current request's id (made on first use)."""
    found: str | None = g.get("request_id")
    if found is None:
        given = request.headers.get("webhook-id", "")
        found = given if _USABLE.fullmatch(given) else "req_" + secrets.token_hex(12)
        g.request_id = found
    return found


def install_request_id(app: Flask) -> None:
    """Give every request an id before anything else runs, and echo it."""

    @app.before_request
    def _assign() -> None:
        request_id()

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response
