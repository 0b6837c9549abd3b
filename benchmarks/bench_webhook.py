"""Benchmark of the webhook under load (issue 5, "Performance").

Run with ``uv run python benchmarks/bench_webhook.py`` (wrk must be installed:
``apt-get install wrk``; 3 rounds of 10 s per route, about two minutes) or
``uv run python benchmarks/bench_webhook.py --quick`` (1 round of 3 s). Without wrk,
``--python`` uses a bounded Python load generator instead (threads in this process:
it competes with the server for the CPUs, so its figures are lower and only its
ratios mean something).

What it does, on loopback only, bounded in count and time, stopping by itself:

1. starts ``python -m webhook --workers 2`` on 127.0.0.1 with a fresh secret, on a
   port the kernel picks (read from gunicorn's "Listening at" line), with signature
   checking on and the JSON request log on (drained and counted, as in production);
2. pre-signs one request per POST route with the current timestamp and replays it
   for the whole run (the service keeps no state, so a replay within the tolerance
   is accepted; the run is far shorter than the 5-minute tolerance);
3. per round, in turn: ``GET /healthz`` (the bare route), ``POST /v1/check`` with
   the story's 20-stay series (``examples/story/``) and, when the mail module is
   there, ``POST /v1/attach`` with a generated 22 KB ``multipart/alternative``
   confirmation mail;
4. after a 2 s warm-up per route that is not counted, reports requests per
   second, p50 and p99 per route (the median over the rounds), the ratios to the
   bare route, and whether the targets are met: check at least 50% of the bare
   route's requests per second, attach at least 20%, and p99 at most 5 x p50 on
   every route. Timings never make the script fail.

``--in-process`` needs no server and no wrk: it calls the Flask app's
``wsgi_app`` directly with the same signed requests (best of 7 x N calls with
``timeit``) and prints each route's time in the app, the ``t`` and ``h`` of the
model in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import importlib.util
import json
import os
import platform
import queue
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "examples" / "story"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 60.0

MIN_CHECK_RATIO = 0.50
MIN_ATTACH_RATIO = 0.20
MAX_P99_OVER_P50 = 5.0
MAIL_BYTES = 22 * 1024


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


# --- the server -------------------------------------------------------------------


class Server:
    """``python -m webhook`` on a kernel-chosen loopback port; its log drained."""

    def __init__(self, secret: str, workers: int) -> None:
        environ = {
            k: v for k, v in os.environ.items() if not k.startswith("CONFIRMCHECK_")
        }
        environ |= {"CONFIRMCHECK_SECRET": secret, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "webhook",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log_lines = 0
        self._ready: queue.Queue[int | None] = queue.Queue()
        self._pump = threading.Thread(target=self._drain, daemon=True)
        self._pump.start()
        try:
            port = self._ready.get(timeout=START_TIMEOUT)
        except queue.Empty:
            port = None
        if port is None:
            self.stop()
            raise SystemExit("bench_webhook: the server did not start")
        self.port = port

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            match = LISTENING.search(line)
            if match:
                self._ready.put(int(match.group(1)))
            elif line.startswith('{"ts"'):
                self.log_lines += 1
        self._ready.put(None)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._pump.join(timeout=30)
        if self.process.stderr is not None:
            self.process.stderr.close()


# --- the requests -----------------------------------------------------------------


def _sign(key: bytes, body: bytes) -> dict[str, str]:
    from webhook.auth import sign

    msg_id = "msg_bench_" + secrets.token_hex(4)
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, msg_id, timestamp, body),
    }


def story_body() -> dict[str, object]:
    return {
        "requested": json.loads((STORY / "requested.json").read_text("utf-8")),
        "confirmed": json.loads((STORY / "confirmed.json").read_text("utf-8")),
        "locale": "de",
    }


def confirmation_mail(size: int = MAIL_BYTES) -> bytes:
    """A realistic multipart/alternative confirmation of the story, about ``size``."""
    confirmed = json.loads((STORY / "confirmed.json").read_text("utf-8"))["stays"]
    lines = [
        f"Week {i}: Monday {s['check_in']} - Friday {s['check_out']}, 1 single room, "
        f"booking {s['ref']}"
        for i, s in enumerate(confirmed, 1)
    ]
    text = "Dear Mr Example,\n\nthank you for your reservation.\n\n" + "\n".join(lines)
    rows = "".join(f"<tr><td style='padding:4px'>{line}</td></tr>\n" for line in lines)
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
        "<body style='font-family:Arial'><p>Dear Mr Example,</p>"
        f"<table>{rows}</table>"
    )
    message = EmailMessage()
    message["From"] = "Hotel Alpenblick <reservations@alpenblick.example>"
    message["To"] = "guest@example.org"
    message["Subject"] = "Your reservation at Hotel Alpenblick"
    message["Message-ID"] = "<bench@alpenblick.example>"
    message.set_content(text)
    message.add_alternative(html + "</body></html>", subtype="html")
    padding = size - len(message.as_bytes())
    if padding > 0:  # hotel mails carry long footers: terms, cancellation policy
        footer = (
            "<p style='color:#666'>"
            + ("Cancellation policy. " * (padding // 21))
            + "</p>"
        )
        message = EmailMessage()
        message["From"] = "Hotel Alpenblick <reservations@alpenblick.example>"
        message["To"] = "guest@example.org"
        message["Subject"] = "Your reservation at Hotel Alpenblick"
        message["Message-ID"] = "<bench@alpenblick.example>"
        message.set_content(text)
        message.add_alternative(html + footer + "</body></html>", subtype="html")
    return message.as_bytes()


def routes(key: bytes) -> list[Route]:
    check = json.dumps(story_body()).encode()
    found = [
        Route("bare GET /healthz", "GET", "/healthz"),
        Route("POST /v1/check", "POST", "/v1/check", check, _sign(key, check)),
    ]
    if importlib.util.find_spec("confirmcheck.mail") is None:
        print("bench_webhook: confirmcheck.mail is not there: /v1/attach is skipped")
        return found
    mail = confirmation_mail()
    attach = json.dumps(
        {**story_body(), "mail": base64.b64encode(mail).decode("ascii")}
    ).encode()
    headers = {**_sign(key, attach), "Accept": "message/rfc822"}
    found.append(
        Route("POST /v1/attach (22 KB)", "POST", "/v1/attach", attach, headers)
    )
    return found


def probe(port: int, route: Route) -> None:
    """One request first: a route that does not answer 200 is not benchmarked."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            route.method, route.path, route.body or None, dict(route.headers or {})
        )
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(
            f"bench_webhook: {route.name} answered {response.status}: {content[:300]!r}"
        )


# --- load generators --------------------------------------------------------------

_WRK_LATENCY = re.compile(r"^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _lua(route: Route, body_file: Path) -> str:
    lines = [f'wrk.method = "{route.method}"']
    if route.body:
        lines.append(
            f'local f = assert(io.open("{body_file}", "rb")); '
            'wrk.body = f:read("*a"); f:close()'
        )
    for name, value in (route.headers or {}).items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    return "\n".join(lines) + "\n"


def run_wrk(
    port: int, route: Route, seconds: int, connections: int, work: Path
) -> Result:
    body_file = work / "body.bin"
    body_file.write_bytes(route.body)
    script = work / "route.lua"
    script.write_text(_lua(route, body_file))
    done = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{route.path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = done.stdout
    latency = {p: float(v) * _UNIT_MS[u] for p, v, u in _WRK_LATENCY.findall(out)}
    rps = _WRK_RPS.search(out)
    if rps is None or set(latency) != {"50", "99"}:
        raise SystemExit("bench_webhook: cannot read wrk's output:\n" + out)
    errors = _WRK_ERRORS.search(out)
    return Result(
        float(rps.group(1)),
        latency["50"],
        latency["99"],
        int(errors.group(1)) if errors else 0,
    )


def run_python(port: int, route: Route, seconds: int, connections: int) -> Result:
    """A closed loop of ``connections`` threads, each one request at a time."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request(
                    route.method,
                    route.path,
                    route.body or None,
                    dict(route.headers or {}),
                )
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
            finally:
                connection.close()
            latencies[index].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    every = sorted(x for chunk in latencies for x in chunk)
    if not every:
        raise SystemExit("bench_webhook: no request completed")
    return Result(
        len(every) / elapsed,
        every[len(every) // 2],
        every[min(len(every) - 1, int(len(every) * 0.99))],
        sum(errors),
    )


def _environ(route: Route) -> dict[str, object]:
    """The WSGI environ gunicorn would make for ``route`` (without its body)."""
    environ: dict[str, object] = {
        "REQUEST_METHOD": route.method,
        "PATH_INFO": route.path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_LENGTH": str(len(route.body)),
    }
    for name, value in (route.headers or {}).items():
        if name.lower() == "content-type":
            environ["CONTENT_TYPE"] = value
        else:
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def _time_in_app(app: Any, route: Route, calls: int) -> float:
    """Seconds per call of ``app.wsgi_app`` for ``route``: best of 7 x ``calls``."""
    import io
    import timeit

    environ = _environ(route)
    status: list[str] = []

    def start_response(code: str, headers: object, info: object = None) -> None:
        status.append(code)

    def call() -> None:
        status.clear()
        b"".join(
            app.wsgi_app(
                {**environ, "wsgi.input": io.BytesIO(route.body)}, start_response
            )
        )
        if not status or not status[0].startswith("200"):
            raise SystemExit(f"bench_webhook: {route.name} answered {status}")

    call()
    return min(timeit.repeat(call, number=calls, repeat=7)) / calls


def run_in_process(calls: int) -> int:
    """Each route's time inside the app: ``wsgi_app`` with a prepared environ."""
    from webhook import create_app

    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode("ascii")
    app = create_app({"CONFIRMCHECK_SECRET": secret, "LOG": lambda line: None})
    print(f"# in-process: wsgi_app, best of 7 x {calls} calls per route")
    for route in routes(key):
        print(f"{route.name:28} {_time_in_app(app, route, calls) * 1000:7.3f} ms")
    return 0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- the run ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round of 3 s per route")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--python", action="store_true", help="use the Python load generator"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="no server: time each route inside the app (wsgi_app)",
    )
    args = parser.parse_args(argv)
    if args.in_process:
        return run_in_process(50 if args.quick else 500)
    rounds, seconds = (
        (1, 3)
        if args.quick
        else (max(1, min(args.rounds, 10)), max(1, min(args.seconds, 60)))
    )
    connections = max(1, min(args.connections, 64))
    use_wrk = not args.python
    if use_wrk and shutil.which("wrk") is None:
        print("bench_webhook: wrk is not installed (apt-get install wrk); use --python")
        return 2

    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode("ascii")
    server = Server(secret, args.workers)
    results: dict[str, list[Result]] = {}
    try:
        todo = routes(key)
        for route in todo:
            probe(server.port, route)
        with tempfile.TemporaryDirectory(prefix="bench_webhook_") as work:
            # Warm every worker on every route first (imports, catalogs, caches);
            # these figures are thrown away.
            for route in todo:
                if use_wrk:
                    run_wrk(server.port, route, 2, connections, Path(work))
                else:
                    run_python(server.port, route, 2, connections)
            for _ in range(rounds):
                for route in todo:
                    result = (
                        run_wrk(server.port, route, seconds, connections, Path(work))
                        if use_wrk
                        else run_python(server.port, route, seconds, connections)
                    )
                    results.setdefault(route.name, []).append(result)
    finally:
        server.stop()

    generator = "wrk" if use_wrk else "python threads"
    print(
        f"# webhook benchmark: {args.workers} gunicorn sync workers, {generator}, "
        f"{connections} connections, {rounds} x {seconds} s per route (median shown)"
    )
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"# {python}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"# request log lines written: {server.log_lines}")
    bare = statistics.median(r.rps for r in results["bare GET /healthz"])
    columns = ("req/s", "ratio", "p50 ms", "p99 ms", "p99/p50", "non-2xx")
    print(f"{'route':28} {columns[0]:>9} " + " ".join(f"{c:>8}" for c in columns[1:]))
    for name, found in results.items():
        rps = statistics.median(r.rps for r in found)
        p50 = statistics.median(r.p50_ms for r in found)
        p99 = statistics.median(r.p99_ms for r in found)
        ratio = rps / bare
        spread = p99 / p50 if p50 else float("inf")
        minimum = (
            MIN_CHECK_RATIO
            if "check" in name
            else MIN_ATTACH_RATIO
            if "attach" in name
            else None
        )
        verdicts = [
            f"p99/p50 <= {MAX_P99_OVER_P50:g}: {_verdict(spread <= MAX_P99_OVER_P50)}"
        ]
        if minimum is not None:
            verdicts.insert(0, f"ratio >= {minimum:.0%}: {_verdict(ratio >= minimum)}")
        print(
            f"{name:28} {rps:9.1f} {ratio:7.1%} {p50:8.2f} {p99:8.2f} {spread:8.2f} "
            f"{sum(r.errors for r in found):8d}  {'; '.join(verdicts)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
