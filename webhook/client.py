"""A small signed client, to try the webhook:
``python -m confirmcheck_webhook.client /v1/check REQ CONF``.

The first argument is a path on the server at ``--host`` (127.0.0.1) and ``--port``
(8000), where ``confirmcheck-webhook --dev`` listens, or a whole http(s) URL.

It signs like any Standard Webhooks sender, with the first secret in
``CONFIRMCHECK_SECRET``, posts ``{"requested": ..., "confirmed": ...}`` (and the
mail, base64, with ``--mail``) and prints the summary, the changed mail, or with
``--json`` the whole response. Exit status: 0 everything booked as requested, 1
something differs, 2 the service refused the request or could not be reached.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from .auth import sign
from .config import ENV_PREFIX, ConfigError, decode_secret

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "main",
    "request_body",
    "signed_headers",
    "target",
]

#: Where a path is sent: the address ``confirmcheck-webhook`` listens on by default.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def signed_headers(
    key: bytes, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    """The Standard Webhooks headers for ``body`` (a fresh id and now by default)."""
    msg_id = msg_id or "msg_" + secrets.token_urlsafe(16)
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, msg_id, timestamp, body),
    }


def _side(path: str) -> Any:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8")  # an iCalendar file travels as text


def request_body(
    requested: str, confirmed: str, *, mail: str | None, locale: str | None
) -> bytes:
    """The JSON body for the files named: stays as JSON, calendars as text."""
    body: dict[str, Any] = {
        "requested": _side(requested),
        "confirmed": _side(confirmed),
    }
    if locale:
        body["locale"] = locale
    if mail is not None:
        with open(mail, "rb") as handle:
            body["mail"] = base64.b64encode(handle.read()).decode("ascii")
    return json.dumps(body).encode("utf-8")


def target(where: str, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """The URL to post to: a path (``/v1/check``) on ``host:port``, or ``where``
    itself when it is a whole URL."""
    if not where.startswith("/"):
        return where
    name = f"[{host}]" if ":" in host else host
    return f"http://{name}:{port}{where}"


def main(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> int:
    """Run the client; see the module docstring for the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m confirmcheck_webhook.client",
        description="Send a signed request to confirmcheck's webhook and print the "
        "summary (the changed mail with --mail).",
        epilog="The request is signed with the first whsec_ secret in the "
        "environment variable CONFIRMCHECK_SECRET (confirmcheck-webhook --dev "
        "prints one). Exit status: 0 everything is booked as requested, 1 "
        "something differs, 2 the request was refused, the service could not be "
        "reached, or CONFIRMCHECK_SECRET is missing or malformed.",
    )
    parser.add_argument(
        "url",
        help="a path on the server at --host and --port, e.g. /v1/check or "
        "/v1/attach, or a whole http(s) URL",
    )
    parser.add_argument("requested", help="requested stays: JSON or .ics file")
    parser.add_argument("confirmed", help="confirmed stays: JSON or .ics file")
    parser.add_argument("--mail", help="an RFC 5322 mail, for /v1/attach")
    parser.add_argument("--locale", help="language of the summary, e.g. de")
    parser.add_argument("--json", action="store_true", help="print the whole response")
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the server's host, for a path (default {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the server's port, for a path (default {DEFAULT_PORT})",
    )
    args = parser.parse_args(argv)
    url = target(args.url, host=args.host, port=args.port)
    environ = os.environ if environ is None else environ
    secrets_given = environ.get(ENV_PREFIX + "SECRET", "").split()
    if not secrets_given:
        sys.stderr.write(
            f"webhook.client: {ENV_PREFIX}SECRET is not set: give the whsec_ secret "
            "the service was started with (confirmcheck-webhook --dev prints one)\n"
        )
        return 2
    try:
        key = decode_secret(secrets_given[0])
    except ConfigError as error:
        sys.stderr.write(f"webhook.client: {ENV_PREFIX}SECRET: {error}\n")
        return 2
    try:
        body = request_body(
            args.requested, args.confirmed, mail=args.mail, locale=args.locale
        )
    except OSError as error:
        sys.stderr.write(f"webhook.client: {error}\n")
        return 2
    headers = signed_headers(key, body)
    if args.mail is not None and not args.json:
        headers["Accept"] = "message/rfc822"
    elif args.mail is not None:
        headers["Accept"] = "application/json"
    if not url.startswith(("http://", "https://")):
        sys.stderr.write(
            f"webhook.client: {url}: neither a path such as /v1/check nor an "
            "http(s) URL\n"
        )
        return 2
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, body, headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            content = response.read()
            complete = response.headers.get("Confirmcheck-Complete") == "true"
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        sys.stderr.write(error.read().decode("utf-8", "replace") + "\n")
        return 2
    except OSError as error:
        sys.stderr.write(f"webhook.client: {url}: {error}\n")
        return 2
    if args.json or kind != "application/json":
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(json.loads(content)["text"])
    sys.stdout.flush()
    return 0 if complete else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
