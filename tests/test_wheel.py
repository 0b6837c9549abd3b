"""The distribution as users get it: the wheel built with ``uv build``, installed
into fresh virtual environments outside the repository.

Without the extra, ``pip install confirmcheck`` must give a working library and
command line and no web framework; with ``[webhook]``, the service must start, from
the console script and from the documented gunicorn line, and answer a signed
request sent by the installed client. The environments are made with ``uv venv``
from this interpreter (never a downloaded one) and filled with ``uv pip install``,
which takes the packages from uv's cache when it has them.
"""

from __future__ import annotations

import email
import email.policy
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import IO

import pytest

from tests.webhook.helpers import SECRET

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "examples" / "story"
MAIL = ROOT / "tests" / "mail" / "corpus" / "alternative-base64-utf8-lf.eml"
WEB = ("flask", "werkzeug", "gunicorn", "prometheus_client")
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
TIMEOUT = 120.0


def _uv() -> str:
    # `uv run` tells its children where it is; else the uv on PATH.
    found = os.environ.get("UV") or shutil.which("uv")
    assert found, "the wheel test needs uv (pip install uv), as the README does"
    return found


def _environ(**extra: str) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONFIRMCHECK_", "VIRTUAL_ENV", "PYTHON", "UV_PROJECT"))
    }
    environ.update(UV_PYTHON_DOWNLOADS="never", UV_PYTHON_PREFERENCE="only-system")
    environ.update(extra)
    return environ


def _run(
    args: Sequence[str | Path], cwd: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_environ(**extra),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _ok(args: Sequence[str | Path], cwd: Path) -> str:
    done = _run(args, cwd)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory outside the repository, holding the story's files."""
    where = tmp_path_factory.mktemp("user")
    for name in ("requested.json", "confirmed.json"):
        shutil.copy(STORY / name, where / name)
    shutil.copy(MAIL, where / "confirmation.eml")
    return where


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _ok([_uv(), "build", "--out-dir", dist, ROOT], ROOT)
    (built,) = dist.glob("confirmcheck-*.whl")
    return built


def _venv(where: Path, requirement: str, cwd: Path) -> Path:
    _ok([_uv(), "venv", "--quiet", "--python", sys.executable, where], cwd)
    python = where / "bin" / "python"
    _ok([_uv(), "pip", "install", "--quiet", "--python", python, requirement], cwd)
    return where / "bin"


@pytest.fixture(scope="module")
def lean(tmp_path_factory: pytest.TempPathFactory, wheel: Path, outside: Path) -> Path:
    """The bin directory of an environment with ``pip install confirmcheck``."""
    return _venv(tmp_path_factory.mktemp("lean") / "venv", str(wheel), outside)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, wheel: Path, outside: Path) -> Path:
    """The bin directory of an environment with ``confirmcheck[webhook]``."""
    requirement = f"confirmcheck[webhook] @ {wheel.as_uri()}"
    return _venv(tmp_path_factory.mktemp("full") / "venv", requirement, outside)


def test_the_wheel_installs_no_top_level_webhook(wheel: Path) -> None:
    import zipfile

    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert "webhook" not in tops
    assert {"confirmcheck", "confirmcheck_webhook"} <= tops


def test_the_library_alone(lean: Path, outside: Path) -> None:
    done = _run(
        [lean / "confirmcheck", "check", "requested.json", "confirmed.json"], outside
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("NOT BOOKED: 1 of your 20 weekly stays.")
    version = _ok([lean / "confirmcheck", "--version"], outside)
    assert re.fullmatch(r"confirmcheck \d+\.\d+\.\d+\S*\n", version)
    script = (
        "import importlib.util as u, confirmcheck\n"
        f"print([m for m in {WEB!r} + ('webhook',) if u.find_spec(m)])\n"
        "print(confirmcheck.__version__)\n"
    )
    absent, installed = _ok([lean / "python", "-c", script], outside).splitlines()
    assert absent == "[]"
    assert version == f"confirmcheck {installed}\n"


def test_the_service_without_its_extra_says_so(lean: Path, outside: Path) -> None:
    done = _run([lean / "confirmcheck-webhook"], outside, CONFIRMCHECK_SECRET=SECRET)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "pip install 'confirmcheck[webhook]'" in done.stderr
    # Which version is installed can be asked without the extra.
    version = _ok([lean / "confirmcheck-webhook", "--version"], outside)
    assert re.fullmatch(r"confirmcheck-webhook \d+\.\d+\.\d+\S*\n", version)


@dataclass
class Running:
    process: subprocess.Popen[str]
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    port: int = 0
    pump: threading.Thread | None = None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        if self.pump is not None:  # it ends at end of file, now that it has exited
            self.pump.join(timeout=20)
        if self.process.stderr is not None:
            self.process.stderr.close()


def _pump(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


@pytest.fixture
def serve(outside: Path) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(*args: str | Path) -> Running:
        process = subprocess.Popen(
            [str(a) for a in args],
            cwd=outside,
            env=_environ(CONFIRMCHECK_SECRET=SECRET),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        running = Running(process)
        started.append(running)
        assert process.stderr is not None
        running.pump = threading.Thread(
            target=_pump, args=(process.stderr, running.lines), daemon=True
        )
        running.pump.start()
        deadline = time.monotonic() + TIMEOUT
        seen: list[str] = []
        while running.port == 0:
            line = running.lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line is not None, "the server stopped:\n" + "".join(seen)
            seen.append(line)
            match = LISTENING.search(line)
            if match:
                running.port = int(match.group(1))
        return running

    yield start
    for running in started:
        running.stop()


def _get(port: int, path: str) -> tuple[int, bytes]:
    url = f"http://127.0.0.1:{port}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def test_the_service_with_its_extra(
    full: Path, outside: Path, serve: Callable[..., Running]
) -> None:
    server = serve(
        full / "confirmcheck-webhook", "--bind", "127.0.0.1:0", "--workers", "1"
    )
    assert _get(server.port, "/healthz") == (200, b'{"status":"ok"}')
    assert _get(server.port, "/readyz")[0] == 200
    # The documented way to try it: the installed client, signing with the secret.
    client: list[str | Path] = [full / "python", "-m", "confirmcheck_webhook.client"]
    url = f"http://127.0.0.1:{server.port}/v1/attach"
    done = _run(
        [
            *client,
            url,
            "requested.json",
            "confirmed.json",
            "--mail",
            "confirmation.eml",
        ],
        outside,
        CONFIRMCHECK_SECRET=SECRET,
    )
    assert done.returncode == 1, done.stderr  # 1: something is NOT BOOKED
    # The changed mail: the summary on top of the text, the calendar attached.
    changed = email.message_from_string(done.stdout, policy=email.policy.default)
    assert isinstance(changed, EmailMessage)
    text = changed.get_body(("plain",))
    assert text is not None
    assert "\nNOT BOOKED: 1 of your 20 weekly stays.\n" in text.get_content()
    names = [part.get_filename() for part in changed.iter_attachments()]
    assert names == ["booking-summary.ics"]
    version = _ok([full / "confirmcheck-webhook", "--version"], outside)
    assert version.startswith("confirmcheck-webhook ")


def test_the_documented_gunicorn_line(
    full: Path, serve: Callable[..., Running]
) -> None:
    server = serve(
        full / "gunicorn",
        "confirmcheck_webhook:create_app()",
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "1",
        "--no-control-socket",
    )
    assert _get(server.port, "/readyz") == (200, b'{"status":"ready"}')
