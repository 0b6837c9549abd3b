"""The request body as the gate reads it: whole, within the limit, and Unicode.

The framing cases that only a real server produces (broken chunked encoding, a
chunked body over the limit, a body shorter than its Content-Length) run against
gunicorn in test_webhook_serve.py; here the same rules are held at the WSGI level,
and lone surrogates (issue 11, item 7) through the Flask test client.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from flask import Flask

from tests.webhook.helpers import DocumentedClient, sign_headers, story_body
from tests.webhook.test_webhook_check import problem
from webhook.body import read_body
from webhook.problems import PROBLEM_TYPES, ProblemError, problem_response

# --- lone surrogates (item 7) -------------------------------------------------------


def _with_surrogate_key() -> str:
    return json.dumps(story_body()).replace('"requested"', '"req\\ud800"', 1)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        pytest.param(_with_surrogate_key(), "in a key of /", id="key"),
        pytest.param(
            json.dumps(story_body(locale="\ud800")), "at /locale", id="top-level"
        ),
        pytest.param(
            json.dumps(story_body()).replace('"single"', '"\\udc00x"', 1),
            "at /requested/stays/0/room_type",
            id="room-type",
        ),
        pytest.param(
            json.dumps(story_body()).replace('"AB-', '"\\udfff', 1),
            "at /confirmed/stays/0/ref",
            id="ref",
        ),
        pytest.param(
            json.dumps(story_body(mail=["\\", "\udbff"])).replace('"mail"', '"m/~"', 1),
            "at /m~1~0/1",
            id="escaped-pointer",
        ),
    ],
)
def test_a_lone_surrogate_is_a_400_naming_its_place(
    client: DocumentedClient,
    caplog: pytest.LogCaptureFixture,
    text: str,
    place: str,
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = client.signed("/v1/check", text)
    body = problem(response, 400, "malformed-request")
    assert "lone surrogate" in body["detail"]
    assert place in body["detail"]
    # Nothing was logged by Flask: no traceback, let alone one quoting the input.
    assert caplog.records == []


def test_a_surrogate_pair_is_a_character(client: DocumentedClient) -> None:
    text = json.dumps(story_body()).replace('"AB-', '"\\ud83d\\ude00', 1)
    assert client.signed("/v1/check", text).status_code == 200


def test_an_escaped_backslash_is_not_a_surrogate(client: DocumentedClient) -> None:
    text = json.dumps(story_body()).replace('"AB-', '"\\\\ud800', 1)
    assert client.signed("/v1/check", text).status_code == 200


def test_the_problem_answer_cannot_fail_on_what_it_quotes(app: Flask) -> None:
    with app.test_request_context():
        response = problem_response(
            PROBLEM_TYPES["invalid-input"],
            "room_type '\ud800' is unknown",
            errors=[{"pointer": "/\udfff", "detail": "x\ud800"}],
        )
    body = json.loads(response.get_data())
    assert body["detail"] == "room_type '\ud800' is unknown"
    assert body["errors"] == [{"pointer": "/\udfff", "detail": "x\ud800"}]


# --- reading the body at the WSGI level ---------------------------------------------


class _Broken(io.RawIOBase):
    """A server's input stream that fails as gunicorn's does on a bad chunk size."""

    def __init__(self, first: bytes) -> None:
        self.first = first

    def read(self, size: int = -1) -> bytes:
        if self.first:
            data, self.first = self.first, b""
            return data
        raise ValueError("Invalid chunk size: 'zz'")


def _environ(stream: Any, length: int | None) -> dict[str, Any]:
    environ: dict[str, Any] = {"wsgi.input": stream, "wsgi.input_terminated": True}
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    return environ


def _refusal(environ: dict[str, Any], limit: int) -> ProblemError:
    with pytest.raises(ProblemError) as caught:
        read_body(environ, limit)
    return caught.value


def test_a_chunked_body_of_exactly_the_limit_is_read() -> None:
    assert read_body(_environ(io.BytesIO(b"x" * 2048), None), 2048) == b"x" * 2048


def test_a_chunked_body_over_the_limit_is_refused_not_cut() -> None:
    error = _refusal(_environ(io.BytesIO(b"x" * 2049), None), 2048)
    assert (error.kind.status, error.detail) == (
        413,
        "the body has more than 2048 bytes; at most 2048 are accepted",
    )


def test_a_body_shorter_than_its_length_is_refused() -> None:
    error = _refusal(_environ(io.BytesIO(b"x" * 100), 300), 2048)
    assert error.kind.status == 400
    assert error.detail.startswith("the body ended after 100 of the 300 bytes")


def test_a_failing_stream_is_a_400_that_does_not_quote_it() -> None:
    error = _refusal(_environ(_Broken(b"{"), None), 2048)
    assert error.kind.status == 400
    assert "zz" not in error.detail
    assert "chunked framing is broken" in error.detail


def test_without_a_length_nor_a_terminated_stream_there_is_no_body() -> None:
    environ = _environ(io.BytesIO(b"never read"), None)
    del environ["wsgi.input_terminated"]
    assert read_body(environ, 2048) == b""


def test_a_signed_story_still_passes_the_gate(client: DocumentedClient) -> None:
    text = json.dumps(story_body())
    response = client.post("/v1/check", data=text, headers=sign_headers(text))
    assert response.status_code == 200
