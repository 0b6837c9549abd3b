"""The preview page through Flask's test client: every input format on each side,
every refusal, the series builder's rules, and the headers that keep guest data
out of caches and scripts out of the page.

Cases are files: ``data/preview/series/*.json`` (builder fields and the rule and
stays they make), ``data/preview/bad/*`` (a bad file and, in ``.expected``, what
the page must say next to the field, ``{side}`` standing for the field's name).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.test import TestResponse

from confirmcheck import (
    InputError,
    compare,
    read_stays,
    report_from_json,
    summarize,
)
from tests.webhook.helpers import DATA, NOW, ROOT, SECRET, STORY
from webhook import create_app
from webhook.config import ConfigError, config_from_env
from webhook.preview.builder import build_series
from webhook.preview.guard import CSRF_LIFETIME_SECONDS
from webhook.serve import main

SERIES_CASES = sorted((DATA / "preview" / "series").glob("*.json"))
BAD_FILES = sorted(
    path for path in (DATA / "preview" / "bad").iterdir() if path.suffix != ".expected"
)
SIDES = ("requested", "confirmed")
#: Every stays file of the story, by side: each format the library reads.
STORY_FILES = {
    side: sorted(path for path in STORY.glob(f"{side}.*") if path.suffix != ".md")
    for side in SIDES
}
PASSWORD = "a long and fine password"
# pbkdf2 with few rounds: the tests check the format, not the hash's cost.
USERS = "anna:" + generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"anna:{PASSWORD}".encode()).decode()
}
STORY_SERIES = {
    "first_night": "2026-01-05",
    "days": ["MO", "TU", "WE", "TH", "FR"],
    "times": "20",
    "room_type": "single",
    "guests": "1",
}


def make_app(
    log: list[str] | None = None, *, now: float = NOW, **settings: str
) -> Flask:
    config: dict[str, object] = {
        "CONFIRMCHECK_SECRET": SECRET,
        "CONFIRMCHECK_PREVIEW": "true",
        "CONFIRMCHECK_PREVIEW_USERS": USERS,
        "NOW": lambda: now,
        "LOG": (log if log is not None else []).append,
    }
    config.update({"CONFIRMCHECK_" + k: v for k, v in settings.items()})
    return create_app(config)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def client(log: list[str]) -> FlaskClient:
    return make_app(log).test_client()


def token(client: FlaskClient) -> str:
    page = client.get("/preview", headers=AUTH)
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def post(
    client: FlaskClient,
    form: dict[str, Any],
    path: str = "/preview",
    *,
    multipart: bool = True,
) -> TestResponse:
    """Post the form as the browser does (multipart); ``multipart=False`` sends
    it URL-encoded, which the test client builds in memory (its multipart bodies
    over 500 kB go to a temporary file nobody closes)."""
    data = {"csrf": token(client), **form}
    kind = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    return client.post(path, data=data, headers=AUTH, content_type=kind)


def verdict(response: TestResponse) -> str:
    found = re.search(
        r'<p id="verdict-text" class="verdict-text">([^<]*)</p>', response.text
    )
    assert found is not None, response.text
    return found.group(1)


def field_errors(response: TestResponse, name: str) -> str:
    found = re.search(
        rf'<div class="errors" id="{name}-errors" role="alert">(.*?)</div>',
        response.text,
        re.S,
    )
    assert found is not None, f"no errors next to {name}"
    return found.group(1)


def upload(path: Path) -> tuple[io.BytesIO, str]:
    return io.BytesIO(path.read_bytes()), path.name


def story(side: str) -> str:
    return (STORY / f"{side}.json").read_text(encoding="utf-8")


# --- every format on each side, pasted and uploaded -----------------------------


@pytest.mark.parametrize("path", STORY_FILES["requested"], ids=lambda path: path.name)
@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_every_requested_format(client: FlaskClient, path: Path, how: str) -> None:
    form: dict[str, Any] = {"confirmed_text": story("confirmed")}
    if how == "pasted":
        form["requested_text"] = path.read_text(encoding="utf-8")
    else:
        form["requested_file"] = upload(path)
    response = post(client, form)
    assert response.status_code == 200, response.text
    assert verdict(response) == "NOT BOOKED: 1 of your 20 weekly stays."
    # An uploaded file comes back as text in its box, to change and send again.
    assert "BEGIN:VCALENDAR" in response.text or "FREQ=WEEKLY" in response.text


@pytest.mark.parametrize("path", STORY_FILES["confirmed"], ids=lambda path: path.name)
@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_every_confirmed_format(client: FlaskClient, path: Path, how: str) -> None:
    form: dict[str, Any] = {"requested_text": story("requested")}
    if how == "pasted":
        form["confirmed_text"] = path.read_text(encoding="utf-8")
    else:
        form["confirmed_file"] = upload(path)
    response = post(client, form)
    assert response.status_code == 200, response.text
    assert verdict(response) == "NOT BOOKED: 1 of your 20 weekly stays."


def test_the_story_shows_the_missing_week_as_not_booked(client: FlaskClient) -> None:
    response = post(
        client, {**STORY_SERIES, "confirmed_text": story("confirmed"), "locale": "de"}
    )
    assert verdict(response) == "NOT BOOKED: 1 of your 20 weekly stays."
    for day in range(9, 13):
        cell = re.search(rf'data-date="2026-03-{day:02d}">(.*?)</td>', response.text)
        assert cell is not None
        assert "NOT BOOKED" in cell.group(1)
    cell = re.search(r'data-date="2026-03-13">(.*?)</td>', response.text)
    assert cell is not None
    assert "booked" not in cell.group(1).lower()
    # The guest's summary, in German, in a frame that may not run scripts.
    frame = re.search(r'<iframe [^>]*sandbox srcdoc="([^"]*)"', response.text)
    assert frame is not None
    assert "NICHT GEBUCHT: 1 Ihrer 20" in frame.group(1)
    assert "allow-scripts" not in response.text


def test_all_booked_says_so(client: FlaskClient) -> None:
    response = post(
        client,
        {"requested_text": story("confirmed"), "confirmed_text": story("confirmed")},
    )
    assert verdict(response).startswith("All 19 of your stays are booked")


# --- the series builder ---------------------------------------------------------


@pytest.mark.parametrize("path", SERIES_CASES, ids=lambda path: path.stem)
def test_series_builder_rules(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    built = build_series(case["fields"], case["days"])
    assert built.rrule == case["rrule"]
    assert len(built.series.stays) == case["stays"]
    first, last = built.first, built.last
    assert [first.check_in.isoformat(), first.check_out.isoformat()] == case["first"]
    assert [last.check_in.isoformat(), last.check_out.isoformat()] == case["last"]


@pytest.mark.parametrize("path", SERIES_CASES, ids=lambda path: path.stem)
def test_the_page_shows_the_rule_and_the_first_and_last_stays(
    client: FlaskClient, path: Path
) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    response = post(
        client, {**case["fields"], "days": case["days"], "confirmed_text": "[]"}
    )
    assert response.status_code == 200, response.text
    assert f'<code id="rrule">{case["rrule"]}</code>' in response.text
    first = dt.date.fromisoformat(case["first"][0])
    assert f"{first.day} " in re.sub(r"<[^>]+>", "", response.text)


@pytest.mark.parametrize(
    ("fields", "days", "field", "message"),
    [
        (
            {"first_night": "2026-01-06", "times": "3"},
            ["MO", "FR"],
            "days",
            "follow each other",
        ),
        (
            {"first_night": "2026-01-06", "times": "3"},
            ["MO", "TU"],
            "first_night",
            "is a Tuesday",
        ),
        ({"first_night": "2026-01-05"}, ["MO", "TU"], "until", "number of stays"),
        (
            {"first_night": "2026-01-05", "times": "3", "until": "2026-02-01"},
            ["MO", "TU"],
            "until",
            "not both",
        ),
        (
            {"first_night": "2026-01-05", "times": "0"},
            ["MO", "TU"],
            "times",
            "from 1 to",
        ),
        (
            {"first_night": "5.1.2026", "times": "3"},
            ["MO", "TU"],
            "first_night",
            "not a date",
        ),
        (
            {"first_night": "2026-01-05", "times": "3"},
            ["MO"],
            "days",
            "from arrival to departure",
        ),
        (
            {"first_night": "2026-01-05", "times": "3", "unit": "days"},
            ["MO"],
            "days",
            "unticked",
        ),
        (
            {"first_night": "2026-01-05", "times": "3", "rooms": "x"},
            ["MO", "TU"],
            "rooms",
            "whole number",
        ),
        (
            {"first_night": "2026-01-05", "unit": "days", "until": "2040-01-01"},
            [],
            "series",
            "more than the 3000",
        ),
        (
            {"first_night": "2026-01-05", "times": "3", "every": "53"},
            ["MO", "TU"],
            "every",
            "from 1 to 52",
        ),
    ],
)
def test_series_builder_mistakes_are_named_at_their_field(
    client: FlaskClient,
    fields: dict[str, str],
    days: list[str],
    field: str,
    message: str,
) -> None:
    response = post(client, {**fields, "days": days, "confirmed_text": "[]"})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    # The form keeps what was typed.
    assert f'value="{fields["first_night"]}"' in response.text


def test_the_request_is_given_once(client: FlaskClient) -> None:
    response = post(
        client,
        {**STORY_SERIES, "requested_text": story("requested"), "confirmed_text": "[]"},
    )
    assert response.status_code == 422
    assert "not both" in field_errors(response, "requested")


# --- bad input, named next to its field ------------------------------------------


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("side", SIDES)
def test_a_bad_file_is_named_at_its_field(
    client: FlaskClient, path: Path, side: str
) -> None:
    other = "confirmed" if side == "requested" else "requested"
    response = post(
        client,
        {f"{side}_file": upload(path), f"{other}_text": story(other)},
    )
    assert response.status_code == 422
    shown = field_errors(response, side)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    for line in expected.format(side=side).splitlines():
        assert line.replace("'", "&#39;") in shown, shown
    # The other side's text is kept as it was typed.
    assert "Hotel Alpenblick" in response.text


def test_without_confirmed_stays_the_mail_s_markup_is_read(
    client: FlaskClient,
) -> None:
    mail = STORY / "confirmation.eml"
    response = post(client, {**STORY_SERIES, "mail_file": upload(mail)})
    refused = _refusal(lambda: read_stays(mail.read_bytes()))
    if refused is None:
        assert response.status_code == 200, response.text
        assert verdict(response) == "NOT BOOKED: 1 of your 20 weekly stays."
    else:
        # The library does not read this mail's markup: the page says so, with
        # the library's words, at the confirmed field.
        assert response.status_code == 422
        shown = field_errors(response, "confirmed").replace("&#39;", "'")
        assert "could not be read from the mail" in shown
        assert refused.problems[0].message.split(":")[0] in shown


def _refusal(read: Callable[[], object]) -> InputError | None:
    try:
        read()
    except InputError as error:
        return error
    return None


@pytest.mark.parametrize("how", ["uploaded", "mail only"])
def test_an_alpinebits_request_against_its_confirmation_mail(
    client: FlaskClient, how: str
) -> None:
    """OTA/AlpineBits XML on the requested side, the mail's markup confirmed:
    the page says what the library says."""
    folder = ROOT / "examples" / "alpinebits"
    form: dict[str, Any] = {"requested_file": upload(folder / "request.xml")}
    if how == "uploaded":
        form["confirmed_file"] = upload(folder / "confirmation.eml")
    else:
        form["mail_file"] = upload(folder / "confirmation.eml")
    response = post(client, form)
    assert response.status_code == 200, response.text
    expected = compare(
        read_stays((folder / "request.xml").read_bytes()),
        read_stays((folder / "confirmation.eml").read_bytes()),
    )
    assert verdict(response) == html.escape(summarize(expected).verdict, quote=True)


def test_empty_sides_are_named(client: FlaskClient) -> None:
    response = post(client, {})
    assert response.status_code == 422
    assert "is empty" in field_errors(response, "requested")
    assert "is empty" in field_errors(response, "confirmed")


def test_a_bad_time_zone_and_language(client: FlaskClient) -> None:
    response = post(
        client,
        {
            "requested_text": story("requested"),
            "confirmed_text": story("confirmed"),
            "timezone": "Europe/Atlantis",
            "locale": "tlh",
        },
    )
    assert response.status_code == 422
    assert "not an IANA time zone" in field_errors(response, "timezone")
    assert "is not one of" in field_errors(response, "locale")


def test_too_large_is_refused_before_it_is_read(client: FlaskClient) -> None:
    response = post(
        client,
        {"requested_text": "[" + " " * 5_000_000 + "]", "confirmed_text": "[]"},
        multipart=False,
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_a_pasted_text_as_large_as_the_api_takes_is_read(client: FlaskClient) -> None:
    # Flask's own limit for form fields (500 kB) would refuse it.
    padded = story("confirmed").replace("{", "{" + " " * 60_000)
    assert len(padded) > 1_000_000
    response = post(
        client,
        {"requested_text": story("requested"), "confirmed_text": padded},
        multipart=False,
    )
    assert response.status_code == 200


# --- who may use it -------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic " + base64.b64encode(b"anna:wrong password").decode(),
        "Basic " + base64.b64encode(f"otto:{PASSWORD}".encode()).decode(),
        "Basic not-base64!",
        "Bearer " + PASSWORD,
    ],
    ids=["none", "wrong-password", "unknown-user", "malformed", "other-scheme"],
)
def test_wrong_auth_is_refused(client: FlaskClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for response in (
        client.get("/preview", headers=headers),
        client.post("/preview", headers=headers, data={}),
        client.get("/preview/static/preview.css", headers=headers),
    ):
        response.close()
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic ")
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "csrf",
    [None, "", "garbage", f"{NOW}.{'0' * 64}", "stale"],
    ids=["missing", "empty", "garbage", "forged", "stale"],
)
def test_a_form_without_a_valid_csrf_token_is_refused(
    client: FlaskClient, csrf: str | None
) -> None:
    if csrf == "stale":
        old = make_app(now=NOW - CSRF_LIFETIME_SECONDS - 1)
        csrf = token(old.test_client())
    data: dict[str, Any] = {
        "requested_text": story("requested"),
        "confirmed_text": story("confirmed"),
    }
    if csrf is not None:
        data["csrf"] = csrf
    response = client.post("/preview", data=data, headers=AUTH)
    assert response.status_code == 400
    assert "was not accepted" in response.text
    assert "verdict-text" not in response.text


def test_the_preview_is_off_unless_enabled() -> None:
    app = create_app(
        {"CONFIRMCHECK_SECRET": SECRET, "NOW": lambda: float(NOW), "LOG": [].append}
    )
    assert app.test_client().get("/preview", headers=AUTH).status_code == 404


def test_dev_mode_needs_no_credentials() -> None:
    config = config_from_env({}, keys=(b"k" * 32,), open_preview=True)
    from webhook.app import build_app

    lines: list[str] = []
    app = build_app(config, log=lines.append)
    assert app.test_client().get("/preview").status_code == 200


@pytest.mark.parametrize(
    ("users", "message"),
    [
        ("anna", "entry 1 is not name:hash"),
        ("anna:secret", "entry 1 (anna): the part after the first colon"),
        (f"{USERS} :{USERS[5:]}", "entry 2 is not name:hash"),
        (f"{USERS} {USERS}", "entry 2: anna is named twice"),
    ],
)
def test_start_up_refuses_a_malformed_user_entry(users: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_app(PREVIEW_USERS=users)


def test_start_up_refuses_a_preview_for_nobody() -> None:
    with pytest.raises(ConfigError, match="names nobody"):
        make_app(PREVIEW_USERS="")


def test_hash_password_prints_a_hash_the_page_accepts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["hash-password"]) == 0
    printed = capsys.readouterr().out.strip()
    assert check_password_hash(printed, PASSWORD)
    app = make_app(PREVIEW_USERS="reception:" + printed)
    headers = {
        "Authorization": "Basic "
        + base64.b64encode(f"reception:{PASSWORD}".encode()).decode()
    }
    assert app.test_client().get("/preview", headers=headers).status_code == 200


def test_hash_password_refuses_a_short_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["hash-password"]) == 2
    assert "12 or more" in capsys.readouterr().err


# --- nothing kept, nothing run ----------------------------------------------------


def test_every_answer_is_not_stored_and_runs_no_script(client: FlaskClient) -> None:
    answers = [
        client.get("/preview", headers=AUTH),
        client.get("/preview/static/pico.classless.min.css", headers=AUTH),
        post(client, {"requested_text": story("requested"), "confirmed_text": "[]"}),
        post(client, {}),
        post(client, {"confirmed_text": "[]"}, "/preview/download/nothing"),
    ]
    for response in answers:
        response.close()  # the stylesheet is sent from its open file
        assert response.headers["Cache-Control"] == "no-store"
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'none'" in policy
        assert "frame-src 'self'" in policy
    page = answers[0].text
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    assert "Nothing you enter here is stored, logged or cached." in page
    assert '<html lang="en">' in page


def test_guest_data_is_not_logged(client: FlaskClient, log: list[str]) -> None:
    post(client, {**STORY_SERIES, "confirmed_text": story("confirmed")})
    assert log
    assert not any("Alpenblick" in line or "AB-47" in line for line in log)


# --- downloads: the form posted again, computed again ------------------------------


def test_download_the_report_and_the_calendar(client: FlaskClient) -> None:
    form = {**STORY_SERIES, "confirmed_text": story("confirmed")}
    response = post(client, form, "/preview/download/report")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    report = report_from_json(response.text)
    assert report.totals.not_booked_room_nights == 4
    response = post(client, form, "/preview/download/calendar")
    assert response.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.data
    assert b"20260309" in response.data


def test_download_the_changed_mail(client: FlaskClient) -> None:
    mail = STORY / "confirmation.eml"
    form = {
        **STORY_SERIES,
        "confirmed_text": story("confirmed"),
        "mail_file": upload(mail),
    }
    page = post(client, form)
    assert "Changed mail (.eml)" in page.text
    kept = re.search(r'name="mail_kept" value="([^"]+)"', page.text)
    assert kept is not None
    assert base64.b64decode(kept.group(1)) == mail.read_bytes()
    # The second post carries the mail in the page, as the browser sends it.
    response = post(
        client,
        {
            **STORY_SERIES,
            "confirmed_text": story("confirmed"),
            "mail_kept": kept.group(1),
        },
        "/preview/download/mail",
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        'filename="confirmation-with-summary.eml"'
    )
    assert b"NICHT GEBUCHT" in response.data  # the mail's own language
    assert b"booking-summary.ics" in response.data


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "upload the confirmation mail"),
        ({"mail_file": (io.BytesIO(b"not a mail at all"), "x.eml")}, "mail"),
        ({"mail_kept": "%%%"}, "upload it again"),
    ],
    ids=["no-mail", "not-a-mail", "damaged"],
)
def test_a_mail_download_without_a_usable_mail(
    client: FlaskClient, form: dict[str, Any], message: str
) -> None:
    response = post(
        client,
        {**STORY_SERIES, "confirmed_text": story("confirmed"), **form},
        "/preview/download/mail",
    )
    assert response.status_code == 422
    assert message in field_errors(response, "mail")


def test_a_form_with_problems_is_no_download(client: FlaskClient) -> None:
    response = post(client, {"confirmed_text": "[]"}, "/preview/download/report")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
