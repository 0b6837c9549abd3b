"""Who may use the preview, and what the browser is told not to keep or run.

- HTTP Basic auth against ``CONFIRMCHECK_PREVIEW_USERS`` (werkzeug password
  hashes), except in ``--dev`` mode on loopback.
- A CSRF token without server state: ``<issued>.<HMAC-SHA256>`` over the issue
  time and the user's name, keyed with the first signing secret. A form is
  accepted for :data:`CSRF_LIFETIME_SECONDS` after the page was made; a form
  posted from another site has no valid token (it cannot read the page).
- ``Cache-Control: no-store`` and a strict Content-Security-Policy on every
  answer: no script at all, styles from the app only (the summary's ``style``
  attributes, as the mail carries them, are allowed inside the sandboxed frame),
  frames only from ``srcdoc``/the app, nothing framing the page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping

from flask import Response
from werkzeug.security import check_password_hash

from ..config import Config, PreviewUser

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_LIFETIME_SECONDS",
    "authenticated_user",
    "csrf_token",
    "csrf_valid",
    "protect",
]

CSRF_LIFETIME_SECONDS = 8 * 3600  # a working shift
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'none'",
        "style-src 'self'",
        # The guest's summary is the mail's HTML, styled with attributes.
        "style-src-attr 'unsafe-inline'",
        # Pico's form controls draw their check marks as data: SVGs.
        "img-src 'self' data:",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
# Checked against when the name is unknown, so that a wrong name takes as long
# as a wrong password.
_NOBODY = PreviewUser(
    "",
    "scrypt:32768:8:1$nobody$"
    "6e6f626f64796e6f626f64796e6f626f64796e6f626f64796e6f626f64796e6f",
)


def authenticated_user(config: Config, authorization: str | None) -> str | None:
    """The name of the user the ``Authorization`` header proves, else None;
    ``""`` in ``--dev`` mode, where no credentials are asked for."""
    if config.preview_open:
        return ""
    name, password = _basic(authorization)
    if name is None or password is None:
        return None
    users: Mapping[str, PreviewUser] = {
        user.name: user for user in config.preview_users
    }
    user = users.get(name, _NOBODY)
    if check_password_hash(user.password_hash, password) and user is not _NOBODY:
        return name
    return None


def _basic(authorization: str | None) -> tuple[str | None, str | None]:
    if authorization is None:
        return None, None
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None, None
    name, sep, password = decoded.partition(":")
    if not sep:
        return None, None
    return name, password


def _mac(config: Config, issued: int, user: str) -> str:
    message = f"confirmcheck-preview-csrf|{issued}|{user}".encode()
    return hmac.new(config.keys[0], message, hashlib.sha256).hexdigest()


def csrf_token(config: Config, user: str) -> str:
    """A token for a form shown to ``user`` now."""
    issued = int(config.now())
    return f"{issued}.{_mac(config, issued, user)}"


def csrf_valid(config: Config, user: str, token: str | None) -> bool:
    """Whether ``token`` was issued by this service for ``user`` and is not old."""
    if not token:
        return False
    issued_text, _, mac = token.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12:
        return False
    issued = int(issued_text)
    if not 0 <= config.now() - issued <= CSRF_LIFETIME_SECONDS:
        return False
    return hmac.compare_digest(mac, _mac(config, issued, user))


def protect(response: Response) -> Response:
    """Add the headers that keep the page's data out of caches and scripts out."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response
