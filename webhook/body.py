"""The request body, read whole and within the limit before anything judges it.

Werkzeug's own reading cuts a body sent without ``Content-Length`` (chunked) at the
limit and hands on its first LIMIT bytes as if they were all, takes a body that
ended before its ``Content-Length`` as complete, and lets a server's error about
broken chunked framing through as an exception of the server's own kind (a 500).
Here each is a refusal with a problem document: 413 for a body over the limit
however it is framed, 400 for a body that ends early or cannot be read.
"""

from __future__ import annotations

import re
from typing import IO, Any

from flask import g
from werkzeug.wsgi import get_content_length

from .problems import ProblemError

__all__ = ["read_body", "refuse_lone_surrogates", "request_body"]

#: How much is asked of the server's input stream at a time.
_STEP = 256 * 1024


def read_body(environ: dict[str, Any], limit: int) -> bytes:
    """The whole body of the request in ``environ``; a :class:`ProblemError`
    (413 or 400) when it is over ``limit`` bytes, ends early or cannot be read.

    A declared ``Content-Length`` over the limit is refused before a byte is read;
    a chunked body is read up to one byte past the limit, so that a body of
    exactly ``limit`` bytes is accepted and a longer one is refused, not cut.
    """
    stream: IO[bytes] = environ["wsgi.input"]
    declared = get_content_length(environ)  # None for a chunked body
    if declared is not None:
        if declared > limit:
            raise ProblemError(
                "too-large",
                f"the body has {declared} bytes; at most {limit} are accepted",
            )
        body = _read(stream, declared)
        if len(body) < declared:
            raise ProblemError(
                "malformed-request",
                f"the body ended after {len(body)} of the {declared} bytes its "
                "Content-Length announced",
            )
        return body
    if not environ.get("wsgi.input_terminated"):
        # A server that does not end the stream itself sends no body without a
        # length (WSGI); reading on would wait for the client to hang up.
        return b""
    body = _read(stream, limit + 1)
    if len(body) > limit:
        raise ProblemError(
            "too-large",
            f"the body has more than {limit} bytes; at most {limit} are accepted",
        )
    return body


def _read(stream: IO[bytes], most: int) -> bytes:
    parts: list[bytes] = []
    left = most
    try:
        while left > 0:
            part = stream.read(min(left, _STEP))
            if not part:
                break
            parts.append(part)
            left -= len(part)
    except Exception:  # each server raises its own classes here
        # The message may quote the bytes that broke the framing: not repeated.
        raise ProblemError(
            "malformed-request",
            "the body could not be read to its end: its chunked framing is "
            "broken (a chunk size that is not hexadecimal, a missing CRLF) or "
            "the connection failed",
        ) from None
    return b"".join(parts)


def request_body() -> bytes:
    """The body of the current request, as the API's gate read it."""
    body: bytes = g.body
    return body


# A JSON escape of half a UTF-16 pair: \uD800 to \uDFFF. A pair decodes to one
# character; a lone half stays a surrogate, which no UTF-8 text can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def refuse_lone_surrogates(text: str, value: object) -> None:
    """Raise a 400 :class:`ProblemError` naming the place when the JSON ``value``
    (decoded from ``text``) holds a lone surrogate, in a string or in a key.

    JSON allows the escape ``"\\ud800"`` but not the character it stands for
    (RFC 8259 section 8.2, I-JSON): it cannot be written as UTF-8, so every
    answer, log line or mail quoting it would fail. The text is scanned first
    (one regular expression in C); the value is walked only when it has such an
    escape.
    """
    if _SURROGATE_ESCAPE.search(text) is None:
        return
    place = _surrogate_place(value, "")
    if place is not None:
        raise ProblemError(
            "malformed-request",
            f"the body holds a lone surrogate (half of a UTF-16 pair, "
            f"\\uD800-\\uDFFF) {place}: JSON text must be Unicode characters",
        )


def _surrogate_place(value: object, pointer: str) -> str | None:
    if isinstance(value, str):
        return None if _is_unicode(value) else f"at {pointer or '/'}"
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _surrogate_place(item, f"{pointer}/{index}")
            if found is not None:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _is_unicode(key):
                return f"in a key of {pointer or '/'}"
            escaped = key.replace("~", "~0").replace("/", "~1")
            found = _surrogate_place(item, f"{pointer}/{escaped}")
            if found is not None:
                return found
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
