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
import shlex
import shutil
import socket
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
from webhook.serve import gunicorn_options

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
        # A misspelt setting: the command warns about it (issue 11, item 23).
        _environ(SECRET=SECRET, MAX_BODY_BYTES="65536", MAX_BODY_BYTE="1"),
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


def test_the_command_warns_about_variables_that_are_not_settings(
    server: Server,
) -> None:
    # Issue 11, item 23: only the gunicorn factory line warned.
    warnings = [
        json.loads(line)
        for line in server.seen
        if line.startswith("{") and '"warning"' in line
    ]
    assert [w["variables"] for w in warnings] == [["CONFIRMCHECK_MAX_BODY_BYTE"]]
    assert "1" not in json.dumps(warnings)  # names only, never values


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


def raw_exchange(server: Server, head: bytes, body: bytes, *, hang_up: bool) -> bytes:
    """Send bytes as they are (framing a client library would not write) and read
    the whole answer; ``hang_up`` closes the sending side after the body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + body)
        if hang_up:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while b"\r\n\r\n" not in answer or not _complete(answer):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        return answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    return length is not None and len(body) >= int(length.group(1))


def problem_of(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"\r\nContent-Type: application/problem+json" in head, head
    return status, json.loads(body)


def _chunked_head(headers: Mapping[str, str]) -> bytes:
    lines = ["POST /v1/check HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_broken_chunk_size_is_a_400_problem(server: Server) -> None:
    # Issue 11, item 11: gunicorn's InvalidChunkSize reached the app as a 500.
    body = json.dumps(story_body())
    head = _chunked_head(signed(body))
    status, problem = problem_of(
        raw_exchange(
            server, head, b"zz\r\n" + body.encode() + b"\r\n0\r\n\r\n", hang_up=False
        )
    )
    assert status == 400
    assert problem["type"].endswith(":malformed-request")
    assert "zz" not in problem["detail"]
    assert server.next_request_log()["status"] == 400


def test_a_chunked_body_over_the_limit_is_a_413_not_cut(server: Server) -> None:
    # Issue 11, item 14: the first 64 KiB were signed and judged, the rest ignored.
    limit = 65536
    signed_part = json.dumps({**story_body(), "pad": "x" * limit})[:limit]
    head = _chunked_head(signed(signed_part))
    chunk = signed_part.encode() + b" " * 1000
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n"
    status, problem = problem_of(raw_exchange(server, head, framed, hang_up=False))
    assert status == 413
    assert problem["type"].endswith(":too-large")
    assert server.next_request_log()["status"] == 413


def test_a_body_shorter_than_its_length_is_a_400(server: Server) -> None:
    # Issue 11, item 15: the short body was taken as complete (and judged).
    body = json.dumps(story_body()).encode()
    headers = {**signed(body[:100].decode()), "Content-Length": str(len(body))}
    head = "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    status, problem = problem_of(
        raw_exchange(server, head.encode() + b"\r\n", body[:100], hang_up=True)
    )
    assert status == 400
    assert problem["detail"].startswith(f"the body ended after 100 of the {len(body)}")
    assert server.next_request_log()["status"] == 400


IDLE_CONNECTIONS = 50


def test_idle_and_dribbling_connections_do_not_stop_the_service(
    server: Server,
) -> None:
    # Issue 11, item 17: with sync workers, as many idle connections as workers
    # stopped all service for up to 30 s. Half of these say nothing; half send
    # the start of a request and then nothing more.
    held: list[socket.socket] = []
    try:
        for index in range(IDLE_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            held.append(sock)
            if index % 2:
                sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        body = json.dumps(story_body())
        for _ in range(10):
            # Each call waits at most 20 s for its answer (a bound, not a timing).
            connection = http.client.HTTPConnection(
                "127.0.0.1", server.port, timeout=20
            )
            try:
                connection.request("POST", "/v1/check", body, signed(body))
                response = connection.getresponse()
                assert response.status == 200, response.read()
                response.read()
            finally:
                connection.close()
            assert server.next_request_log()["status"] == 200
    finally:
        for sock in held:
            sock.close()
    assert server.process.poll() is None


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
            "--port",  # a path on 127.0.0.1, as --dev prints it
            str(server.port),
            "/v1/check",
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
        announced: list[str] = []  # standard output, up to the command it prints
        while "confirmcheck_webhook.client" not in (announced or [""])[-1]:
            announced.append(dev.line(dev.stdout, START_TIMEOUT))
        secret = re.search(r"CONFIRMCHECK_SECRET=(whsec_\S+)", "\n".join(announced))
        assert secret is not None
        body = json.dumps(story_body())
        status, _, _ = call(
            dev, "POST", "/v1/check", body, signed(body, secret.group(1))
        )
        assert status == 200
        status, _, _ = call(dev, "POST", "/v1/check", body, signed(body, SECRET))
        assert status == 401
        # Issue 13: it leads with one URL to open, the preview page's, and prints
        # no other.
        preview = f"http://127.0.0.1:{dev.port}/preview"
        indented = [line.strip() for line in announced if line.startswith("    ")]
        assert indented[0] == preview
        assert re.findall(r"\w+://\S+", "\n".join(announced)) == [preview]
        # Issue 11, item 20: the command it prints works as copied (it lacked
        # `uv run`), and names the port really listened on (here the kernel's).
        command = announced[-1].strip()
        assert command.startswith(f"CONFIRMCHECK_SECRET={secret.group(1)} ")
        assert (
            f"uv run python -m confirmcheck_webhook.client --port {dev.port} /v1/check "
        ) in command
        # As printed, with uv found the way CI finds it when pip installed it
        # off the PATH.
        uv = "uv" if shutil.which("uv") else "python3 -m uv"
        done = subprocess.run(
            command.replace(" uv run ", f" {uv} run ", 1),
            shell=True,
            cwd=ROOT,
            env=_environ(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (done.returncode, done.stderr) == (1, "")
        assert done.stdout.startswith("NOT BOOKED: 1 of your 20 weekly stays.")
    finally:
        dev.stop()


def test_a_port_in_use_is_one_line_and_no_announcement() -> None:
    # Issue 11, item 25: it announced "listening", then gunicorn retried and
    # exited 1.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = _refused(["--dev", "--bind", f"127.0.0.1:{port}"], _environ())
    assert message == (
        f"confirmcheck-webhook: cannot listen on 127.0.0.1:{port}: address already "
        "in use\n"
    )


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
        (["--threads", "0"], "threads"),
        (["--bind", "127.0.0.1:port"], "cannot listen on 127.0.0.1:port"),
    ],
)
def test_bad_serving_options_do_not_start(args: list[str], expected: str) -> None:
    assert expected in _refused(args, _environ(SECRET=SECRET))


def _documented_gunicorn_line() -> list[str]:
    doc = (ROOT / "docs" / "webhook.md").read_text("utf-8")
    lines = [line for line in doc.splitlines() if line.startswith("uv run gunicorn ")]
    assert len(lines) == 1, lines
    return shlex.split(lines[0])


def test_the_documented_gunicorn_line() -> None:
    # Issue 11, item 19: the documented line (with --access-logfile '') failed
    # on the locked gunicorn. It runs here as written, but on a free loopback
    # port instead of 0.0.0.0:8000, and with this interpreter for `uv run`.
    args = _documented_gunicorn_line()
    assert args[:4] == ["uv", "run", "gunicorn", "confirmcheck_webhook:create_app()"]
    bind = args.index("--bind")
    assert args[bind + 1] == "0.0.0.0:8000"
    args[bind + 1] = "127.0.0.1:0"
    plain = start(["-m", "gunicorn", *args[3:]], _environ(SECRET=SECRET))
    try:
        plain.wait_for(re.compile(r"Using worker: gthread$"), plain.stderr)
        status, _, body = call(plain, "GET", "/healthz")
        assert (status, body) == (200, b'{"status":"ok"}')
        payload = json.dumps(story_body())
        status, _, _ = call(plain, "POST", "/v1/check", payload, signed(payload))
        assert status == 200
    finally:
        plain.stop()


def _gunicorn_answers() -> dict[int, str]:
    doc = (ROOT / "docs" / "webhook.md").read_text("utf-8")
    section = doc.split("**Answers from gunicorn itself.**", 1)[1].split("\n\n")[1]
    return {
        int(row.split("|")[1]): row.split("|")[2].strip()
        for row in section.splitlines()[2:]
    }


@pytest.mark.parametrize(
    ("status", "request_head"),
    [
        pytest.param(414, b"GET /" + b"x" * 5000 + b" HTTP/1.1\r\n", id="long-line"),
        pytest.param(
            431,
            b"GET /healthz HTTP/1.1\r\n"
            + b"".join(b"X-Field-%d: 1\r\n" % n for n in range(101)),
            id="many-fields",
        ),
        pytest.param(400, b"GET /healthz HTTP/1.1\r\nBad Name: 1\r\n", id="header"),
    ],
)
def test_what_gunicorn_answers_itself_is_documented(
    server: Server, status: int, request_head: bytes
) -> None:
    # Issue 11, item 16: these never reach the app; the docs say so.
    answer = raw_exchange(
        server, request_head + b"Host: 127.0.0.1\r\n\r\n", b"", hang_up=False
    )
    head = answer.partition(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 %d " % status)
    assert b"Content-Type: text/html" in head
    assert status in _gunicorn_answers()


@pytest.mark.parametrize(
    ("threads", "worker_class"), [(None, "gthread"), ("8", "gthread"), ("1", "sync")]
)
def test_the_worker_model(threads: str | None, worker_class: str) -> None:
    from webhook.serve import DEFAULT_THREADS, build_parser, serve_options

    args = build_parser().parse_args([] if threads is None else ["--threads", threads])
    options = gunicorn_options(serve_options(args, {}))
    assert options["worker_class"] == worker_class
    assert options["threads"] == int(threads or DEFAULT_THREADS)
