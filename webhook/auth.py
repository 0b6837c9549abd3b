"""Who may call: Standard Webhooks signatures, or an optional static bearer token.

A signed request carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
``webhook-signature``: space-separated ``v1,<base64 HMAC-SHA256>`` entries over
``<id>.<timestamp>.<raw body>``, keyed with the bytes of a ``whsec_`` secret. This is
what the specification's own client (``standardwebhooks``) sends; unlike that
client's verifier, a malformed header here is a refusal with a reason, never an
exception of the wrong kind, and "now" and the tolerance are parameters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
from collections.abc import Sequence

__all__ = [
    "MAX_SIGNATURES",
    "AuthError",
    "check_bearer",
    "sign",
    "verify_signature",
]

#: More signatures than this in one header are refused: rotation needs two or three.
MAX_SIGNATURES = 16
_ID = re.compile(r"[\x21-\x7e]{1,256}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class AuthError(Exception):
    """The request is not authenticated; ``detail`` says why, for the caller."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of a message, as a sender computes it."""
    digest = _digest(key, msg_id, str(timestamp), body)
    return "v1," + base64.b64encode(digest).decode("ascii")


def _digest(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    signed = msg_id.encode("ascii") + b"." + timestamp.encode("ascii") + b"." + body
    return hmac.new(key, signed, hashlib.sha256).digest()


def _signatures(header: str) -> list[bytes]:
    entries = header.split()
    if len(entries) > MAX_SIGNATURES:
        raise AuthError(
            f"webhook-signature has {len(entries)} entries; at most "
            f"{MAX_SIGNATURES} are accepted"
        )
    found: list[bytes] = []
    for entry in entries:
        version, comma, value = entry.partition(",")
        if not comma:
            raise AuthError(
                "webhook-signature must be space-separated entries of the form "
                "v1,<base64>"
            )
        if version != "v1":
            continue  # a later version of the scheme: not ours to judge
        if not _BASE64.fullmatch(value) or len(value) % 4:
            raise AuthError("webhook-signature has a v1 entry that is not base64")
        try:
            found.append(base64.b64decode(value, validate=True))
        except binascii.Error:  # pragma: no cover - excluded by the pattern above
            raise AuthError(
                "webhook-signature has a v1 entry that is not base64"
            ) from None
    if not found:
        raise AuthError("webhook-signature has no v1 entry")
    return found


def verify_signature(
    *,
    keys: Sequence[bytes],
    msg_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    tolerance_seconds: int,
) -> None:
    """Raise :class:`AuthError` unless one signature matches one key.

    Every key is tried against every ``v1`` entry in constant time; the timestamp
    must lie within ``tolerance_seconds`` of ``now`` either way.
    """
    missing = [
        name
        for name, value in (
            ("webhook-id", msg_id),
            ("webhook-timestamp", timestamp),
            ("webhook-signature", signature),
        )
        if not value
    ]
    if missing:
        raise AuthError("missing header: " + ", ".join(missing))
    assert msg_id is not None
    assert timestamp is not None
    assert signature is not None
    if not _ID.fullmatch(msg_id):
        raise AuthError("webhook-id must be 1 to 256 visible ASCII characters")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise AuthError("webhook-timestamp must be whole seconds since 1970 (UTC)")
    age = now - int(timestamp)
    # "now" has a fraction, the timestamp none: a refused timestamp is more
    # than the tolerance away, so the seconds said are rounded up (300.4 is
    # "301", never "300 ...; at most 300 are accepted").
    if age > tolerance_seconds:
        raise AuthError(
            f"webhook-timestamp is {math.ceil(age)} seconds old; at most "
            f"{tolerance_seconds} are accepted (check the sender's clock, or sign "
            "again when retrying)"
        )
    if -age > tolerance_seconds:
        raise AuthError(
            f"webhook-timestamp is {math.ceil(-age)} seconds in the future; at most "
            f"{tolerance_seconds} are accepted (check the sender's clock)"
        )
    given = _signatures(signature)
    matched = False
    for key in keys:
        expected = _digest(key, msg_id, timestamp, body)
        for candidate in given:
            # No early exit: the time taken must not say which key or entry matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise AuthError(
            "no signature matches: the body, webhook-id or webhook-timestamp was "
            "changed, or it was signed with another secret"
        )


def check_bearer(authorization: str, token: str) -> None:
    """Raise :class:`AuthError` unless ``authorization`` is ``Bearer <token>``."""
    scheme, _, given = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise AuthError("Authorization must be of the form: Bearer <token>")
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise AuthError("the bearer token is not valid")
