"""The OpenAPI 3.1 document served at ``GET /openapi.json``.

The stays and the report are described once, by the library's JSON Schemas
(:func:`confirmcheck.stays_schema`, :func:`confirmcheck.report_schema`): they are
embedded as they are under ``components/schemas`` and every body refers to them.
Only the paths, the headers, the request envelopes and the limits the service is
configured with (sizes, tolerance, whether a bearer token is accepted) are written
here. The tests hold the document to the running app: every route is documented
and every documented route exists, and every response the tests see validates
against the schema documented for it.
"""

from __future__ import annotations

from typing import Any

from confirmcheck import report_schema, stays_schema

from .api import (
    COMPLETE_HEADER,
    MAX_ANSWER_BYTES,
    MAX_ENTRIES,
    MAX_STAYS,
    RFC822,
)
from .config import Config
from .ops import ops_paths
from .problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES
from .request_id import REQUEST_ID_HEADER

__all__ = ["openapi_document"]

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _embedded(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A package schema as ``components/schemas/<name>``: its ``$defs`` stay where
    they are, so its references are rewritten to point there."""
    inner = f"#/components/schemas/{name}/$defs/"

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: (
                    item.replace("#/$defs/", inner, 1)
                    if key == "$ref" and isinstance(item, str)
                    else rewrite(item)
                )
                for key, item in value.items()
                if key != "$schema"  # the document's dialect is 2020-12 already
            }
        if isinstance(value, list):
            return [rewrite(item) for item in value]
        return value

    embedded: dict[str, Any] = rewrite(schema)
    return embedded


def _check_properties() -> dict[str, Any]:
    return {
        "requested": {
            **_ref("Stays"),
            "description": "What the guest asked for.",
        },
        "confirmed": {
            **_ref("Stays"),
            "description": "What the hotel confirms.",
        },
        "locale": {
            "type": ["string", "null"],
            "description": "Language of the summary (e.g. en, de, de-AT); "
            "the service's default locale when left out.",
        },
        "timezone": {
            "type": ["string", "null"],
            "description": "The hotel's IANA time zone (e.g. Europe/Vienna): "
            "timed calendar events fall on their local dates there.",
        },
        "until": {
            "type": ["string", "null"],
            "format": "date",
            "description": "Horizon for calendar rules that never end: "
            "check-ins after it are not read. Without it such a rule is "
            "refused.",
        },
    }


def _schemas() -> dict[str, Any]:
    return {
        "StaysDocument": _embedded(stays_schema(), "StaysDocument"),
        "Report": _embedded(report_schema(), "Report"),
        "Stays": {
            "description": f"One side of a check: at most {MAX_ENTRIES} entries, and "
            f"at most {MAX_STAYS} stays once series are expanded.",
            "anyOf": [
                {
                    **_ref("StaysDocument"),
                    "maxItems": MAX_ENTRIES,
                    "properties": {"stays": {"maxItems": MAX_ENTRIES}},
                },
                {
                    "type": "string",
                    "description": "An iCalendar (RFC 5545) text: each VEVENT is a "
                    "stay; rooms, room type, guests and reference from "
                    "X-CONFIRMCHECK-ROOMS, -ROOM-TYPE, -GUESTS, -REF (see "
                    "docs/calendar.md). Or, as a text starting with `<`, an "
                    "OpenTravel / AlpineBits reservation message (XML: "
                    "OTA_HotelResNotifRQ, OTA_HotelResModifyNotifRQ, "
                    "OTA_ResRetrieveRS, OTA_CancelRQ, also in a SOAP 1.1 "
                    "envelope; a DOCTYPE is refused) or an HTML page with schema.org "
                    "LodgingReservation markup (see docs/formats.md). Or a "
                    "StaysDocument as JSON text: the library's read_stays "
                    "recognises which.",
                },
            ],
        },
        "CheckRequest": {
            "type": "object",
            "required": ["requested", "confirmed"],
            "additionalProperties": False,
            "properties": _check_properties(),
        },
        "AttachRequest": {
            "type": "object",
            "required": ["requested", "mail"],
            "additionalProperties": False,
            "properties": {
                **_check_properties(),
                "confirmed": {
                    **_ref("Stays"),
                    "description": "What the hotel confirms. When left out, the "
                    "confirmed stays are read from the schema.org "
                    "LodgingReservation markup of the mail's HTML part; a mail "
                    "without such markup is then refused (422 at /mail).",
                },
                "mail": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "contentMediaType": "message/rfc822",
                    "description": "The raw RFC 5322 confirmation mail, base64 "
                    "(line breaks allowed). Without `locale`, the summary is "
                    "written in the mail's Content-Language when supported, else "
                    "in the service's default locale.",
                },
            },
        },
        "AttachResponse": {
            "type": "object",
            "required": ["complete", "locale", "report", "mail"],
            "additionalProperties": False,
            "properties": {
                "complete": {"type": "boolean"},
                "locale": {"type": "string"},
                "report": _ref("Report"),
                "mail": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "contentMediaType": "message/rfc822",
                    "description": "The changed mail, base64.",
                },
            },
        },
        "CheckResponse": {
            "type": "object",
            "required": ["complete", "locale", "report", "text", "html"],
            "additionalProperties": False,
            "properties": {
                "complete": {
                    "type": "boolean",
                    "description": "True only when everything is booked as "
                    "requested and nothing unrequested is booked.",
                },
                "locale": {
                    "type": "string",
                    "description": "The locale the summary is written in.",
                },
                "report": _ref("Report"),
                "text": {"type": "string", "description": "The summary, plain text."},
                "html": {
                    "type": "string",
                    "description": "The summary, an HTML fragment for a mail.",
                },
            },
        },
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details.",
            "required": ["type", "title", "status", "detail"],
            "additionalProperties": False,
            "properties": {
                "type": {
                    "enum": sorted(p.uri for p in PROBLEM_TYPES.values()),
                    "description": "Identifies the kind of problem (a tag URI, not a "
                    "page to fetch).",
                },
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "description": "Only for invalid-input: each problem and where it "
                    "is in the request body.",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["pointer", "detail"],
                        "additionalProperties": False,
                        "properties": {
                            "pointer": {
                                "type": "string",
                                "format": "json-pointer",
                                "description": "RFC 6901 pointer into the request "
                                "body, e.g. /requested/0/check_out.",
                            },
                            "detail": {"type": "string"},
                        },
                    },
                },
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "additionalProperties": False,
            "properties": {"status": {"const": "ok"}},
        },
    }


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _ref("Problem")}},
    }
    if headers:
        out["headers"] = headers
    return out


def _responses(config: Config) -> dict[str, Any]:
    return {
        "MalformedRequest": _problem(
            "The body is not UTF-8 JSON, has a key twice, uses NaN/Infinity or holds "
            "a lone surrogate; or it ended before its Content-Length, or its "
            "chunked framing is broken."
        ),
        "Unauthenticated": _problem(
            "Missing or malformed webhook-* headers, a timestamp more than "
            f"{config.tolerance_seconds} seconds away from the server's clock, no "
            "matching signature"
            + (", or a wrong bearer token." if config.bearer_token else "."),
            {
                "WWW-Authenticate": {
                    "description": "The accepted schemes.",
                    "schema": {"type": "string"},
                }
            },
        ),
        "TooLarge": _problem(
            f"The body is larger than {config.max_body_bytes} bytes; refused before "
            "it is read when Content-Length says so, and when a chunked body passes "
            "the limit (never cut and judged)."
        ),
        "UnsupportedMediaType": _problem(
            "The body is not sent as Content-Type: application/json (UTF-8)."
        ),
        "InvalidInput": _problem(
            "The JSON parses but makes no sense: unknown or missing fields, a stay "
            "that ends before it starts, an unbounded series, a broken calendar, an "
            "unknown locale or time zone, a mail that is not base64, is signed or "
            "encrypted or cannot be changed safely, more than "
            f"{MAX_ENTRIES} entries or {MAX_STAYS} stays on a side, or an answer "
            f"that would be larger than {MAX_ANSWER_BYTES} bytes. `errors` points at "
            "each problem."
        ),
        "InternalError": _problem(
            "A bug in the service; the response says nothing more."
        ),
    }


def _post(
    summary: str, description: str, request: str, ok: dict[str, Any], config: Config
) -> dict[str, Any]:
    required = config.bearer_token is None
    signature_help = {
        "webhook-id": "The message id; the same for retries of the same message.",
        "webhook-timestamp": "When it was signed: whole seconds since 1970 (UTC), "
        f"within {config.tolerance_seconds} seconds of the server's clock.",
        "webhook-signature": "Space-separated `v1,<base64>` HMAC-SHA256 signatures "
        "of `<webhook-id>.<webhook-timestamp>.<body>` (several for key rotation).",
    }
    security: list[dict[str, list[str]]] = [{"standardWebhooks": []}]
    if config.bearer_token is not None:
        security.append({"bearerToken": []})
    return {
        "summary": summary,
        "description": description,
        "security": security,
        "parameters": [
            {
                "name": name,
                "in": "header",
                "required": required,
                "description": text,
                "schema": {"type": "string"},
            }
            for name, text in signature_help.items()
        ],
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": _ref(request)}},
        },
        "responses": {
            "200": ok,
            "400": {"$ref": "#/components/responses/MalformedRequest"},
            "401": {"$ref": "#/components/responses/Unauthenticated"},
            "413": {"$ref": "#/components/responses/TooLarge"},
            "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
            "422": {"$ref": "#/components/responses/InvalidInput"},
            "500": {"$ref": "#/components/responses/InternalError"},
        },
    }


_COMPLETE = {
    COMPLETE_HEADER: {
        "description": "`true` when everything is booked as requested and nothing "
        "unrequested is booked, else `false`.",
        "required": True,
        "schema": {"enum": ["true", "false"]},
    }
}


_HEADERS = {
    "RequestId": {
        "description": "The request's id, also in the request's log line "
        "(`request_id`): the sender's webhook-id when it is 1 to 256 visible ASCII "
        "characters, otherwise one the service makes (`req_` and 24 hex digits).",
        "required": True,
        "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,256}$"},
    }
}


def _with_request_id(paths: dict[str, Any], responses: dict[str, Any]) -> None:
    """Every answer carries ``Request-Id``: document it on every response of every
    operation. A response that refers to ``components/responses`` gets it there."""
    header = {"$ref": "#/components/headers/RequestId"}
    inline = [
        response
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)  # not a path item's shared "parameters"
        for response in operation["responses"].values()
    ]
    for response in [*inline, *responses.values()]:
        if "$ref" not in response:
            # A new mapping: response headers may be shared module constants.
            response["headers"] = {
                **response.get("headers", {}),
                REQUEST_ID_HEADER: header,
            }


def openapi_document(config: Config) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the service as configured by ``config``."""
    schemes: dict[str, Any] = {
        "standardWebhooks": {
            "type": "apiKey",
            "in": "header",
            "name": "webhook-signature",
            "description": "Standard Webhooks: the headers webhook-id, "
            "webhook-timestamp and webhook-signature, signed with a whsec_ secret "
            "the service is configured with.",
        }
    }
    if config.bearer_token is not None:
        schemes["bearerToken"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "For senders that cannot sign; used only when a request "
            "carries none of the webhook-* headers.",
        }
    paths: dict[str, Any] = {
        "/healthz": {
            "get": {
                "summary": "Liveness for load balancers",
                "description": "No authentication; does no work.",
                "responses": {
                    "200": {
                        "description": "The service answers.",
                        "content": {JSON: {"schema": _ref("Health")}},
                    }
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "description": "No authentication.",
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document.",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/v1/check": {
            "post": _post(
                "Compare requested stays with confirmed ones",
                "Night by night and room by room: what is NOT BOOKED, booked "
                "differently, booked but not requested, and booked as requested. "
                "No side effects: a retry gets the same answer.",
                "CheckRequest",
                {
                    "description": "The report and the summary.",
                    "headers": _COMPLETE,
                    "content": {JSON: {"schema": _ref("CheckResponse")}},
                },
                config,
            )
        },
        "/v1/attach": {
            "post": _post(
                "Put the summary at the top of the confirmation mail",
                "The same comparison as /v1/check; the summary goes at the top of "
                "every text the guest reads (text/plain and text/html), "
                + (
                    "the report's calendar is attached as booking-summary.ics"
                    if config.attach_calendar
                    else "no calendar is attached (CONFIRMCHECK_ATTACH_CALENDAR)"
                )
                + ", and every other byte of the mail stays as it was. Attaching "
                "again replaces the earlier summary. Signed or encrypted mail"
                + ("" if config.allow_dkim else " and mail with a DKIM-Signature")
                + " is refused (422): attach before signing. The answer is the "
                "mail itself, or JSON when Accept prefers application/json.",
                "AttachRequest",
                {
                    "description": "The changed mail.",
                    "headers": {
                        **_COMPLETE,
                        "Vary": {
                            "description": "Accept: the answer depends on it.",
                            "schema": {"type": "string"},
                        },
                    },
                    "content": {
                        RFC822: {
                            "schema": {
                                "type": "string",
                                "description": "The raw changed mail (the default).",
                            }
                        },
                        JSON: {"schema": _ref("AttachResponse")},
                    },
                },
                config,
            )
        },
    }
    paths.update(ops_paths(config))
    schemas = _schemas()
    responses = _responses(config)
    if config.registry_url is not None:
        paths.update(_requests_paths(config))
        schemas.update(_requests_components())
        responses["NotFound"] = _problem("No request is stored under the reference.")
    _with_request_id(paths, responses)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "confirmcheck webhook",
            "version": "1",
            "description": "Says plainly what a hotel confirmation did NOT book. "
            "Every error is an RFC 9457 application/problem+json document; an "
            "unknown path answers 404 and a method a path does not have answers 405 "
            "(with Allow), both as problem documents too. HEAD is answered for "
            "every GET route. The service stores nothing and sends nothing: every "
            "request can be retried safely.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "headers": _HEADERS,
            "securitySchemes": schemes,
        },
    }


def _requests_paths(config: Config) -> dict[str, Any]:
    """``/v1/requests/{ref}``, served only with a registry (CONFIRMCHECK_REGISTRY)."""
    stored = {
        "type": "object",
        "required": ["ref", "last_night", "stored_at"],
        "properties": {
            "ref": {"type": "string"},
            "last_night": {
                "type": "string",
                "format": "date",
                "description": "The last requested night (for retention).",
            },
            "stored_at": {"type": "string", "format": "date-time"},
            "requested": {"description": "The requested stays as stored."},
            "confirmed": {"description": "The confirmed stays, when stored."},
        },
    }
    put = _post(
        "Store a guest's request under the reservation's reference",
        "The `requested` stays in any format /v1/check reads (and optionally the "
        "`confirmed` stays, for confirmation mails that carry none), kept until "
        "the last requested night plus the retention. The relay checks the "
        "confirmation mail of this reference against it. Storing again replaces.",
        "RequestPut",
        {
            "description": "Stored.",
            "content": {JSON: {"schema": stored}},
        },
        config,
    )
    put["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
    get = {key: value for key, value in put.items() if key != "requestBody"}
    get["summary"] = "The request stored under the reference"
    get["description"] = "Signed like every route, over an empty body."
    get["responses"] = {
        "200": {
            "description": "The stored request.",
            "content": {JSON: {"schema": stored}},
        },
        "401": {"$ref": "#/components/responses/Unauthenticated"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "500": {"$ref": "#/components/responses/InternalError"},
    }
    delete = {**get, "summary": "Remove the request stored under the reference"}
    delete["responses"] = {
        **get["responses"],
        "204": {"description": "Removed."},
    }
    del delete["responses"]["200"]
    put_all = _post(
        "Store every reservation of a message under its own reference",
        "For messages of several reservations that name their references, as an "
        "AlpineBits GuestRequests message does: each is stored under its "
        "UniqueID, with the whole message as its request (each reservation is "
        "checked against its own requests only).",
        "RequestsPost",
        {
            "description": "Stored, one entry per reference.",
            "content": {
                JSON: {
                    "schema": {
                        "type": "object",
                        "required": ["stored"],
                        "properties": {"stored": {"type": "array", "items": stored}},
                    }
                }
            },
        },
        config,
    )
    return {
        "/v1/requests": {"post": put_all},
        "/v1/requests/{ref}": {
            "parameters": [
                {
                    "name": "ref",
                    "in": "path",
                    "required": True,
                    "description": "The reservation's reference: 1 to 128 visible "
                    "ASCII characters.",
                    "schema": {"type": "string", "pattern": "^[!-~]{1,128}$"},
                }
            ],
            "put": put,
            "get": get,
            "delete": delete,
        },
    }


def _requests_components() -> dict[str, Any]:
    return {
        "RequestsPost": {
            "type": "object",
            "required": ["requested"],
            "additionalProperties": False,
            "properties": {
                "requested": {
                    **_ref("Stays"),
                    "description": "Requests that name their references (an "
                    "AlpineBits GuestRequests message).",
                }
            },
        },
        "RequestPut": {
            "type": "object",
            "required": ["requested"],
            "additionalProperties": False,
            "properties": {
                "requested": {
                    **_ref("Stays"),
                    "description": "What the guest asked for.",
                },
                "confirmed": {
                    **_ref("Stays"),
                    "description": "What the hotel confirmed, for mails that "
                    "carry no confirmed stays of their own.",
                },
            },
        },
    }
