"""Helpers for the webhook's tests: signing as the official package does, the story's
request, and a client that holds every response to the app's OpenAPI document."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from standardwebhooks import Webhook
from werkzeug.test import TestResponse

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "story"
DATA = Path(__file__).resolve().parent / "data"

#: The fixed "now" of every test: 2026-05-28 20:26:40 UTC.
NOW = 1_780_000_000
SECRET = "whsec_" + base64.b64encode(b"confirmcheck-test-key-0123456789").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-key-for-the-rotation-xyz").decode()


def sign_headers(
    body: str | bytes,
    *,
    secret: str = SECRET,
    msg_id: str = "msg_2Nv8aKq1",
    timestamp: int = NOW,
) -> dict[str, str]:
    """Headers as the official standardwebhooks package signs them."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    signature = Webhook(secret).sign(
        msg_id, dt.datetime.fromtimestamp(timestamp, dt.UTC), text
    )
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def sign_bytes(body: bytes, *, msg_id: str = "msg_bytes") -> dict[str, str]:
    """Headers for a body that is not UTF-8, which the official package cannot sign
    (it takes text); our signer is held to the official one in test_webhook_auth."""
    from webhook.auth import sign
    from webhook.config import decode_secret

    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(NOW),
        "webhook-signature": sign(decode_secret(SECRET), msg_id, NOW, body),
    }


def story_body(**extra: Any) -> dict[str, Any]:
    """The story's request: a 20-week series requested, 19 weeks confirmed."""
    return {
        "requested": json.loads((STORY / "requested.json").read_text("utf-8")),
        "confirmed": json.loads((STORY / "confirmed.json").read_text("utf-8")),
        **extra,
    }


class DocumentedClient:
    """A Flask test client whose every response must be one the document allows."""

    def __init__(self, client: FlaskClient, document: Mapping[str, Any]) -> None:
        self.client = client
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource("urn:doc", resource)

    def validate(self, value: object, pointer: str) -> None:
        """Validate ``value`` against the schema at ``pointer`` in the document."""
        Draft202012Validator(
            {"$ref": "urn:doc#" + pointer},
            registry=self.registry,
            format_checker=FormatChecker(),
        ).validate(value)

    def open(self, path: str, method: str = "GET", **kwargs: Any) -> TestResponse:
        response = self.client.open(path, method=method, **kwargs)
        self.check(path, method, response)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open(path, "GET", **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open(path, "POST", **kwargs)

    def signed(self, path: str, body: Any, **kwargs: Any) -> TestResponse:
        """POST ``body`` (JSON-encoded unless bytes or str), signed with SECRET."""
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        headers = {**sign_headers(data), **kwargs.pop("headers", {})}
        return self.post(path, data=data, headers=headers, **kwargs)

    def documented_path(self, path: str) -> str:
        """The document's key for ``path``: itself, or a template it fills in."""
        for template in self.document["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            if "{" in template and re.fullmatch(pattern, path):
                return str(template)
        return path

    def check(self, path: str, method: str, response: TestResponse) -> None:
        paths = self.document["paths"]
        path = self.documented_path(path.split("?", 1)[0])
        operation = paths.get(path, {}).get(method.lower())
        if operation is None or method == "HEAD":
            if method == "HEAD":
                assert response.get_data() == b""
                return
            # Not a documented operation: the info section promises 404 or 405.
            expected = 404 if path not in paths else 405
            assert response.status_code == expected
            assert response.mimetype == "application/problem+json"
            self.validate(response.get_json(), "/components/schemas/Problem")
            return
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, (
            f"{method} {path}: status {response.status_code} is not documented"
        )
        if "$ref" in documented:
            name = documented["$ref"].rsplit("/", 1)[1]
            documented = self.document["components"]["responses"][name]
        if "content" not in documented:  # 204: nothing to hold
            assert response.get_data() == b""
            return
        content = documented["content"]
        assert response.mimetype in content, (
            f"{method} {path} {response.status_code}: {response.mimetype} is not "
            f"documented ({sorted(content)})"
        )
        headers = self.document["components"].get("headers", {})
        for name, given in documented.get("headers", {}).items():
            header = (
                headers[given["$ref"].rsplit("/", 1)[1]] if "$ref" in given else given
            )
            if header.get("required"):
                assert name in response.headers, f"{name} is documented as sent"
        schema = content[response.mimetype]["schema"]
        if (response.mimetype or "").endswith("json"):
            body = json.loads(response.get_data())
            if "$ref" in schema:  # refs are resolved against the whole document
                self.validate(body, schema["$ref"][1:])
            else:
                Draft202012Validator(schema, format_checker=FormatChecker()).validate(
                    body
                )


def documented(app: Flask) -> DocumentedClient:
    """A documented client for ``app`` (the document is taken without a request, so
    that the request log holds only the test's own requests)."""
    document = json.loads(app.extensions["confirmcheck.openapi"])
    return DocumentedClient(app.test_client(), document)
