"""POST /v1/check: the story end to end, and every way a request can be refused."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from confirmcheck import diff, load_stays, render_text, report_to_dict, summarize
from tests.webhook.helpers import (
    DocumentedClient,
    sign_bytes,
    sign_headers,
    story_body,
)
from webhook.api import MAX_ENTRIES, MAX_STAYS


def problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["type"] == f"tag:confirmcheck,2026:problem:{kind}"
    assert body["status"] == status
    assert "Traceback" not in json.dumps(body)
    return body


def pointers(body: dict[str, Any]) -> dict[str, str]:
    return {e["pointer"]: e["detail"] for e in body["errors"]}


# --- success ----------------------------------------------------------------------


def test_the_story_says_what_is_not_booked(client: DocumentedClient) -> None:
    response = client.signed("/v1/check", story_body())
    assert response.status_code == 200
    assert response.headers["Confirmcheck-Complete"] == "false"
    body = response.get_json()
    assert body["complete"] is False
    assert body["locale"] == "en"
    assert body["text"].startswith("NOT BOOKED: 1 of your 20 weekly stays.")
    assert "Mon, 9 Mar – Fri, 13 Mar 2026" in body["text"]
    assert "NOT BOOKED: 1 of your 20 weekly stays." in body["html"]
    assert body["report"]["not_booked"] == [
        {
            "stay": 10,
            "check_in": "2026-03-09",
            "check_out": "2026-03-13",
            "nights": 4,
            "rooms": 1,
            "room_type": "single",
            "guests": 1,
        }
    ]


def test_the_response_is_what_the_library_says(client: DocumentedClient) -> None:
    from pathlib import Path

    story = Path(__file__).resolve().parents[2] / "examples" / "story"
    requested = load_stays(story / "requested.json").stays
    confirmed = load_stays(story / "confirmed.json")
    report = diff(requested, confirmed.stays)
    body = client.signed("/v1/check", story_body(locale="de")).get_json()
    assert body["report"] == report_to_dict(report)
    # The hotel's references and names of its rooms, from its stays file.
    summary = summarize(
        report, locale="de", confirmed=confirmed.stays, room_types=confirmed.room_types
    )
    assert body["text"] == render_text(summary)


def test_everything_booked_is_said_as_plainly(client: DocumentedClient) -> None:
    stays = story_body()["requested"]
    response = client.signed("/v1/check", {"requested": stays, "confirmed": stays})
    assert response.headers["Confirmcheck-Complete"] == "true"
    body = response.get_json()
    assert body["complete"] is True
    assert body["text"].startswith(
        "All 20 of your stays are booked as requested (80 nights)."
    )


@pytest.mark.parametrize(
    ("tag", "used", "verdict"),
    [
        ("de", "de", "NICHT GEBUCHT"),
        ("de-AT", "de-AT", "NICHT GEBUCHT"),
        ("de_CH", "de-CH", "NICHT GEBUCHT"),
        ("en-GB", "en-GB", "NOT BOOKED"),
        (None, "en", "NOT BOOKED"),
    ],
)
def test_the_locale(
    client: DocumentedClient, tag: str | None, used: str, verdict: str
) -> None:
    body = client.signed("/v1/check", story_body(locale=tag)).get_json()
    assert body["locale"] == used
    assert body["text"].startswith(verdict)


def test_the_default_locale_is_configurable(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(DEFAULT_LOCALE="de")
    assert client.signed("/v1/check", story_body()).get_json()["locale"] == "de"
    body = client.signed("/v1/check", story_body(locale="en")).get_json()
    assert body["locale"] == "en"


def test_stays_as_a_plain_array_and_a_series_on_either_side(
    client: DocumentedClient,
) -> None:
    series = {
        "check_in": "2026-01-05",
        "check_out": "2026-01-09",
        "rrule": "FREQ=WEEKLY;COUNT=3",
        "exdate": ["2026-01-12"],
    }
    confirmed = [{"check_in": "2026-01-05", "check_out": "2026-01-09"}]
    body = client.signed(
        "/v1/check", {"requested": [series], "confirmed": confirmed, "timezone": None}
    ).get_json()
    assert body["report"]["totals"]["requested_stays"] == 2
    assert [r["check_in"] for r in body["report"]["not_booked"]] == ["2026-01-19"]


def test_a_time_zone_is_accepted(client: DocumentedClient) -> None:
    body = story_body(timezone="Europe/Vienna")
    assert client.signed("/v1/check", body).status_code == 200


def test_a_retry_gets_the_same_answer(client: DocumentedClient) -> None:
    first = client.signed("/v1/check", story_body())
    second = client.signed("/v1/check", story_body())
    assert first.get_data() == second.get_data()


# --- 400: not JSON ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("{'requested': []}", "not JSON"),
        ('{"requested": [], "requested": []}', 'key "requested" is given twice'),
        ('{"requested": NaN}', "NaN is not a JSON number"),
        ('{"requested": [1e5, Infinity]}', "Infinity"),
        ('{"rooms": ' + "9" * 5000 + "}", "a number with too many digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("\ufeff{}", "not JSON"),
    ],
)
def test_malformed_json(client: DocumentedClient, body: str, expected: str) -> None:
    detail = problem(client.signed("/v1/check", body), 400, "malformed-request")[
        "detail"
    ]
    assert expected in detail


def test_utf16_is_not_json_here(client: DocumentedClient) -> None:
    data = json.dumps(story_body()).encode("utf-16")
    response = client.post("/v1/check", data=data, headers=sign_bytes(data))
    assert "not UTF-8" in problem(response, 400, "malformed-request")["detail"]


# --- 413: too large ---------------------------------------------------------------


class Unreadable(io.RawIOBase):
    """A body stream that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0  # the test client measures the stream; it is "empty" to it

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(MAX_BODY_BYTES="2048")
    response = client.post(
        "/v1/check",
        input_stream=Unreadable(),
        headers={"Content-Type": "application/json"},
        environ_overrides={"CONTENT_LENGTH": "2049"},
    )
    detail = problem(response, 413, "too-large")["detail"]
    assert "2049" in detail
    assert "2048" in detail


def test_a_stream_over_the_limit_without_a_length_is_cut_off(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(MAX_BODY_BYTES="2048")
    data = json.dumps(story_body()).encode()
    assert len(data) > 2048
    response = client.post(
        "/v1/check",
        input_stream=io.BytesIO(data),
        headers=sign_headers(data),
        # What a server sets for a chunked body: the stream ends by itself.
        environ_overrides={"wsgi.input_terminated": True},
    )
    problem(response, 413, "too-large")


def test_a_body_at_the_limit_is_read(
    client_for: Callable[..., DocumentedClient],
) -> None:
    data = json.dumps(story_body())
    client = client_for(MAX_BODY_BYTES=str(len(data.encode())))
    assert client.signed("/v1/check", data).status_code == 200


# --- 415: not JSON by its media type ----------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
        "application/jsonx",
    ],
)
def test_the_media_type(client: DocumentedClient, content_type: str | None) -> None:
    data = json.dumps(story_body())
    headers = sign_headers(data)
    del headers["Content-Type"]
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post("/v1/check", data=data, headers=headers)
    problem(response, 415, "unsupported-media-type")


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "Application/JSON; charset=UTF-8"],
)
def test_utf8_charsets_are_fine(client: DocumentedClient, content_type: str) -> None:
    data = json.dumps(story_body())
    headers = {**sign_headers(data), "Content-Type": content_type}
    assert client.post("/v1/check", data=data, headers=headers).status_code == 200


# --- 422: JSON that makes no sense ------------------------------------------------


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_the_body_must_be_an_object(client: DocumentedClient, body: Any) -> None:
    found = problem(client.signed("/v1/check", json.dumps(body)), 422, "invalid-input")
    assert pointers(found) == {"": "the body must be a JSON object"}


def test_missing_and_unknown_fields(client: DocumentedClient) -> None:
    found = problem(
        client.signed("/v1/check", {"requestd": [], "local": "de"}),
        422,
        "invalid-input",
    )
    assert set(pointers(found)) == {"/requestd", "/local", "/requested", "/confirmed"}
    assert pointers(found)["/requested"] == "is missing"
    assert "known: requested, confirmed" in pointers(found)["/requestd"]


def test_every_problem_is_reported_at_once_with_its_pointer(
    client: DocumentedClient,
) -> None:
    body = {
        "requested": [
            {"check_in": "2026-03-09", "check_out": "2026-03-09"},
            {"check_in": "2026-02-30", "check_out": "2026-03-02", "rooms": 0},
            {
                "check_in": "2026-03-09",
                "check_out": "2026-03-13",
                "rrule": "FREQ=WEEKLY",
            },
        ],
        "confirmed": {
            "stays": [{"check_in": "2026-03-09", "check_out": "x", "roms": 1}]
        },
        "locale": "sv",
        "timezone": "Mars/Olympus_Mons",
    }
    found = problem(client.signed("/v1/check", body), 422, "invalid-input")
    errors = pointers(found)
    assert set(errors) == {
        "/requested/0",
        "/requested/1/check_in",
        "/requested/2/rrule",
        "/confirmed/stays/0/check_out",
        "/confirmed/stays/0/roms",
        "/locale",
        "/timezone",
    }
    assert (
        errors["/requested/0"]
        == "check_out 2026-03-09 is not after check_in 2026-03-09"
    )
    assert "never ends" in errors["/requested/2/rrule"]
    assert "supported: de, en" in errors["/locale"]
    assert found["detail"].endswith("(and 6 more problems)")


def test_rooms_zero_is_pointed_at(client: DocumentedClient) -> None:
    body = {
        "requested": [
            {"check_in": "2026-03-09", "check_out": "2026-03-10", "rooms": 0}
        ],
        "confirmed": [],
    }
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    assert errors == {"/requested/0/rooms": "must be at least 1, not 0"}


def test_a_key_with_a_slash_is_escaped_in_its_pointer(client: DocumentedClient) -> None:
    body = {
        "requested": [
            {"check_in": "2026-03-09", "check_out": "2026-03-10", "a/b~c": 1}
        ],
        "confirmed": [],
    }
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    assert list(errors) == ["/requested/0/a~1b~0c"]


@pytest.mark.parametrize("value", ["BEGIN:VCALENDAR", 7, True])
def test_a_side_of_another_kind(client: DocumentedClient, value: Any) -> None:
    body = {"requested": value, "confirmed": []}
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    assert list(errors) == ["/requested"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("locale", ""), ("locale", 5), ("timezone", " "), ("timezone", ["UTC"])],
)
def test_optional_text_fields(client: DocumentedClient, field: str, value: Any) -> None:
    body = story_body(**{field: value})
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    assert errors == {f"/{field}": "must be non-empty text"}


def test_too_many_entries_are_refused_before_they_are_read(
    client: DocumentedClient,
) -> None:
    stay = {"check_in": "2026-03-09", "check_out": "2026-03-10"}
    body = {
        "requested": [stay] * (MAX_ENTRIES + 1),
        "confirmed": {"stays": [stay] * (MAX_ENTRIES + 1)},
    }
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    assert set(errors) == {"/requested", "/confirmed"}
    assert str(MAX_ENTRIES) in errors["/requested"]


def test_too_many_stays_once_expanded(client: DocumentedClient) -> None:
    daily = {
        "check_in": "2026-01-01",
        "check_out": "2026-01-02",
        "rrule": "FREQ=DAILY;COUNT=4000",
    }
    count = MAX_STAYS // 4000 + 1
    days = [
        {**daily, "check_in": f"{2026 + i}-01-01", "check_out": f"{2026 + i}-01-02"}
        for i in range(count)
    ]
    body = {"requested": days, "confirmed": []}
    errors = pointers(problem(client.signed("/v1/check", body), 422, "invalid-input"))
    # Named at the series that would pass the cap, before its stays are built.
    assert errors == {
        f"/requested/{count - 1}": f"with it the stays reach more than the "
        f"{MAX_STAYS} one input may have (series expanded)"
    }
