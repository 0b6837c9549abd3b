"""Authentication: Standard Webhooks signatures made by the official package, and the
optional bearer token. Every refusal is a 401 problem document, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.webhook.helpers import (
    NOW,
    OTHER_SECRET,
    SECRET,
    DocumentedClient,
    sign_bytes,
    sign_headers,
    story_body,
)
from webhook.auth import AuthError, sign, verify_signature
from webhook.config import decode_secret

BODY = json.dumps(story_body())
TOKEN = "tok_" + "x" * 28


def refused(client: DocumentedClient, headers: dict[str, str], body: str = BODY) -> str:
    response = client.post("/v1/check", data=body, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "tag:confirmcheck,2026:problem:unauthenticated"
    assert problem["status"] == 401
    assert "StandardWebhooks" in response.headers["WWW-Authenticate"]
    assert "Traceback" not in problem["detail"]
    detail: str = problem["detail"]
    return detail


def test_a_request_signed_by_the_official_package_is_accepted(
    client: DocumentedClient,
) -> None:
    response = client.post("/v1/check", data=BODY, headers=sign_headers(BODY))
    assert response.status_code == 200


def test_our_signature_is_the_official_one() -> None:
    from standardwebhooks import Webhook

    headers = sign_headers(BODY)
    assert (
        sign(decode_secret(SECRET), headers["webhook-id"], NOW, BODY.encode())
        == headers["webhook-signature"]
    )
    # And the official verifier accepts what we sign (for a timestamp near its now).
    import time

    now = int(time.time())
    ours = sign(decode_secret(SECRET), "msg_x", now, BODY.encode())
    Webhook(SECRET).verify(
        BODY,
        {
            "webhook-id": "msg_x",
            "webhook-timestamp": str(now),
            "webhook-signature": ours,
        },
    )


@pytest.mark.parametrize(
    "missing",
    [
        ("webhook-id",),
        ("webhook-timestamp",),
        ("webhook-signature",),
        ("webhook-id", "webhook-timestamp", "webhook-signature"),
    ],
)
def test_missing_headers(client: DocumentedClient, missing: tuple[str, ...]) -> None:
    headers = {k: v for k, v in sign_headers(BODY).items() if k not in missing}
    detail = refused(client, headers)
    assert detail.startswith("missing header: ")
    for name in missing:
        assert name in detail


def test_a_wrong_secret(client: DocumentedClient) -> None:
    detail = refused(client, sign_headers(BODY, secret=OTHER_SECRET))
    assert detail.startswith("no signature matches")


def test_a_tampered_body(client: DocumentedClient) -> None:
    tampered = BODY.replace("2026-01-05", "2026-01-06", 1)
    assert tampered != BODY
    refused(client, sign_headers(BODY), body=tampered)


def test_a_changed_id_or_timestamp_breaks_the_signature(
    client: DocumentedClient,
) -> None:
    headers = sign_headers(BODY)
    refused(client, {**headers, "webhook-id": "msg_other"})
    refused(client, {**headers, "webhook-timestamp": str(NOW + 1)})


@pytest.mark.parametrize(
    ("offset", "word"), [(-301, "old"), (301, "future"), (-86400, "old")]
)
def test_timestamps_outside_the_tolerance(
    client: DocumentedClient, offset: int, word: str
) -> None:
    detail = refused(client, sign_headers(BODY, timestamp=NOW + offset))
    assert word in detail
    assert "300" in detail


@pytest.mark.parametrize("offset", [-300, 300, 0])
def test_timestamps_at_the_edge_of_the_tolerance(
    client: DocumentedClient, offset: int
) -> None:
    headers = sign_headers(BODY, timestamp=NOW + offset)
    assert client.post("/v1/check", data=BODY, headers=headers).status_code == 200


def test_the_tolerance_is_configurable(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(TOLERANCE_SECONDS="30")
    headers = sign_headers(BODY, timestamp=NOW - 31)
    assert "30 are accepted" in refused(client, headers)
    headers = sign_headers(BODY, timestamp=NOW - 30)
    assert client.post("/v1/check", data=BODY, headers=headers).status_code == 200


def test_rotation_accepts_any_configured_secret(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(SECRET=f"{OTHER_SECRET}  {SECRET}")
    for secret in (SECRET, OTHER_SECRET):
        headers = sign_headers(BODY, secret=secret)
        assert client.post("/v1/check", data=BODY, headers=headers).status_code == 200
    third = "whsec_" + base64.b64encode(b"a third key, never configured!!").decode()
    refused(client, sign_headers(BODY, secret=third))


def test_rotation_accepts_any_of_several_signatures(client: DocumentedClient) -> None:
    good = sign_headers(BODY)
    other = sign_headers(BODY, secret=OTHER_SECRET)["webhook-signature"]
    for header in (
        f"{other} {good['webhook-signature']}",
        f"{good['webhook-signature']} {other}",
        f"v2,whatever {good['webhook-signature']}",
    ):
        headers = {**good, "webhook-signature": header}
        assert client.post("/v1/check", data=BODY, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("webhook-signature", "garbage", "v1,<base64>"),
        ("webhook-signature", "v1", "v1,<base64>"),
        ("webhook-signature", "v1,not base64!", "not base64"),
        ("webhook-signature", "v1,abc", "not base64"),
        ("webhook-signature", "v1,", "not base64"),
        ("webhook-signature", "v1a,c2lnbmF0dXJl", "no v1 entry"),
        ("webhook-signature", " ".join(["v1,AAAA"] * 17), "at most 16"),
        ("webhook-timestamp", "1780000000.5", "whole seconds"),
        ("webhook-timestamp", "-1780000000", "whole seconds"),
        ("webhook-timestamp", "soon", "whole seconds"),
        ("webhook-timestamp", "9" * 40, "whole seconds"),
        ("webhook-id", "msg with blanks", "visible ASCII"),
        ("webhook-id", "x" * 257, "visible ASCII"),
        ("webhook-id", "msg_\u00e9", "visible ASCII"),
    ],
)
def test_malformed_headers(
    client: DocumentedClient, header: str, value: str, expected: str
) -> None:
    headers = {**sign_headers(BODY), header: value}
    assert expected in refused(client, headers)


def test_the_signature_covers_the_raw_bytes_not_the_parsed_json(
    client: DocumentedClient,
) -> None:
    # The same JSON, spaced differently: equal when parsed, not when signed.
    respaced = json.dumps(json.loads(BODY), indent=1)
    refused(client, sign_headers(BODY), body=respaced)


def test_a_body_that_is_not_utf8_is_refused_by_signature_first(
    client: DocumentedClient,
) -> None:
    body = b'{"requested": "\xff"}'
    headers = sign_bytes(body, msg_id="msg_1")
    response = client.post("/v1/check", data=body, headers=headers)
    # Authenticated: now the body is judged, and it is not UTF-8 JSON.
    assert response.status_code == 400
    assert "not UTF-8" in response.get_json()["detail"]
    refused(client, {**headers, "webhook-id": "msg_2"}, body=body.decode("latin-1"))


def test_authentication_comes_before_the_media_type(client: DocumentedClient) -> None:
    headers = {"Content-Type": "text/plain"}
    refused(client, headers)
    signed = {**sign_headers(BODY), "Content-Type": "text/plain"}
    assert client.post("/v1/check", data=BODY, headers=signed).status_code == 415


# --- the optional bearer token ----------------------------------------------------


def test_bearer_tokens_are_off_unless_configured(client: DocumentedClient) -> None:
    detail = refused(
        client,
        {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    assert detail.startswith("missing header")


@pytest.fixture
def bearer_client(client_for: Callable[..., DocumentedClient]) -> DocumentedClient:
    return client_for(BEARER_TOKEN=TOKEN)


def test_a_configured_bearer_token_is_accepted(bearer_client: DocumentedClient) -> None:
    for scheme in ("Bearer", "bearer"):
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"{scheme} {TOKEN}",
        }
        response = bearer_client.post("/v1/check", data=BODY, headers=headers)
        assert response.status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer", f"Basic {TOKEN}", TOKEN, ""],
)
def test_a_wrong_bearer_token(
    bearer_client: DocumentedClient, authorization: str
) -> None:
    response = bearer_client.post(
        "/v1/check",
        data=BODY,
        headers={"Content-Type": "application/json", "Authorization": authorization},
    )
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_without_any_credentials_the_refusal_names_both_ways(
    bearer_client: DocumentedClient,
) -> None:
    detail = refused(bearer_client, {"Content-Type": "application/json"})
    assert "webhook-signature" in detail
    assert "Bearer" in detail


def test_a_signature_header_means_the_signature_is_what_counts(
    bearer_client: DocumentedClient,
) -> None:
    headers = {
        **sign_headers(BODY, secret=OTHER_SECRET),
        "Authorization": f"Bearer {TOKEN}",
    }
    assert refused(bearer_client, headers).startswith("no signature matches")


# --- the verifier itself ----------------------------------------------------------


def _verify(**overrides: Any) -> None:
    key = decode_secret(SECRET)
    arguments: dict[str, Any] = {
        "keys": [key],
        "msg_id": "msg_1",
        "timestamp": str(NOW),
        "signature": sign(key, "msg_1", NOW, b"{}"),
        "body": b"{}",
        "now": float(NOW),
        "tolerance_seconds": 300,
    }
    arguments.update(overrides)
    verify_signature(**arguments)


def test_the_verifier_takes_now_and_tolerance_as_parameters() -> None:
    _verify()
    _verify(now=NOW + 299.9, tolerance_seconds=300)
    with pytest.raises(AuthError, match="seconds old"):
        _verify(now=NOW + 11.0, tolerance_seconds=10)
    with pytest.raises(AuthError, match="in the future"):
        _verify(now=NOW - 11.0, tolerance_seconds=10)


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (NOW - 10.4, "11 seconds in the future; at most 10"),
        (NOW + 10.4, "11 seconds old; at most 10"),
    ],
)
def test_a_refused_timestamp_is_said_to_be_past_the_tolerance(
    now: float, said: str
) -> None:
    # Issue 11, item 18: with a clock that has a fraction, a timestamp 10.4 s
    # ahead was refused as "10 seconds in the future; at most 10 are accepted".
    with pytest.raises(AuthError, match=said):
        _verify(now=now, tolerance_seconds=10)


def test_the_verifier_compares_the_whole_digest() -> None:
    key = decode_secret(SECRET)
    digest = hmac.new(key, f"msg_1.{NOW}.{{}}".encode(), hashlib.sha256).digest()
    truncated = "v1," + base64.b64encode(digest[:16]).decode()
    with pytest.raises(AuthError, match="no signature matches"):
        _verify(signature=truncated)
    _verify(signature="v1," + base64.b64encode(digest).decode())
