"""``python -m webhook.client`` as a new user meets it: its help, and what it says
when the secret is missing (issue 11, items 20 and 25). Calls to a running service
are in test_webhook_serve.py."""

from __future__ import annotations

import pytest

import webhook.client
from tests.webhook.helpers import STORY

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
