"""A soak of the webhook, and its slow-client run (issue 11). Run by hand; bounded.

``uv run python benchmarks/bench_soak.py`` (about 4 minutes) or ``--quick`` (about
20 s; a smoke run for CI that does not judge). On 127.0.0.1 only: it starts
``python -m webhook --workers 2`` (gthread workers, the command's default threads)
on a port the kernel picks, and stops it at the end.

1. **Capacity.** A closed loop of ``--connections`` (8) Python threads, each with
   one keep-alive connection, posts a 1:1 mix of ``/v1/check`` (the story) and
   ``/v1/attach`` (a 22 KB mail) for ``--capacity-seconds`` (10): the mix's
   requests per second.
2. **Soak.** For ``--minutes`` (3), the same mix is sent *open loop* at 80% of
   that capacity: request *i* is due at start + i / rate, whatever happened to the
   ones before, and its latency is counted from when it was due (so a stall shows
   up as latency instead of as fewer requests). Reported: requests due and sent,
   errors (anything but 200, refused or broken connections), p50 and p99 per
   route, and each worker's resident memory at the start and the end.
3. **Slow clients.** ``--idle`` (50) connections are opened and held: half say
   nothing, half send the start of a request and nothing more. Then the signed
   mix is sent one request at a time for ``--slow-seconds`` (10): how many are
   answered, and their p50/p99, next to the same run without the idle
   connections. Each request waits at most 10 s.

The machine is shared: the load generator runs on the same two cores as the
server, and others' work comes and goes; the figures are of one run.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import secrets
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench_webhook import (
    Route,
    Server,
    confirmation_mail,
    rss_mb,
    server_pids,
    story_body,
)

from webhook.auth import sign

REQUEST_TIMEOUT = 10.0


def _signed(key: bytes, body: bytes, accept: str) -> dict[str, str]:
    msg_id = "msg_soak_" + secrets.token_hex(4)
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "Accept": accept,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, msg_id, timestamp, body),
    }


def mix(key: bytes) -> list[Route]:
    """The two POST routes, signed now (valid for the 5-minute tolerance: the
    soak re-signs every minute)."""
    check = json.dumps(story_body()).encode()
    mail = base64.b64encode(confirmation_mail()).decode("ascii")
    attach = json.dumps({**story_body(), "mail": mail}).encode()
    return [
        Route("/v1/check", "POST", "/v1/check", check, _signed(key, check, "*/*")),
        Route(
            "/v1/attach",
            "POST",
            "/v1/attach",
            attach,
            _signed(key, attach, "message/rfc822"),
        ),
    ]


@dataclass
class Tally:
    """What one phase saw, per route."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, route: str, ms: float | None) -> None:
        with self.lock:
            if ms is None:
                self.errors[route] = self.errors.get(route, 0) + 1
            else:
                self.latencies.setdefault(route, []).append(ms)

    def count(self) -> int:
        return sum(len(x) for x in self.latencies.values()) + sum(self.errors.values())

    def lines(self) -> list[str]:
        found = []
        for route in sorted(set(self.latencies) | set(self.errors)):
            values = sorted(self.latencies.get(route, []))
            p50 = values[len(values) // 2] if values else float("nan")
            p99 = (
                values[min(len(values) - 1, int(len(values) * 0.99))]
                if values
                else (float("nan"))
            )
            found.append(
                f"  {route:11} answered {len(values):6d}  errors "
                f"{self.errors.get(route, 0):4d}  p50 {p50:8.2f} ms  p99 {p99:8.2f} ms"
            )
        return found


class Client:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def send(self, route: Route) -> bool:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
            )
        try:
            self.connection.request(
                route.method, route.path, route.body, dict(route.headers or {})
            )
            response = self.connection.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                self.close()
            return ok
        except (OSError, http.client.HTTPException):
            self.close()
            return False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def capacity(port: int, routes: Sequence[Route], seconds: float, threads: int) -> float:
    """Requests per second of the mix, closed loop."""
    deadline = time.monotonic() + seconds
    tally = Tally()

    def loop(offset: int) -> None:
        client = Client(port)
        turn = offset
        while time.monotonic() < deadline:
            route = routes[turn % len(routes)]
            started = time.perf_counter()
            ok = client.send(route)
            tally.add(
                route.name, (time.perf_counter() - started) * 1000 if ok else None
            )
            turn += 1
        client.close()

    began = time.monotonic()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 60)
    return tally.count() / (time.monotonic() - began)


@dataclass
class Soaked:
    """The soak: latencies from when each request was due, and from when it was
    sent (the server's part); how many were due; how long sending them took."""

    from_due: Tally
    from_sent: Tally
    due: int
    seconds: float


def soak(port: int, key: bytes, rate: float, seconds: float, threads: int) -> Soaked:
    """Open loop at ``rate`` requests per second."""
    due_total = int(rate * seconds)
    routes = [mix(key)]
    next_index = [0]
    lock = threading.Lock()
    tally = Tally()
    service = Tally()
    began = time.monotonic()

    def resign() -> None:
        # Signatures are valid for 5 minutes either way: sign again each minute.
        while True:
            with lock:
                if next_index[0] >= due_total:
                    return
            time.sleep(1.0)
            if time.monotonic() - began > 60 * len(routes):
                routes.append(mix(key))

    def loop() -> None:
        client = Client(port)
        while True:
            with lock:
                index = next_index[0]
                if index >= due_total:
                    break
                next_index[0] += 1
            due = began + index / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            route = routes[-1][index % 2]
            sent = time.monotonic()
            ok = client.send(route)
            done = time.monotonic()
            tally.add(route.name, (done - due) * 1000 if ok else None)
            service.add(route.name, (done - sent) * 1000 if ok else None)
        client.close()

    signer = threading.Thread(target=resign, daemon=True)
    signer.start()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 120)
    return Soaked(tally, service, due_total, time.monotonic() - began)


def one_at_a_time(port: int, routes: Sequence[Route], seconds: float) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < deadline:
        route = routes[turn % len(routes)]
        client = Client(port)  # a new connection each time, as a sender would
        started = time.perf_counter()
        ok = client.send(route)
        client.close()
        tally.add(route.name, (time.perf_counter() - started) * 1000 if ok else None)
        turn += 1
    return tally


def hold_idle(port: int, count: int) -> list[socket.socket]:
    """``count`` connections: half silent, half stopped mid-request."""
    held = []
    for index in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT)
        if index % 2:
            sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(sock)
    return held


def worker_rss(server: Server) -> list[float]:
    return [rss_mb(pid) for pid in server_pids(server.process.pid)[1:]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="about 20 s in all; does not judge"
    )
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--capacity-seconds", type=float, default=10.0)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--idle", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    minutes = 0.1 if args.quick else max(0.1, min(args.minutes, 30.0))
    measure_s = 3.0 if args.quick else max(1.0, min(args.capacity_seconds, 60.0))
    slow_s = 3.0 if args.quick else max(1.0, min(args.slow_seconds, 60.0))
    threads = max(1, min(args.connections, 64))
    idle = max(0, min(args.idle, 1000))

    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode("ascii")
    server = Server(secret, args.workers)
    try:
        routes = mix(key)
        capacity(server.port, routes, 2.0, threads)  # warm-up, not counted
        found = capacity(server.port, routes, measure_s, threads)
        rate = 0.8 * found
        print(
            f"# webhook soak: {args.workers} gunicorn gthread workers, Python "
            f"threads on the same machine (shared; figures of one run)"
            + ("; --quick: a smoke run, it does not judge" if args.quick else "")
        )
        print(
            f"capacity, 1:1 mix check/attach, {threads} connections, "
            f"{measure_s:g} s: {found:.0f} requests/s"
        )
        rss_start = worker_rss(server)
        soaked = soak(server.port, key, rate, minutes * 60, 2 * threads)
        rss_end = worker_rss(server)
        tally = soaked.from_due
        errors = sum(tally.errors.values())
        print(
            f"soak at 80% ({rate:.0f}/s) for {minutes * 60:.0f} s: {soaked.due} due, "
            f"{tally.count()} sent in {soaked.seconds:.0f} s "
            f"({tally.count() / soaked.seconds:.0f}/s), {errors} errors"
        )
        print("latency from when each request was due (includes falling behind):")
        print("\n".join(tally.lines()))
        print("latency from when each request was sent (the server's part):")
        print("\n".join(soaked.from_sent.lines()))
        print(
            "worker RSS MB at start: "
            + ", ".join(f"{x:.1f}" for x in rss_start)
            + "; at end: "
            + ", ".join(f"{x:.1f}" for x in rss_end)
        )

        routes = mix(key)
        alone = one_at_a_time(server.port, routes, slow_s)
        print(f"one request at a time for {slow_s:g} s, no idle connections:")
        print("\n".join(alone.lines()))
        held = hold_idle(server.port, idle)
        try:
            crowded = one_at_a_time(server.port, routes, slow_s)
        finally:
            for sock in held:
                sock.close()
        print(
            f"the same with {idle} connections held open (half silent, half "
            "stopped mid-request):"
        )
        print("\n".join(crowded.lines()))
        if not args.quick:
            answered = sum(len(x) for x in crowded.latencies.values())
            verdict = (
                "answered as before"
                if answered and not crowded.errors
                else "over budget: requests were not answered"
            )
            print(f"slow clients: {verdict}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
