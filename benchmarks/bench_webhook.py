"""Benchmark of the webhook under load: the capacity budget of issue 9.

Run with ``uv run python benchmarks/bench_webhook.py`` (wrk must be installed:
``apt-get install wrk``; 3 rounds of 10 s per route and phase, about four minutes)
or ``uv run python benchmarks/bench_webhook.py --quick`` (1 round of 3 s; a smoke
run that does not judge). Without wrk,
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
4. after a 2 s warm-up per route that is not counted, measures each route in two
   phases: latency with 1 connection (p50, p99), and capacity with
   ``--connections`` (4) connections: requests per second, and requests per
   second of CPU the server's processes used meanwhile (read from /proc: the
   capacity per server core, which does not depend on what else the machine
   runs). Medians over the rounds. The budget (issue 9): with 2 workers, p99 at
   1 connection at most 4 x p50 on every route, and at least 300 checks and 200
   attaches (22 KB) per second per server core. A missed budget is printed as
   "over budget"; timings never make the script fail.

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

MAX_P99_OVER_P50 = 4.0
#: Requests per second per server core each POST route must sustain at least.
MIN_PER_CORE = {"/v1/check": 300.0, "/v1/attach": 200.0}
MAIL_BYTES = 22 * 1024
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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
    requests: int = 0
    server_cpu_s: float = 0.0

    @property
    def per_core(self) -> float:
        """Requests per second of server CPU: the capacity of one server core."""
        return self.requests / self.server_cpu_s if self.server_cpu_s else 0.0


# --- the server's processes (Linux /proc) -------------------------------------------


def server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return [master]
    return [master, *(int(pid) for pid in children.split())]


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU seconds the processes used so far (all their threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that was replaced
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _CLOCK_TICKS


def rss_mb(pid: int) -> float:
    """The resident memory of one process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the server -------------------------------------------------------------------


class Server:
    """``python -m webhook`` on a kernel-chosen loopback port; its log drained."""

    def __init__(self, secret: str, workers: int, *extra: str) -> None:
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
                *extra,
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
_WRK_REQUESTS = re.compile(r"^\s*(\d+) requests in", re.M)
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
    requests = _WRK_REQUESTS.search(out)
    return Result(
        float(rps.group(1)),
        latency["50"],
        latency["99"],
        int(errors.group(1)) if errors else 0,
        int(requests.group(1)) if requests else 0,
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
        len(every),
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


def _measured(
    server: Server,
    route: Route,
    seconds: int,
    connections: int,
    work: Path,
    *,
    use_wrk: bool,
) -> Result:
    """One run, with the CPU the server's processes used meanwhile."""
    pids = server_pids(server.process.pid)
    before = cpu_seconds(pids)
    result = (
        run_wrk(server.port, route, seconds, connections, work)
        if use_wrk
        else run_python(server.port, route, seconds, connections)
    )
    used = cpu_seconds(pids) - before
    return Result(
        result.rps,
        result.p50_ms,
        result.p99_ms,
        result.errors,
        result.requests,
        used,
    )


def _budget(name: str, latency: list[Result], load: list[Result]) -> str:
    p50 = statistics.median(r.p50_ms for r in latency)
    p99 = statistics.median(r.p99_ms for r in latency)
    per_core = statistics.median(r.per_core for r in load)
    over = []
    if p99 > MAX_P99_OVER_P50 * p50:
        over.append(f"p99 {p99 / p50:.1f} x p50 (budget {MAX_P99_OVER_P50:g})")
    for path, minimum in MIN_PER_CORE.items():
        if path in name and per_core < minimum:
            over.append(f"{per_core:.0f}/s per core (budget {minimum:g})")
    return "over budget: " + "; ".join(over) if over else "within budget"


# --- the run ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 round of 3 s; does not judge"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        help="threads per worker (default: the command's; 1 runs sync workers)",
    )
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
    extra = () if args.threads is None else ("--threads", str(args.threads))
    server = Server(secret, args.workers, *extra)
    latency: dict[str, list[Result]] = {}
    load: dict[str, list[Result]] = {}
    try:
        todo = routes(key)
        for route in todo:
            probe(server.port, route)
        with tempfile.TemporaryDirectory(prefix="bench_webhook_") as work:
            # Warm every worker on every route first (imports, catalogs, caches);
            # these figures are thrown away.
            for route in todo:
                _measured(server, route, 2, connections, Path(work), use_wrk=use_wrk)
            for _ in range(rounds):
                for route in todo:
                    latency.setdefault(route.name, []).append(
                        _measured(
                            server, route, seconds, 1, Path(work), use_wrk=use_wrk
                        )
                    )
                    load.setdefault(route.name, []).append(
                        _measured(
                            server,
                            route,
                            seconds,
                            connections,
                            Path(work),
                            use_wrk=use_wrk,
                        )
                    )
    finally:
        server.stop()

    generator = "wrk" if use_wrk else "python threads"
    print(
        f"# webhook benchmark: {args.workers} gunicorn "
        + ("sync workers" if args.threads == 1 else "gthread workers")
        + f", {generator}, "
        f"{rounds} x {seconds} s per route and phase (median shown); latency at 1 "
        f"connection, capacity at {connections}"
        + ("; --quick: a smoke run, it does not judge" if args.quick else "")
    )
    python = f"{platform.python_implementation()} {platform.python_version()}"
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# {python}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"# load average at the end: {load_average} (a shared machine: see README)")
    print(f"# request log lines written: {server.log_lines}")
    # srv CPU: the server's CPU seconds per second (cores busy) under load.
    columns = ("p50 ms", "p99 ms", "p99/p50", "req/s", "srv CPU", "/s/core", "non-2xx")
    print(f"{'route':26} " + " ".join(f"{c:>8}" for c in columns))
    for name, quiet in latency.items():
        busy = load[name]
        p50 = statistics.median(r.p50_ms for r in quiet)
        p99 = statistics.median(r.p99_ms for r in quiet)
        rps = statistics.median(r.rps for r in busy)
        cpu = statistics.median(r.server_cpu_s / seconds for r in busy)
        per_core = statistics.median(r.per_core for r in busy)
        errors = sum(r.errors for r in quiet + busy)
        verdict = "" if args.quick else "  " + _budget(name, quiet, busy)
        print(
            f"{name:26} {p50:8.2f} {p99:8.2f} {p99 / p50:8.2f} {rps:8.0f} "
            f"{cpu:8.2f} {per_core:8.0f} {errors:8d}{verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
