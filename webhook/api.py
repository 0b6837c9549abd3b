"""Version 1 of the API: ``POST /v1/check`` and ``POST /v1/attach``.

Each request goes through the same gate before a view sees it, in this order: the
declared size (413 before a byte is read), the raw body read whole within the limit
(413 over it however it is framed, 400 when it ends early: see webhook.body),
authentication over those raw bytes (401), the media type (415), JSON (400), and
then the fields (422). Nothing is stored and nothing is sent anywhere: a retried
request gets the same answer and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, Response, current_app, g, request

from confirmcheck import (
    InputError,
    Problem,
    Report,
    Series,
    StaysFile,
    compare,
    hotel_of,
    pick_locale,
    read_stays,
    render_html,
    render_text,
    report_to_dict,
    room_types_of,
    summarize,
)
from confirmcheck.mail import MailError, attach_summary, mail_date, mail_languages

from .auth import AuthError, check_bearer, verify_signature
from .body import read_body, refuse_lone_surrogates, request_body
from .config import Config
from .problems import ProblemError

__all__ = [
    "COMPLETE_HEADER",
    "MAX_ANSWER_BYTES",
    "MAX_ENTRIES",
    "MAX_STAYS",
    "RFC822",
    "bp",
    "read_side",
]

bp = Blueprint("v1", __name__, url_prefix="/v1")
T = TypeVar("T")

#: Response header on every success: "true" when everything is booked as requested.
COMPLETE_HEADER: Final = "Confirmcheck-Complete"
#: Entries (stays or series) one side may list; refused before they are expanded.
MAX_ENTRIES: Final = 1000
#: Stays one side may have once its series are expanded. With MAX_ENTRIES, it bounds
#: the largest accepted request to about 0.3 s of CPU and a 4 MB answer on the
#: 2-core machine of record (benchmarks/bench_largest.py); 20,000 cost 1.5 s and
#: answered 25 MB.
MAX_STAYS: Final = 3_000
#: The largest answer sent. Long room types and references are repeated in the
#: report, the summary and the calendar: a request whose answer would be larger is
#: refused (422) rather than sent.
MAX_ANSWER_BYTES: Final = 5_000_000
_SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
CHECK_FIELDS: Final = ("requested", "confirmed", "locale", "timezone", "until")
ATTACH_FIELDS: Final = (*CHECK_FIELDS, "mail")
#: Without "confirmed", /v1/attach reads the confirmed stays from the mail's markup.
ATTACH_REQUIRED: Final = ("requested", "mail")
RFC822: Final = "message/rfc822"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def config() -> Config:
    """The running app's configuration."""
    found: Config = current_app.extensions["confirmcheck"]
    return found


@bp.before_request
def _gate() -> None:
    settings = config()
    body = g.body = read_body(request.environ, settings.max_body_bytes)
    _authenticate(settings, body)
    if request.mimetype != "application/json" or request.mimetype_params.get(
        "charset", "utf-8"
    ).lower() not in ("utf-8", "utf8"):
        raise ProblemError(
            "unsupported-media-type",
            "send the body as Content-Type: application/json (UTF-8), not "
            + (request.content_type or "no Content-Type"),
        )


def _authenticate(settings: Config, body: bytes) -> None:
    headers = request.headers
    try:
        if settings.bearer_token is not None and not any(
            name in headers for name in _SIGNATURE_HEADERS
        ):
            authorization = headers.get("Authorization")
            if authorization is None:
                raise AuthError(
                    "sign the request (webhook-id, webhook-timestamp, "
                    "webhook-signature) or send Authorization: Bearer <token>"
                )
            check_bearer(authorization, settings.bearer_token)
            return
        verify_signature(
            keys=settings.keys,
            msg_id=headers.get("webhook-id"),
            timestamp=headers.get("webhook-timestamp"),
            signature=headers.get("webhook-signature"),
            body=body,
            now=settings.now(),
            tolerance_seconds=settings.tolerance_seconds,
        )
        g.webhook_id = headers.get("webhook-id")
    except AuthError as error:
        challenge = 'StandardWebhooks realm="confirmcheck"'
        if settings.bearer_token is not None:
            challenge += ', Bearer realm="confirmcheck"'
        raise ProblemError(
            "unauthenticated", error.detail, headers={"WWW-Authenticate": challenge}
        ) from None


def parse_body(body: bytes) -> Any:
    """The request body as JSON: UTF-8, no duplicate keys, no NaN, no lone
    surrogates; else a 400.

    Over HTTP a body must be UTF-8 (RFC 8259, 8.1): no byte order mark, no
    UTF-16. A key given twice is refused rather than one of its values dropped.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProblemError(
            "malformed-request",
            f"the body is not UTF-8 (byte {error.start}: {error.reason})",
        ) from None
    try:
        value = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except _NotJSON as error:
        raise ProblemError("malformed-request", f"body: {error}") from None
    except json.JSONDecodeError as error:
        raise ProblemError(
            "malformed-request",
            f"body: is not JSON: {error.msg} "
            f"(line {error.lineno}, column {error.colno})",
        ) from None
    except RecursionError:
        raise ProblemError("malformed-request", "body: is nested too deeply") from None
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits
        # (CVE-2020-10735); every other ValueError of json.loads is caught above.
        raise ProblemError(
            "malformed-request", "body: holds a number with too many digits"
        ) from None
    refuse_lone_surrogates(text, value)
    return value


class _NotJSON(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _NotJSON(f"the key {json.dumps(key)} is given twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _NotJSON(f"{name} is not a JSON number")


def _fields(
    value: Any, known: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError("the body must be a JSON object")
    problems = [
        Problem(
            (key,), "is not a field of this request (known: " + ", ".join(known) + ")"
        )
        for key in value
        if key not in known
    ]
    problems += [Problem((key,), "is missing") for key in required if key not in value]
    if problems:
        raise InputError(problems)
    return value


def _optional_text(fields: Mapping[str, Any], key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError("must be non-empty text", path=(key,))
    return value.strip()


def _timezone(fields: Mapping[str, Any]) -> str | None:
    name = _optional_text(fields, "timezone")
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(
                f"{name} is not an IANA time zone (e.g. Europe/Vienna)",
                path=("timezone",),
            ) from None
    return name


def _until(fields: Mapping[str, Any]) -> dt.date | None:
    value = fields.get("until")
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InputError("must be a date (YYYY-MM-DD)", path=("until",))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value} is not a date", path=("until",)) from None


def read_side(
    value: Any, side: str, timezone: str | None, until: dt.date | None = None
) -> StaysFile:
    """What one side says: stays JSON (decoded or text), iCalendar, OTA/AlpineBits
    XML or schema.org markup, recognised by :func:`read_stays`."""
    # MAX_STAYS is checked while the series are expanded, before they are built;
    # the XML and markup readers (bounded by size) are counted after.
    stays_file = read_stays(
        value,
        timezone=timezone,
        until=until,
        max_entries=MAX_ENTRIES,
        max_stays=MAX_STAYS,
        path=(side,),
    )
    count = len(stays_file.flexible)
    for item in stays_file.stays:
        count += len(item.stays) if isinstance(item, Series) else 1
        if count > MAX_STAYS:
            raise InputError(
                f"has more than {MAX_STAYS} stays once its series are expanded",
                path=(side,),
            )
    return stays_file


def _confirmed_in_mail(mail: bytes) -> StaysFile:
    """The confirmed stays of the mail's own schema.org markup."""
    try:
        return read_stays(mail, path=("mail",))
    except InputError as error:
        raise InputError(
            [
                Problem(
                    p.path,
                    f"{p.message}; without confirmed, the confirmed stays are read "
                    "from the mail's schema.org markup",
                )
                for p in error.problems
            ]
        ) from None


def _mail(fields: Mapping[str, Any]) -> bytes:
    value = fields["mail"]
    if not isinstance(value, str):
        raise InputError("must be the raw mail, base64-encoded (text)", path=("mail",))
    # Line breaks and blanks are allowed, as base64 tools wrap their output.
    packed = "".join(value.split())
    try:
        if packed:
            return base64.b64decode(packed, validate=True)
    except (binascii.Error, ValueError):  # ValueError: not ASCII
        pass
    raise InputError("is not base64 (RFC 4648, standard alphabet)", path=("mail",))


class _Problems:
    """Runs the readers of a request and keeps every input problem they find."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def run(self, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except InputError as error:
            self.errors.append(error)
            return None

    def raise_any(self) -> None:
        collected = InputError.collect(self.errors)
        if collected is not None:
            raise collected


def _locale(fields: Mapping[str, Any]) -> str | None:
    tag = _optional_text(fields, "locale")
    if tag is None:
        return None
    try:
        # The region is kept: it writes the dates (de-AT: "Jän.").
        return pick_locale(tag, [])
    except InputError as error:
        raise error.under(("locale",)) from None


@dataclass(frozen=True, slots=True)
class CheckInput:
    """What a request asks for, read and validated; ``locale`` only when given."""

    requested: StaysFile
    confirmed: StaysFile
    locale: str | None
    hotel: str | None
    mail: bytes | None = None


def read_request(fields: Mapping[str, Any], *, with_mail: bool) -> CheckInput:
    """The stays of both sides, the locale (and the mail); every problem at once."""
    problems = _Problems()
    timezone = problems.run(lambda: _timezone(fields))
    until = problems.run(lambda: _until(fields))
    locale = problems.run(lambda: _locale(fields))
    requested = problems.run(
        lambda: read_side(fields["requested"], "requested", timezone, until)
    )
    mail = problems.run(lambda: _mail(fields)) if with_mail else None
    if "confirmed" in fields:
        confirmed = problems.run(
            lambda: read_side(fields["confirmed"], "confirmed", timezone, until)
        )
    elif mail is not None:
        confirmed = problems.run(lambda: _confirmed_in_mail(mail))
    else:
        confirmed = None  # the mail's problem is reported
    problems.raise_any()
    assert requested is not None
    assert confirmed is not None
    hotel = hotel_of(requested, confirmed)
    return CheckInput(requested, confirmed, locale, hotel, mail)


def _compare(given: CheckInput) -> Report:
    try:
        return compare(given.requested, given.confirmed)
    except InputError as error:  # a flexible request given as confirmed
        raise error.under(("confirmed",)) from None


# json.dumps(body, ensure_ascii=False) with the encoder made once; answers are
# trees of new dicts and lists, never cyclic, so the cycle check is left out.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _json(body: Mapping[str, Any], report: Report) -> Response:
    content = _bounded(_ENCODER.encode(body).encode("utf-8"))
    return _complete(Response(content, mimetype="application/json"), report)


def _bounded(content: bytes) -> bytes:
    if len(content) > MAX_ANSWER_BYTES:
        raise InputError(
            f"the answer would have {len(content)} bytes; at most "
            f"{MAX_ANSWER_BYTES} are sent: send fewer stays, shorter room types "
            "and references, or a smaller mail"
        )
    return content


def _complete(response: Response, report: Report) -> Response:
    g.complete = report.complete
    g.report = report  # for the metrics
    response.headers[COMPLETE_HEADER] = "true" if report.complete else "false"
    return response


@bp.post("/check")
def check() -> Response:
    """Compare the requested stays with the confirmed ones; the report and summary."""
    fields = _fields(parse_body(request_body()), CHECK_FIELDS, CHECK_FIELDS[:2])
    given = read_request(fields, with_mail=False)
    locale = pick_locale(given.locale, [config().default_locale])
    report = _compare(given)
    summary = summarize(
        report,
        locale=locale,
        confirmed=given.confirmed.stays,
        room_types=room_types_of(given.requested, given.confirmed),
    )
    return _json(
        {
            "complete": report.complete,
            "locale": locale,
            "report": report_to_dict(report),
            "text": render_text(summary),
            "html": render_html(summary),
        },
        report,
    )


def _inside_mail(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return path[1:] if path[:1] == ("mail",) else path


@bp.post("/attach")
def attach() -> Response:
    """Put the summary at the top of the mail; the changed mail (or JSON)."""
    fields = _fields(parse_body(request_body()), ATTACH_FIELDS, ATTACH_REQUIRED)
    given = read_request(fields, with_mail=True)
    assert given.mail is not None
    settings = config()
    report = _compare(given)
    # The mail's own language when the request names none; the service's
    # default after it (the library alone would fall back to English).
    locale = pick_locale(
        given.locale, [*mail_languages(given.mail), settings.default_locale]
    )
    # The calendar's DTSTAMP is the mail's own Date, so that a retry gives the same
    # bytes; a mail without a usable Date is stamped with the service's clock.
    stamp = (
        None
        if mail_date(given.mail) is not None
        else dt.datetime.fromtimestamp(settings.now(), dt.UTC)
    )
    try:
        changed = attach_summary(
            given.mail,
            report,
            locale=locale,
            attach_calendar=settings.attach_calendar,
            stamp=stamp,
            hotel=given.hotel,
            confirmed=given.confirmed.stays,
            room_types=room_types_of(given.requested, given.confirmed),
            subject_prefix=settings.subject_prefix,
            allow_dkim=settings.allow_dkim,
        )
    except MailError as error:
        g.mail_error = error  # for the metrics
        # The library names MIME parts ("part 1.2") after "mail"; in the request
        # body they are all inside the one field /mail.
        raise InputError(
            [
                Problem(("mail",), str(Problem(_inside_mail(p.path), p.message)))
                for p in error.problems
            ]
        ) from None
    wanted = request.accept_mimetypes.best_match(
        [RFC822, "application/json"], default=RFC822
    )
    if wanted == "application/json":
        response = _json(
            {
                "complete": report.complete,
                "locale": locale,
                "report": report_to_dict(report),
                "mail": base64.b64encode(changed).decode("ascii"),
            },
            report,
        )
    else:
        response = _complete(Response(_bounded(changed), mimetype=RFC822), report)
    response.vary.add("Accept")
    return response
