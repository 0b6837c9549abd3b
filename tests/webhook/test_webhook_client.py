"""``python -m webhook.client`` as a new user meets it: its help, and what it says
when the secret is missing (issue 11, items 20 and 25). Calls to a running service
are in test_webhook_serve.py."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

import webhook.client
from tests.webhook.helpers import STORY
from webhook.client import target
from webhook.serve import announce

STORY_ARGS = [
    "http://127.0.0.1:9/v1/check",  # never reached: the secret is checked first
    str(STORY / "requested.json"),
    str(STORY / "confirmed.json"),
]


@pytest.mark.parametrize("value", ["", "   "])
def test_no_secret_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    environ = {} if not value else {"CONFIRMCHECK_SECRET": value}
    assert webhook.client.main(STORY_ARGS, environ=environ) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "webhook.client: CONFIRMCHECK_SECRET is not set: give the whsec_ secret the "
        "service was started with (confirmcheck-webhook --dev prints one)\n"
    )


def test_a_malformed_secret_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    environ = {"CONFIRMCHECK_SECRET": "not-a-secret"}
    assert webhook.client.main(STORY_ARGS, environ=environ) == 2
    assert capsys.readouterr().err == (
        "webhook.client: CONFIRMCHECK_SECRET: a secret must start with whsec_\n"
    )


def test_help_names_the_secret_and_the_exit_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        webhook.client.main(["--help"], environ={})
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "CONFIRMCHECK_SECRET" in text
    assert (
        "Exit status: 0 everything is booked as requested, 1 something differs, 2 "
        "the request was refused" in text
    )


@pytest.mark.parametrize(
    ("where", "options", "url"),
    [
        ("/v1/check", {}, "http://127.0.0.1:8000/v1/check"),
        ("/v1/attach", {"port": 41234}, "http://127.0.0.1:41234/v1/attach"),
        ("/v1/check", {"host": "::1", "port": 9000}, "http://[::1]:9000/v1/check"),
        (
            "https://hotel.example/v1/check",
            {"port": 1},
            "https://hotel.example/v1/check",
        ),
    ],
)
def test_a_path_is_sent_to_host_and_port(
    where: str, options: dict[str, Any], url: str
) -> None:
    assert target(where, **options) == url


def test_neither_path_nor_url_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["v1/check", *STORY_ARGS[1:]]
    environ = {"CONFIRMCHECK_SECRET": "whsec_" + "A" * 32}
    assert webhook.client.main(args, environ=environ) == 2
    assert capsys.readouterr().err == (
        "webhook.client: v1/check: neither a path such as /v1/check nor an http(s) "
        "URL\n"
    )


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("http://127.0.0.1:8000", ""),
        ("http://127.0.0.1:41234", " --port 41234"),
        ("http://[::1]:8000", " --host ::1"),
    ],
)
def test_dev_prints_one_url_and_the_documented_command(url: str, where: str) -> None:
    # Issue 13: `--dev` prints one URL, the preview page's, first; the client's
    # command names the server by --host/--port only where it is not the default,
    # so on the default address it is the README's command.
    out = io.StringIO()
    announce("whsec_SECRET", url, out)
    text = out.getvalue()
    assert re.findall(r"\w+://\S+", text) == [f"{url}/preview"]
    indented = [line.strip() for line in text.splitlines() if line.startswith("    ")]
    assert indented[0] == f"{url}/preview"
    assert indented[-1] == (
        "CONFIRMCHECK_SECRET=whsec_SECRET uv run python -m confirmcheck_webhook.client"
        f"{where} /v1/check examples/story/requested.json examples/story/confirmed.json"
    )
