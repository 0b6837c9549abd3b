"""The real thing: gunicorn on a free loopback port, called by a real HTTP client
that signs with the official standardwebhooks package.

Readiness is gunicorn's own "Listening at" line on its standard error (the port is
0, so the kernel picks a free one and gunicorn names it); the test waits for lines
with bounded timeouts, never with sleeps. Every server is terminated in its
fixture's finalizer.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import pytest
from standardwebhooks import Webhook

import webhook.client
from tests.webhook.helpers import ROOT, SECRET, story_body

LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 60.0
LINE_TIMEOUT = 20.0


def _pump(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


@dataclass
class Server:
    """A running ``python -m webhook``, its port and its output, line by line."""

    process: subprocess.Popen[str]
    stdout: queue.Queue[str | None] = field(default_factory=queue.Queue)
    stderr: queue.Queue[str | None] = field(default_factory=queue.Queue)
    port: int = 0
    seen: list[str] = field(default_factory=list)
    pumps: list[threading.Thread] = field(default_factory=list)

    def line(self, source: queue.Queue[str | None], timeout: float) -> str:
        got = source.get(timeout=timeout)
        if got is None:
            raise AssertionError("the server's output ended:\n" + "\n".join(self.seen))
        self.seen.append(got)
        return got

    def wait_for(
        self, pattern: re.Pattern[str], source: queue.Queue[str | None]
    ) -> re.Match[str]:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            match = pattern.search(self.line(source, deadline - time.monotonic()))
            if match:
                return match

    def next_request_log(self) -> dict[str, Any]:
        """The next JSON request line on standard error (gunicorn's lines skipped)."""
        deadline = time.monotonic() + LINE_TIMEOUT
        while True:
            text = self.line(self.stderr, deadline - time.monotonic())
            if text.startswith("{"):
                record: dict[str, Any] = json.loads(text)
                if record.get("event") == "request":
                    return record

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        for pump in self.pumps:  # they end at end of file, now that it has exited
            pump.join(timeout=20)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _environ(**settings: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONFIRMCHECK_")}
    environ.update({"CONFIRMCHECK_" + k: v for k, v in settings.items()})
    environ["PYTHONUNBUFFERED"] = "1"
    return environ


def start(args: list[str], environ: Mapping[str, str]) -> Server:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=dict(environ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    server = Server(process)
    assert process.stdout is not None
    assert process.stderr is not None
    for stream, into in (
        (process.stdout, server.stdout),
        (process.stderr, server.stderr),
    ):
        pump = threading.Thread(target=_pump, args=(stream, into), daemon=True)
        pump.start()
        server.pumps.append(pump)
    try:
        server.port = int(server.wait_for(LISTENING, server.stderr).group(1))
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start(
        ["-m", "webhook", "--bind", "127.0.0.1:0", "--workers", "2"],
        _environ(SECRET=SECRET, MAX_BODY_BYTES="65536"),
    )
    yield running
    running.stop()


def signed(body: str, secret: str = SECRET, msg_id: str = "msg_e2e") -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
    }


def call(
    server: Server,
    method: str,
    path: str,
    body: str | bytes | Iterator[bytes] | None = None,
    headers: Mapping[str, str] | None = None,
    **options: Any,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers=dict(headers or {}), **options
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_healthz(server: Server) -> None:
    status, _, body = call(server, "GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert server.next_request_log()["route"] == "/healthz"


def test_the_story_end_to_end(server: Server) -> None:
    body = json.dumps(story_body(locale="de"))
    status, headers, content = call(server, "POST", "/v1/check", body, signed(body))
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Confirmcheck-Complete"] == "false"
    answer = json.loads(content)
    assert answer["text"].startswith(
        "NICHT GEBUCHT: 1 Ihrer 20 wöchentlichen Aufenthalte."
    )
    log = server.next_request_log()
    assert log["route"] == "/v1/check"
    assert log["status"] == 200
    assert log["complete"] is False
    assert log["webhook_id"] == "msg_e2e"
    assert log["duration_ms"] > 0


def test_a_chunked_body_is_read_whole(server: Server) -> None:
    body = json.dumps(story_body())
    headers = signed(body)
    chunks = [body[i : i + 500].encode() for i in range(0, len(body), 500)]
    status, _, content = call(
        server, "POST", "/v1/check", iter(chunks), headers, encode_chunked=True
    )
    assert status == 200, content
    assert server.next_request_log()["bytes_in"] == 0  # no Content-Length was sent


def test_refusals_over_the_wire(server: Server) -> None:
    body = json.dumps(story_body())
    tampered = body.replace("2026-01-05", "2026-01-06", 1)
    status, headers, content = call(server, "POST", "/v1/check", tampered, signed(body))
    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"
    assert "WWW-Authenticate" in headers
    assert json.loads(content)["detail"].startswith("no signature matches")
    assert server.next_request_log()["problem"] == "unauthenticated"

    old = {**signed(body), "webhook-timestamp": str(int(time.time()) - 600)}
    status, _, content = call(server, "POST", "/v1/check", body, old)
    assert status == 401
    assert "seconds old" in json.loads(content)["detail"]
    server.next_request_log()

    status, headers, _ = call(server, "GET", "/v1/check")
    assert (status, headers["Allow"]) == (405, "POST")
    server.next_request_log()


def test_a_declared_length_over_the_limit_is_refused_unread(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("POST", "/v1/check")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(50 * 1024 * 1024))
        connection.endheaders()  # and not one byte of the 50 MiB announced
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["type"].endswith(":too-large")
    finally:
        connection.close()
    assert server.next_request_log()["status"] == 413


def test_no_access_log_only_json_lines(server: Server) -> None:
    call(server, "GET", "/openapi.json")
    record = server.next_request_log()
    assert record["route"] == "/openapi.json"
    # gunicorn's access log would print the request line; it is off.
    assert not any('"GET /openapi.json' in line for line in server.seen)


def test_the_signed_client_script(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    story = ROOT / "examples" / "story"
    code = webhook.client.main(
        [
            f"http://127.0.0.1:{server.port}/v1/check",
            str(story / "requested.json"),
            str(story / "confirmed.json"),
        ],
        environ={"CONFIRMCHECK_SECRET": SECRET},
    )
    assert code == 1
    assert capsys.readouterr().out.startswith("NOT BOOKED: 1 of your 20 weekly stays.")
    server.next_request_log()
    code = webhook.client.main(
        [
            f"http://127.0.0.1:{server.port}/v1/check",
            str(story / "confirmed.json"),
            str(story / "confirmed.json"),
            "--json",
        ],
        environ={"CONFIRMCHECK_SECRET": SECRET},
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["complete"] is True
    server.next_request_log()


# --- development mode and start-up refusals ---------------------------------------


def test_dev_mode_makes_and_prints_a_one_time_secret() -> None:
    dev = start(
        ["-m", "webhook", "--dev", "--bind", "127.0.0.1:0", "--workers", "1"],
        _environ(),
    )
    try:
        secret = dev.wait_for(
            re.compile(r"CONFIRMCHECK_SECRET=(whsec_\S+)"), dev.stdout
        )
        body = json.dumps(story_body())
        status, _, _ = call(
            dev, "POST", "/v1/check", body, signed(body, secret.group(1))
        )
        assert status == 200
        status, _, _ = call(dev, "POST", "/v1/check", body, signed(body, SECRET))
        assert status == 401
    finally:
        dev.stop()


def _refused(args: list[str], environ: Mapping[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "webhook", *args],
        cwd=ROOT,
        env=dict(environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    return done.stderr


def test_without_a_secret_it_does_not_start() -> None:
    message = _refused([], _environ())
    assert message.startswith("confirmcheck-webhook: CONFIRMCHECK_SECRET is not set")
    assert "--dev" in message


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--dev", "--bind", "0.0.0.0:8000"], "loopback only"),
        (["--dev", "--bind", "unix:/tmp/x.sock"], "loopback only"),
        (["--workers", "0"], "workers"),
        (["--timeout", "soon"], "timeout"),
    ],
)
def test_bad_serving_options_do_not_start(args: list[str], expected: str) -> None:
    assert expected in _refused(args, _environ(SECRET=SECRET))


def test_the_documented_gunicorn_line() -> None:
    plain = start(
        [
            "-m",
            "gunicorn",
            "webhook:create_app()",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        _environ(SECRET=SECRET),
    )
    try:
        status, _, body = call(plain, "GET", "/healthz")
        assert (status, body) == (200, b'{"status":"ok"}')
        payload = json.dumps(story_body())
        status, _, _ = call(plain, "POST", "/v1/check", payload, signed(payload))
        assert status == 200
    finally:
        plain.stop()
