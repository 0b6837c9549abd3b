"""A signed fuzzer over the webhook's request schema: whatever a sender with the
right secret posts, the answer is never a 5xx, and every 4xx is a problem document.

The bodies follow the shape of /v1/check and /v1/attach requests (stays, series,
stays files, calendars, locales, time zones, mails) with every field sometimes
wrong: other JSON types, impossible dates, odd rules, lone surrogates, huge numbers,
unknown fields. Every request is signed, so each one reaches the readers. The
number of examples is bounded and the search derandomised, so the default run
stays short and the same on every machine; ``HYPOTHESIS_PROFILE=dev`` searches ten
times harder.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.webhook.helpers import NOW, SECRET, DocumentedClient, documented
from webhook import create_app

# --- values, right and wrong -------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", " ", "double", "Double", "\ud800", "x\udfff", "é" * 3]
)
_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
)
_DATES = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        ["2026-02-29", "2026-13-01", "2026-1-5", "0001-01-01", "9999-12-31", "today"]
    ),
    _JSON_SCALARS,
)
_RULE_PARTS = st.sampled_from(
    [
        "FREQ=WEEKLY",
        "FREQ=DAILY",
        "FREQ=YEARLY",
        "FREQ=HOURLY",
        "COUNT=3",
        "COUNT=0",
        "INTERVAL=2",
        "BYDAY=MO,TU",
        "BYMONTHDAY=31",
        "UNTIL=20260401",
        "UNTIL=2026-04-01",
        "WKST=SU",
        "X=1",
        "",
    ]
)
_RULES = st.lists(_RULE_PARTS, max_size=4).map(";".join) | _JSON_SCALARS


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that is left out (None in the dict, removed below) or given."""
    return st.one_of(st.just(_MISSING), value)


_MISSING = object()
_WINDOW = dt.date(2026, 2, 24)

_WILD_STAY = st.fixed_dictionaries(
    {
        "check_in": _DATES,
        "check_out": _DATES,
        "rooms": _maybe(st.one_of(st.integers(-2, 5), _JSON_SCALARS)),
        "room_type": _maybe(_TEXT | _JSON_SCALARS),
        "guests": _maybe(st.one_of(st.integers(-1, 4), _JSON_SCALARS)),
        "ref": _maybe(_TEXT),
        "rrule": _maybe(_RULES),
        "exdate": _maybe(st.lists(_DATES, max_size=3) | _JSON_SCALARS),
        "rdate": _maybe(st.lists(_DATES, max_size=3) | _JSON_SCALARS),
        "surprise": _maybe(_JSON_SCALARS),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not _MISSING})

_SENSIBLE_STAY = st.builds(
    lambda start, nights, rooms, room_type, rule, ref: {
        "check_in": (_WINDOW + dt.timedelta(days=start)).isoformat(),
        "check_out": (_WINDOW + dt.timedelta(days=start + nights)).isoformat(),
        "rooms": rooms,
        "room_type": room_type,
        **({"rrule": rule} if rule else {}),
        **({"ref": ref} if ref else {}),
    },
    st.integers(0, 20),
    st.integers(1, 5),
    st.integers(1, 3),
    st.sampled_from(["single", "double", "Double", "suite"]),
    st.sampled_from(["", "FREQ=WEEKLY;COUNT=4", "FREQ=DAILY;INTERVAL=7;COUNT=3"]),
    # References are quoted in every answer: a lone surrogate among them must be
    # refused, not fail the answer (issue 11, item 7).
    st.sampled_from(["", "A-1", "Zimmer ü", "\ud83d\ude00", "x\udfff"]),
)
# Mostly sensible stays, so that requests get past the readers and the diff,
# rendering and mail work are fuzzed too; sometimes anything at all.
_STAY = st.one_of(_SENSIBLE_STAY, _SENSIBLE_STAY, _SENSIBLE_STAY, _WILD_STAY)

_CALENDAR = st.builds(
    lambda start, end, rule: (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:fuzz@example.org\r\nDTSTART;VALUE=DATE:{start}\r\n"
        f"DTEND;VALUE=DATE:{end}\r\n{rule}END:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    st.dates().map(lambda d: d.strftime("%Y%m%d")) | _TEXT,
    st.dates().map(lambda d: d.strftime("%Y%m%d")) | _TEXT,
    st.sampled_from(["", "RRULE:FREQ=WEEKLY;COUNT=3\r\n", "RRULE:FREQ=DAILY\r\n"]),
)
_SIDE = st.one_of(
    st.lists(_STAY, max_size=4),
    st.lists(_STAY, min_size=1, max_size=4),
    st.lists(_SENSIBLE_STAY, min_size=1, max_size=4),
    st.fixed_dictionaries(
        {"stays": st.lists(_STAY, max_size=3) | _JSON_SCALARS},
        optional={"hotel": _TEXT | _JSON_SCALARS, "timezone": _TEXT},
    ),
    _CALENDAR,
    _JSON_SCALARS,
)
_MAIL = st.one_of(
    st.just(
        base64.b64encode(
            b"From: hotel@example.org\r\nTo: guest@example.org\r\n"
            b"Subject: Confirmation\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
        ).decode("ascii")
    ),
    st.just(
        base64.b64encode(
            b"From: hotel@example.org\r\nTo: guest@example.org\r\n"
            b"Subject: Confirmation\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
        ).decode("ascii")
    ),
    st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode("ascii")),
    _TEXT,
    _JSON_SCALARS,
)
_WILD_BODY = st.fixed_dictionaries(
    {
        "requested": _SIDE | _maybe(_SIDE),
        "confirmed": _SIDE | _maybe(_SIDE),
        "locale": _maybe(st.sampled_from(["de", "en-GB", "fr", "", "x" * 40]) | _TEXT),
        "timezone": _maybe(st.sampled_from(["Europe/Vienna", "Mars/Base", "../x"])),
        "until": _maybe(_DATES),
        "mail": _MAIL | _maybe(_MAIL),
    },
    optional={"extra": _JSON_SCALARS, "\udc00": _JSON_SCALARS},
).map(lambda d: {k: v for k, v in d.items() if v is not _MISSING})


_VALID_MAIL = base64.b64encode(
    b"From: hotel@example.org\r\nTo: guest@example.org\r\nSubject: Confirmation\r\n"
    b"Date: Thu, 28 May 2026 20:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nWe confirm your stays.\r\n"
).decode("ascii")
_SENSIBLE_BODY = st.fixed_dictionaries(
    {
        "requested": st.lists(_SENSIBLE_STAY, min_size=1, max_size=4),
        "confirmed": st.lists(_SENSIBLE_STAY, max_size=4),
    },
    optional={
        "mail": st.just(_VALID_MAIL),
        "locale": st.sampled_from(["de", "en", "de-AT", "en_GB"]),
        "timezone": st.just("Europe/Vienna"),
    },
)
# Half the bodies are sensible and get all the way to an answer (the diff, the
# summary, the calendar and the mail change are fuzzed too); the rest are wild.
_BODY = st.one_of(_SENSIBLE_BODY, _WILD_BODY)


def _app() -> Flask:
    return create_app(
        {
            "CONFIRMCHECK_SECRET": SECRET,
            "NOW": lambda: float(NOW),
            "LOG": lambda line: None,
        }
    )


_CLIENT: DocumentedClient = documented(_app())


@settings(
    max_examples=200,
    derandomize=True,  # the same examples on every run and machine
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    body=_BODY | _JSON_SCALARS | st.lists(_JSON_SCALARS, max_size=3),
    path=st.sampled_from(["/v1/check", "/v1/attach"]),
    accept=st.sampled_from(["application/json", "message/rfc822", "*/*"]),
)
def test_no_signed_request_gets_a_5xx_and_every_4xx_is_a_problem(
    body: Any, path: str, accept: str
) -> None:
    # json.dumps escapes a lone surrogate as \\udXXX: valid JSON text, as a sender
    # would write it.
    text = json.dumps(body)
    response = _CLIENT.signed(path, text, headers={"Accept": accept})
    status = response.status_code
    event(f"{path} {status}")  # --hypothesis-show-statistics shows the spread
    assert status < 500, response.get_data(as_text=True)
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        problem = json.loads(response.get_data())
        assert problem["status"] == status
        assert problem["type"].startswith("tag:confirmcheck,2026:problem:")
        assert "Traceback" not in problem["detail"]
