"""Settings for operating the service: a secret from a mounted file, metrics, and
tracing switched on by OpenTelemetry's own variable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.webhook.helpers import OTHER_SECRET, SECRET
from webhook.config import ConfigError, config_from_env, decode_secret


def test_the_secrets_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text(f"{SECRET}\n{OTHER_SECRET}\n", encoding="ascii")
    config = config_from_env({"CONFIRMCHECK_SECRET_FILE": str(path)})
    assert config.keys == (decode_secret(SECRET), decode_secret(OTHER_SECRET))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "CONFIRMCHECK_SECRET_FILE: cannot read"),
        (b"", "holds no secret"),
        (b"whsec_\xff", "is not ASCII text"),
        (b"x" * (64 * 1024 + 1), "more than 65536 bytes"),
        (b"whsec_short", "CONFIRMCHECK_SECRET_FILE, secret 1:"),
    ],
    ids=["missing", "empty", "not-ascii", "too-large", "bad-secret"],
)
def test_a_secret_file_that_cannot_be_used(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "secret"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        config_from_env({"CONFIRMCHECK_SECRET_FILE": str(path)})
    assert expected in str(caught.value)


def test_a_secret_and_a_secret_file_are_one_too_many(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text(SECRET, encoding="ascii")
    with pytest.raises(ConfigError, match="not both"):
        config_from_env(
            {"CONFIRMCHECK_SECRET": SECRET, "CONFIRMCHECK_SECRET_FILE": str(path)}
        )


def test_metrics_settings() -> None:
    config = config_from_env({"CONFIRMCHECK_SECRET": SECRET})
    assert (config.metrics, config.metrics_token, config.tracing) == (
        False,
        None,
        False,
    )
    config = config_from_env(
        {
            "CONFIRMCHECK_SECRET": SECRET,
            "CONFIRMCHECK_METRICS": "true",
            "CONFIRMCHECK_METRICS_TOKEN": "t" * 16,
        }
    )
    assert (config.metrics, config.metrics_token) == (True, "t" * 16)
    assert "t" * 16 not in repr(config)
    with pytest.raises(ConfigError, match="CONFIRMCHECK_METRICS: must be true"):
        config_from_env({"CONFIRMCHECK_SECRET": SECRET, "CONFIRMCHECK_METRICS": "?"})


@pytest.mark.parametrize(
    "variable", ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
)
def test_tracing_follows_opentelemetry_s_variable(variable: str) -> None:
    config = config_from_env(
        {"CONFIRMCHECK_SECRET": SECRET, variable: "http://127.0.0.1:4318"}
    )
    assert config.tracing


def test_tracing_without_the_otel_extra_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.instrumentation.flask", None)
    with pytest.raises(ConfigError, match=r"pip install 'confirmcheck\[otel\]'"):
        config_from_env(
            {
                "CONFIRMCHECK_SECRET": SECRET,
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
            }
        )
