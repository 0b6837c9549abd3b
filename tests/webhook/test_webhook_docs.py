"""docs/webhook.md is true of the service: its /v1/check example is answered as
shown, and its command for a production secret makes one the service takes
(issue 11, item 25)."""

from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys

from tests.webhook.helpers import ROOT, DocumentedClient
from webhook.config import MIN_SECRET_BYTES, decode_secret

DOC = (ROOT / "docs" / "webhook.md").read_text("utf-8")


def _section(title: str) -> str:
    return DOC.split(f"### `{title}`", 1)[1].split("\n### ", 1)[0]


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_check_example_is_answered_as_shown(client: DocumentedClient) -> None:
    request, answer = _blocks(_section("POST /v1/check"), "json")
    response = client.signed("/v1/check", json.loads(request))
    assert response.status_code == 200
    got = json.dumps(response.get_json(), ensure_ascii=False)
    # The documented answer, with "..." for what it leaves out, as a doctest
    # would compare it.
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert checker.check_output(answer, got + "\n", flags), (answer, got[:400])


def test_the_production_secret_command_makes_a_usable_secret() -> None:
    (command,) = (
        line
        for block in _blocks(DOC, "sh")
        for line in block.splitlines()
        if "token_bytes" in line
    )
    assert command.startswith("python3 -c ")
    code = command.removeprefix("python3 -c ").strip("'")
    made = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert made.startswith("whsec_")
    assert len(decode_secret(made)) >= MIN_SECRET_BYTES
