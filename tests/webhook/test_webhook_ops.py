"""Operating the service: readiness, request ids, and Prometheus metrics that count
what users care about without ever carrying a guest's data."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

import webhook.ops
from tests.webhook.conftest import AppFactory
from tests.webhook.helpers import DocumentedClient, documented, story_body
from tests.webhook.test_webhook_attach import attach_body
from webhook.metrics import child_exit, multiprocess_directory, refusal_reason
from webhook.ops import Readiness, check_readiness

Logs = Callable[[], list[dict[str, Any]]]
REFUSED = Path(__file__).resolve().parents[1] / "mail" / "refused"
TOKEN = "metrics-token-0123456789"
PERSONAL = ("AB-4711", "Alpenblick", "2026-03-09", "single", "Europe/Vienna")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition by name and labels (parsed, not grepped)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


# --- readiness ---------------------------------------------------------------------


def test_ready_once_built(client: DocumentedClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200


def test_not_ready_says_what_is_missing(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise OSError("catalog file with secret content")

    monkeypatch.setattr(
        webhook.ops,
        "check_readiness",
        lambda config: check_readiness(config, load_catalogs=broken),
    )
    client = documented(make_app())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith(":not-ready")
    assert problem["detail"] == "not loaded: translations (OSError)"
    assert "secret content" not in response.get_data(as_text=True)
    # Liveness does no work and stays up.
    assert client.get("/healthz").status_code == 200


def test_readiness_without_settings() -> None:
    assert check_readiness(None).missing == ("settings",)
    assert Readiness(()).ready


# --- request ids -------------------------------------------------------------------


def test_the_webhook_id_is_the_request_id(client: DocumentedClient, logs: Logs) -> None:
    response = client.signed("/v1/check", story_body())
    assert response.headers["Request-Id"] == "msg_2Nv8aKq1"
    assert logs()[-1]["request_id"] == "msg_2Nv8aKq1"


def test_every_answer_and_log_line_has_a_request_id(
    client: DocumentedClient, logs: Logs
) -> None:
    responses = [
        client.get("/healthz"),
        client.get("/readyz"),
        client.post("/v1/check", json=story_body()),  # 401: unsigned
        client.get("/nowhere"),  # 404
        client.signed("/v1/check", {"requested": []}),  # 422
    ]
    ids = [response.headers["Request-Id"] for response in responses]
    assert [line["request_id"] for line in logs()] == ids
    for made in ids[:4]:
        assert re.fullmatch(r"req_[0-9a-f]{24}", made)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("given", ["", "a b", "x" * 257, "café"])
def test_an_unusable_webhook_id_gets_a_made_one(
    client: DocumentedClient, given: str
) -> None:
    headers = {"webhook-id": given} if given.isascii() else {}
    response = client.get("/healthz", headers=headers)
    assert re.fullmatch(r"req_[0-9a-f]{24}", response.headers["Request-Id"])


# --- metrics ------------------------------------------------------------------------


def test_metrics_are_off_by_default(client: DocumentedClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert "/metrics" not in client.document["paths"]


def test_the_counters_move_after_a_check_and_an_attach(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(METRICS="true")
    assert "/metrics" in client.document["paths"]
    before = client.get("/metrics").get_data(as_text=True)
    assert value(before, "confirmcheck_checks_total", verdict="not_complete") == 0
    assert value(before, "confirmcheck_mails_refused_total", reason="dkim") == 0

    assert client.signed("/v1/check", story_body()).status_code == 200
    assert client.signed("/v1/attach", attach_body()).status_code == 200
    signed_mail = (REFUSED / "multipart-signed.eml").read_bytes()
    assert client.signed("/v1/attach", attach_body(signed_mail)).status_code == 422
    assert client.get("/nowhere/AB-4711").status_code == 404

    response = client.get("/metrics")
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert value(text, "confirmcheck_checks_total", verdict="not_complete") == 2
    assert value(text, "confirmcheck_checks_total", verdict="complete") == 0
    # The story: one stay of 4 nights, 1 room, NOT BOOKED; checked twice.
    assert value(text, "confirmcheck_not_booked_room_nights_total") == 8
    assert value(text, "confirmcheck_mails_changed_total") == 1
    assert value(text, "confirmcheck_mails_refused_total", reason="signed") == 1
    requests = "confirmcheck_http_requests_total"
    assert value(text, requests, route="/v1/check", method="POST", status="200") == 1
    assert value(text, requests, route="/v1/attach", method="POST", status="200") == 1
    assert value(text, requests, route="/v1/attach", method="POST", status="422") == 1
    assert value(text, requests, route="unmatched", method="GET", status="404") == 1
    assert (
        value(
            text,
            "confirmcheck_http_request_duration_seconds_count",
            route="/v1/check",
            method="POST",
        )
        == 1
    )
    for personal in PERSONAL:
        assert personal not in text


def test_an_unknown_method_is_counted_as_other(
    client_for: Callable[..., DocumentedClient],
) -> None:
    client = client_for(METRICS="true")
    client.client.open("/healthz", method="BREW")
    text = client.get("/metrics").get_data(as_text=True)
    requests = "confirmcheck_http_requests_total"
    assert value(text, requests, route="unmatched", method="other", status="405") == 1
    assert "BREW" not in text


def test_the_metrics_token(client_for: Callable[..., DocumentedClient]) -> None:
    client = client_for(METRICS="true", METRICS_TOKEN=TOKEN)
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 24})
    assert wrong.status_code == 401
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert "confirmcheck_checks_total" in ok.get_data(as_text=True)


API_TOKEN = "api-bearer-token-0123456789"


@pytest.mark.parametrize(
    ("settings", "accepted", "refused"),
    [
        ({"BEARER_TOKEN": API_TOKEN}, [API_TOKEN], [TOKEN]),
        ({"METRICS_TOKEN": TOKEN}, [TOKEN], [API_TOKEN]),
        ({"BEARER_TOKEN": API_TOKEN, "METRICS_TOKEN": TOKEN}, [API_TOKEN, TOKEN], []),
    ],
    ids=["api-token-only", "metrics-token-only", "both"],
)
def test_metrics_takes_the_api_bearer_token_or_its_own(
    client_for: Callable[..., DocumentedClient],
    settings: dict[str, str],
    accepted: list[str],
    refused: list[str],
) -> None:
    client = client_for(METRICS="true", **settings)
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    for token in [*refused, "x" * 24]:
        wrong = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert wrong.status_code == 401, token
    for token in accepted:
        ok = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200, token
        assert "confirmcheck_checks_total" in ok.get_data(as_text=True)


def test_metrics_without_any_token_is_open(
    client_for: Callable[..., DocumentedClient],
) -> None:
    assert client_for(METRICS="true").get("/metrics").status_code == 200


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("multipart-signed", "signed"),
        ("pkcs7-mime", "signed"),
        ("dkim-signed", "dkim"),
        ("broken-base64", "malformed"),
    ],
)
def test_refusals_are_counted_by_reason(
    client_for: Callable[..., DocumentedClient], name: str, reason: str
) -> None:
    client = client_for(METRICS="true")
    mail = (REFUSED / f"{name}.eml").read_bytes()
    assert client.signed("/v1/attach", attach_body(mail)).status_code == 422
    text = client.get("/metrics").get_data(as_text=True)
    for known in ("signed", "dkim", "malformed"):
        expected = 1 if known == reason else 0
        assert value(text, "confirmcheck_mails_refused_total", reason=known) == expected


def test_refusal_reason_of_a_plain_mail_error() -> None:
    from confirmcheck.mail import MailError

    assert refusal_reason(MailError("is empty", path=("mail",))) == "malformed"


def test_a_fresh_directory_per_start(tmp_path: Path) -> None:
    environ = {"TMPDIR": str(tmp_path)}
    with multiprocess_directory(environ=environ) as settings:
        directory = Path(environ["PROMETHEUS_MULTIPROC_DIR"])
        assert directory.is_dir()
        assert list(directory.iterdir()) == []
        assert settings == {"child_exit": child_exit}
        (directory / "counter_1.db").write_bytes(b"x")
    assert not directory.exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in environ
    environ = {"PROMETHEUS_MULTIPROC_DIR": "/elsewhere"}
    with multiprocess_directory(environ=environ):
        assert environ["PROMETHEUS_MULTIPROC_DIR"] != "/elsewhere"
    assert environ == {"PROMETHEUS_MULTIPROC_DIR": "/elsewhere"}
    with multiprocess_directory(enabled=False, environ=environ) as settings:
        assert settings == {}


def test_the_gunicorn_settings_module_for_running_gunicorn_directly() -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]

    import webhook.gunicorn_conf

    settings = Config()
    settings.set("child_exit", webhook.gunicorn_conf.child_exit)  # gunicorn checks it
    assert settings.child_exit is child_exit
    assert webhook.gunicorn_conf.__all__ == ["child_exit"]
