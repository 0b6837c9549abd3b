"""Settings: read from CONFIRMCHECK_* variables at the edge, refused when unusable."""

from __future__ import annotations

import base64
import json

import pytest

from tests.webhook.helpers import OTHER_SECRET, SECRET
from webhook import Config, ConfigError, config_from_env, create_app
from webhook.config import SETTINGS, decode_secret, unknown_variables


def env(**settings: str) -> dict[str, str]:
    return {"CONFIRMCHECK_SECRET": SECRET} | {
        "CONFIRMCHECK_" + k: v for k, v in settings.items()
    }


def test_the_defaults() -> None:
    config = config_from_env(env())
    assert config.keys == (b"confirmcheck-test-key-0123456789",)
    assert config.tolerance_seconds == 300
    assert config.max_body_bytes == 4 * 1024 * 1024
    assert config.default_locale == "en"
    assert config.attach_calendar is True
    assert config.subject_prefix is None
    assert config.allow_dkim is False
    assert config.bearer_token is None


def test_every_setting() -> None:
    config = config_from_env(
        env(
            SECRET=f" {SECRET}\t{OTHER_SECRET} ",
            TOLERANCE_SECONDS="60",
            MAX_BODY_BYTES="4096",
            DEFAULT_LOCALE="de-AT",
            ATTACH_CALENDAR="off",
            SUBJECT_PREFIX="[Checked]",
            ALLOW_DKIM="yes",
            BEARER_TOKEN="t" * 16,
        )
    )
    assert config.keys == (decode_secret(SECRET), decode_secret(OTHER_SECRET))
    assert config.tolerance_seconds == 60
    assert config.max_body_bytes == 4096
    assert config.default_locale == "de-AT"
    assert config.attach_calendar is False
    assert config.subject_prefix == "[Checked]"
    assert config.allow_dkim is True
    assert config.bearer_token == "t" * 16


def test_secrets_and_tokens_stay_out_of_repr() -> None:
    config = config_from_env(env(BEARER_TOKEN="secret-token-1234567"))
    assert "secret-token" not in repr(config)
    assert "confirmcheck-test-key" not in repr(config)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_secret_stops_start_up(value: str | None) -> None:
    environ = {} if value is None else {"CONFIRMCHECK_SECRET": value}
    with pytest.raises(ConfigError, match="CONFIRMCHECK_SECRET is not set") as caught:
        config_from_env(environ)
    assert "--dev" in str(caught.value)
    with pytest.raises(ConfigError, match="CONFIRMCHECK_SECRET is not set"):
        create_app(dict(environ))


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "must start with whsec_"),
        ("whsec_not*base64", "must be base64"),
        ("whsec_A", "must be base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "the key has 5 bytes"),
        ("whsec_", "the key has 0 bytes"),
    ],
)
def test_a_malformed_secret_stops_start_up(secret: str, expected: str) -> None:
    with pytest.raises(ConfigError, match="secret 2: .*" + expected):
        config_from_env(env(SECRET=f"{SECRET} {secret}"))


def test_unpadded_secrets_are_read_as_the_official_client_reads_them() -> None:
    from standardwebhooks import Webhook

    unpadded = SECRET.rstrip("=")
    assert unpadded != SECRET
    assert decode_secret(unpadded) == decode_secret(SECRET)
    assert Webhook(unpadded)._whsecret == decode_secret(unpadded)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TOLERANCE_SECONDS", "0", "from 1 to 86400"),
        ("TOLERANCE_SECONDS", "5m", "whole number"),
        ("MAX_BODY_BYTES", "100", "from 1024"),
        ("DEFAULT_LOCALE", "sv", "supported: de, en, es, fr, it, nl, pl"),
        ("ATTACH_CALENDAR", "maybe", "true or false"),
        ("ALLOW_DKIM", "2", "true or false"),
        ("SUBJECT_PREFIX", "[x]\r\nBcc: a@example.org", "line breaks"),
        ("SUBJECT_PREFIX", "x" * 101, "at most 100"),
        ("BEARER_TOKEN", "short", "16 or more"),
        ("BEARER_TOKEN", "with blanks in the middle", "without blanks"),
    ],
)
def test_a_malformed_setting_stops_start_up(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=f"CONFIRMCHECK_{name}: .*{expected}"):
        config_from_env(env(**{name: value}))


def test_every_bad_variable_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_env(
            {"CONFIRMCHECK_TOLERANCE_SECONDS": "x", "CONFIRMCHECK_ALLOW_DKIM": "x"}
        )
    message = str(caught.value)
    for name in ("SECRET", "TOLERANCE_SECONDS", "ALLOW_DKIM"):
        assert f"CONFIRMCHECK_{name}" in message


def test_a_config_cannot_be_built_without_keys() -> None:
    with pytest.raises(ConfigError, match="at least one"):
        Config(keys=())
    with pytest.raises(ConfigError, match="16 bytes"):
        Config(keys=(b"short",))


def test_unknown_variables_are_reported_not_fatal(log_lines: list[str]) -> None:
    environ = env(TOLERANCE_SECOND="30", SECERT="x")
    assert unknown_variables(environ) == [
        "CONFIRMCHECK_SECERT",
        "CONFIRMCHECK_TOLERANCE_SECOND",
    ]
    create_app({**environ, "LOG": log_lines.append})
    warning = json.loads(log_lines[0])
    assert warning["event"] == "warning"
    assert warning["variables"] == [
        "CONFIRMCHECK_SECERT",
        "CONFIRMCHECK_TOLERANCE_SECOND",
    ]
    # Names only: a value set by mistake (a secret in the wrong variable) stays out.
    assert '"x"' not in log_lines[0]


def test_every_setting_is_documented_in_one_table() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "webhook.md").read_text()
    for name in SETTINGS:
        assert f"| `CONFIRMCHECK_{name}` |" in doc


@pytest.mark.parametrize(
    "bad",
    [
        {"SECRET": SECRET},
        {"CONFIRMCHECK_SECRET": b"whsec_"},
        {"NOW": 1_780_000_000},
        {"LOG": "stderr"},
    ],
)
def test_test_config_takes_settings_as_strings_only(bad: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="test_config"):
        create_app({"CONFIRMCHECK_SECRET": SECRET, **bad})


def test_create_app_reads_the_environment_when_given_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONFIRMCHECK_SECRET", SECRET)
    monkeypatch.setenv("CONFIRMCHECK_TOLERANCE_SECONDS", "42")
    app = create_app()
    assert app.extensions["confirmcheck"].tolerance_seconds == 42
    monkeypatch.delenv("CONFIRMCHECK_SECRET")
    with pytest.raises(ConfigError, match="CONFIRMCHECK_SECRET"):
        create_app()
