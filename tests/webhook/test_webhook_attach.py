"""POST /v1/attach: the summary goes into the mail the guest reads; refusals point
at /mail."""

from __future__ import annotations

import base64
import email
import email.policy
import json
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from confirmcheck.mail import TEXT_BEGIN
from tests.webhook.helpers import (
    NOW,
    SECRET,
    DocumentedClient,
    documented,
    sign_headers,
    story_body,
)
from webhook import create_app
from webhook.api import MAX_ENTRIES


def confirmation(
    *, language: str | None = None, dated: bool = True, **headers: str
) -> bytes:
    """A hotel's multipart/alternative confirmation of the story, as raw bytes."""
    message = EmailMessage()
    message["From"] = "Hotel Alpenblick <reservations@alpenblick.example>"
    message["To"] = "guest@example.org"
    message["Subject"] = "Your reservation"
    message["Message-ID"] = "<r-4711@alpenblick.example>"
    if dated:
        message["Date"] = "Mon, 01 Dec 2025 09:00:00 +0100"
    message.set_content("Dear guest,\n\nwe confirm your stays.\n")
    message.add_alternative(
        "<html><body><p>Dear guest,</p><p>we confirm your stays.</p></body></html>",
        subtype="html",
    )
    # After the content: set_content() drops the Content-* headers it finds.
    if language:
        message["Content-Language"] = language
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message.as_bytes()


def attach_body(mail: bytes | None = None, **extra: Any) -> dict[str, Any]:
    raw = confirmation() if mail is None else mail
    return story_body(mail=base64.b64encode(raw).decode("ascii"), **extra)


def parts(raw: bytes) -> dict[str, str]:
    """The changed mail's text parts by type, and attachment names."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found: dict[str, str] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        key = f"file:{name}" if name else part.get_content_type()
        found[key] = str(part.get_content())
    return found


def summary(raw: bytes) -> str:
    """The text/plain part as the guest reads it, from the summary on: the mail
    module frames the summary with a marker line, so that it can replace it."""
    text = parts(raw)["text/plain"]
    assert text.startswith(TEXT_BEGIN)
    return text[len(TEXT_BEGIN) :].lstrip()


def problem(response: Any, status: int = 422) -> dict[str, str]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    return {e["pointer"]: e["detail"] for e in body.get("errors", [])}


def test_the_mail_comes_back_with_the_summary_on_top(client: DocumentedClient) -> None:
    response = client.signed("/v1/attach", attach_body())
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert response.headers["Confirmcheck-Complete"] == "false"
    assert "Accept" in response.headers["Vary"]
    found = parts(response.get_data())
    assert summary(response.get_data()).startswith(
        "NOT BOOKED: 1 of your 20 weekly stays."
    )
    assert found["text/plain"].rstrip().endswith("we confirm your stays.")
    assert "NOT BOOKED: 1 of your 20 weekly stays." in found["text/html"]
    assert "file:booking-summary.ics" in found
    assert "BEGIN:VCALENDAR" in found["file:booking-summary.ics"]


def test_json_when_asked_for(client: DocumentedClient) -> None:
    body = attach_body()
    raw = client.signed("/v1/attach", body).get_data()
    response = client.signed("/v1/attach", body, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert base64.b64decode(answer["mail"]) == raw
    assert answer["complete"] is False
    assert answer["locale"] == "en"
    check = client.signed("/v1/check", story_body()).get_json()
    assert answer["report"] == check["report"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "message/rfc822"),
        ("text/html", "message/rfc822"),
        ("application/json, */*;q=0.1", "application/json"),
        ("application/json;q=0.5, message/rfc822", "message/rfc822"),
        ("message/*", "message/rfc822"),
    ],
)
def test_content_negotiation(
    client: DocumentedClient, accept: str, expected: str
) -> None:
    response = client.signed("/v1/attach", attach_body(), headers={"Accept": accept})
    assert response.mimetype == expected


def test_everything_booked(client: DocumentedClient) -> None:
    body = attach_body()
    body["requested"] = body["confirmed"]
    response = client.signed("/v1/attach", body)
    assert response.headers["Confirmcheck-Complete"] == "true"
    assert summary(response.get_data()).startswith("All 19 of your stays")


@pytest.mark.parametrize(
    ("mail", "locale", "settings", "verdict"),
    [
        (confirmation(), "de", {}, "NICHT GEBUCHT"),
        (confirmation(language="de-AT"), None, {}, "NICHT GEBUCHT"),
        (confirmation(language="sv, de"), None, {}, "NICHT GEBUCHT"),
        (confirmation(language="de"), "en", {}, "NOT BOOKED"),
        (confirmation(), None, {"DEFAULT_LOCALE": "de"}, "NICHT GEBUCHT"),
        (confirmation(language="sv"), None, {"DEFAULT_LOCALE": "de"}, "NICHT GEBUCHT"),
        (confirmation(language="en"), None, {"DEFAULT_LOCALE": "de"}, "NOT BOOKED"),
    ],
)
def test_the_language_of_the_summary(
    client_for: Callable[..., DocumentedClient],
    mail: bytes,
    locale: str | None,
    settings: dict[str, str],
    verdict: str,
) -> None:
    client = client_for(**settings)
    response = client.signed(
        "/v1/attach",
        attach_body(mail, locale=locale),
        headers={"Accept": "application/json"},
    )
    answer = response.get_json()
    assert summary(base64.b64decode(answer["mail"])).startswith(verdict)
    assert answer["locale"].split("-")[0] == (
        "de" if verdict == "NICHT GEBUCHT" else "en"
    )


def test_settings_for_the_calendar_and_the_subject(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(ATTACH_CALENDAR="false", SUBJECT_PREFIX="[1 NOT BOOKED]")
    raw = client.signed("/v1/attach", attach_body()).get_data()
    assert not any(key.startswith("file:") for key in parts(raw))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(message["Subject"]).startswith("[1 NOT BOOKED]")


def test_attaching_twice_is_attaching_once(client: DocumentedClient) -> None:
    once = client.signed("/v1/attach", attach_body()).get_data()
    twice = client.signed("/v1/attach", attach_body(once)).get_data()
    assert twice == once


def test_a_retry_gives_the_same_bytes_whatever_the_clock(
    client: DocumentedClient, log_lines: list[str]
) -> None:
    # The calendar is stamped with the mail's own Date, not with "now".
    later = documented(
        create_app(
            {
                "CONFIRMCHECK_SECRET": SECRET,
                "NOW": lambda: NOW + 60.0,
                "LOG": log_lines.append,
            }
        )
    )
    body = json.dumps(attach_body())  # once: the MIME boundary is random
    first = client.signed("/v1/attach", body).get_data()
    assert "DTSTAMP:20251201T080000Z" in parts(first)["file:booking-summary.ics"]
    later_headers = sign_headers(body, timestamp=NOW + 60)
    second = later.post("/v1/attach", data=body, headers=later_headers).get_data()
    assert first == second


def test_a_mail_without_a_date_is_stamped_with_the_service_clock(
    client: DocumentedClient,
) -> None:
    undated = confirmation(dated=False)
    assert b"\nDate:" not in undated
    raw = client.signed("/v1/attach", attach_body(undated)).get_data()
    assert "DTSTAMP:20260528T202640Z" in parts(raw)["file:booking-summary.ics"]


def test_base64_may_be_wrapped(client: DocumentedClient) -> None:
    encoded = base64.encodebytes(confirmation()).decode("ascii")
    assert "\n" in encoded
    body = story_body(mail=encoded)
    assert client.signed("/v1/attach", body).status_code == 200


@pytest.mark.parametrize(
    "mail",
    [
        "",
        "not base64!",
        "QUJD=",
        "QU=D",
        "QQ==QUJD",
        "Q===",
        "ＱＵＪＤ",
        42,
        None,
        ["QUJD"],
    ],
)
def test_a_mail_that_is_not_base64_text(client: DocumentedClient, mail: Any) -> None:
    errors = problem(client.signed("/v1/attach", story_body(mail=mail)))
    assert list(errors) == ["/mail"]


def test_a_missing_mail(client: DocumentedClient) -> None:
    assert problem(client.signed("/v1/attach", story_body())) == {"/mail": "is missing"}


def test_a_dkim_signed_mail_is_refused_unless_allowed(
    client_for: Callable[..., DocumentedClient],
) -> None:
    signed = confirmation(
        DKIM_Signature="v=1; a=rsa-sha256; d=alpenblick.example; b=abc"
    )
    errors = problem(client_for().signed("/v1/attach", attach_body(signed)))
    assert list(errors) == ["/mail"]
    assert "DKIM" in errors["/mail"]
    allowed = client_for(ALLOW_DKIM="true").signed("/v1/attach", attach_body(signed))
    assert allowed.status_code == 200


def test_a_signed_mail_is_refused(client: DocumentedClient) -> None:
    signed = (
        b"From: reservations@alpenblick.example\r\n"
        b"To: guest@example.org\r\n"
        b"Subject: Your reservation\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; protocol="application/pkcs7-signature";'
        b' micalg=sha-256; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nWe confirm.\r\n"
        b"--b\r\nContent-Type: application/pkcs7-signature\r\n\r\nMIAG\r\n--b--\r\n"
    )
    errors = problem(client.signed("/v1/attach", attach_body(signed)))
    assert list(errors) == ["/mail"]
    assert "sign" in errors["/mail"]


def test_every_problem_at_once(client: DocumentedClient) -> None:
    body = attach_body(mail=None, locale="xx")
    body["mail"] = "%%%"
    body["requested"] = [{"check_in": "2026-03-09", "check_out": "2026-03-01"}]
    errors = problem(client.signed("/v1/attach", body))
    assert set(errors) == {"/mail", "/locale", "/requested/0"}


def test_unknown_fields_name_the_known_ones(client: DocumentedClient) -> None:
    errors = problem(client.signed("/v1/attach", attach_body(mial="x")))
    assert "mail" in errors["/mial"]


def test_limits_apply_as_for_check(client: DocumentedClient) -> None:
    stay = {"check_in": "2026-03-09", "check_out": "2026-03-10"}
    body = attach_body()
    body["requested"] = [stay] * (MAX_ENTRIES + 1)
    assert list(problem(client.signed("/v1/attach", body))) == ["/requested"]


def test_the_request_is_authenticated_first(client: DocumentedClient) -> None:
    response = client.post("/v1/attach", data=json.dumps(attach_body()))
    assert response.status_code == 401
