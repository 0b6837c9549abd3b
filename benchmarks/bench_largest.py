"""The largest request the webhook's limits accept: its CPU time and answer size.

Run with ``uv run python benchmarks/bench_largest.py`` (a few seconds per shape) or
``--quick`` (one shape per route, one call each: it only keeps the script working
and does not judge). No server and no network: the Flask app is called in this
process with signed requests, as gunicorn would call it, and each call's CPU time
(``time.process_time``, best of ``--repeats``) and answer size are reported against
the budget of issue 11: at most about 1 s of CPU on the 2-core machine and at most
5 MB answered, on ``/v1/check`` and ``/v1/attach``. Missing it is reported as "over
budget"; the script fails only when a request is not answered with 200.

Shapes, each with the most entries one side may list (``MAX_ENTRIES``) expanded to
the most stays (``MAX_STAYS``):

- ``series-none-booked``: every entry a weekly series, the confirmation a day late
  for every stay (every stay partly booked: the longest report and summary);
- ``series-other-type``: the confirmation books every stay as another room type;
- ``stays-all-booked``: plain stays, all confirmed as requested (the cheapest).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import secrets
import sys
import time
from collections.abc import Callable
from typing import Any

from bench_webhook import _sign, confirmation_mail

from webhook import create_app
from webhook.api import MAX_ANSWER_BYTES, MAX_ENTRIES, MAX_STAYS
from webhook.config import DEFAULT_MAX_BODY_BYTES

MAX_CPU_SECONDS = 1.0
START = dt.date(2026, 1, 5)
#: Room types and references as long as the webhook accepts.
LONG = "x" * 195
#: Room types and references that make a body of nearly the default body limit.
HUGE = "y" * (DEFAULT_MAX_BODY_BYTES // (4 * MAX_ENTRIES) - 60)


def _side(
    *,
    count: int,
    late_days: int = 0,
    room_type: str = "double",
    ref: str = "R",
    series: bool,
) -> list[dict[str, Any]]:
    """``MAX_ENTRIES`` entries, ``count`` stays each (weekly), 2 nights a stay."""
    entries = []
    for index in range(MAX_ENTRIES):
        check_in = START + dt.timedelta(days=index % 7 + late_days)
        entry: dict[str, Any] = {
            "check_in": check_in.isoformat(),
            "check_out": (check_in + dt.timedelta(days=2)).isoformat(),
            "rooms": 1,
            "room_type": room_type,
            "ref": f"{ref}{index:05d}",
        }
        if series:
            entry["rrule"] = f"FREQ=WEEKLY;COUNT={count}"
        entries.append(entry)
    return entries


def shapes() -> dict[str, dict[str, Any]]:
    per_entry = MAX_STAYS // MAX_ENTRIES
    requested = _side(count=per_entry, series=True)
    return {
        "series-none-booked": {
            "requested": requested,
            "confirmed": _side(count=per_entry, late_days=1, series=True),
        },
        "series-other-type": {
            "requested": requested,
            "confirmed": _side(count=per_entry, room_type="suite", series=True),
        },
        "series-long-texts": {
            "requested": _side(count=per_entry, room_type=LONG, ref=LONG, series=True),
            "confirmed": _side(
                count=per_entry, late_days=1, room_type=LONG, ref=LONG, series=True
            ),
        },
        "plain-body-limit-texts": {
            # Plain stays whose room types and references fill the body limit.
            "requested": _side(count=1, room_type=HUGE, ref=HUGE, series=False),
            "confirmed": _side(count=1, room_type=HUGE, ref=HUGE[1:], series=False),
        },
        "stays-all-booked": {
            "requested": _side(count=1, series=False),
            "confirmed": _side(count=1, series=False),
        },
    }


def measure(
    call: Callable[[], tuple[int, int]], repeats: int
) -> tuple[float, int, int]:
    """Best CPU seconds of ``repeats`` calls, the status and the answer's size.

    200, or 422 for a request whose answer would be over ``MAX_ANSWER_BYTES``
    (refused after the work: its CPU time counts all the same)."""
    best = float("inf")
    status = size = 0
    for _ in range(repeats):
        started = time.process_time()
        status, size = call()
        best = min(best, time.process_time() - started)
        if status not in (200, 422):
            raise SystemExit(f"bench_largest: answered {status}")
    return best, status, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one call, no verdict")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else max(1, min(args.repeats, 10))
    key = secrets.token_bytes(32)
    secret = "whsec_" + base64.b64encode(key).decode("ascii")
    app = create_app({"CONFIRMCHECK_SECRET": secret, "LOG": lambda line: None})
    client = app.test_client()
    mail = base64.b64encode(confirmation_mail()).decode("ascii")
    print(
        f"# largest accepted requests: {MAX_ENTRIES} entries, {MAX_STAYS} stays a "
        f"side; CPU seconds best of {repeats}; budget {MAX_CPU_SECONDS:g} s, "
        f"{MAX_ANSWER_BYTES / 1e6:g} MB (422: refused, the answer would be larger)"
        + ("; --quick: a smoke run, it does not judge" if args.quick else "")
    )
    todo = list(shapes().items())[:1] if args.quick else list(shapes().items())
    for name, fields in todo:
        for path, extra, accept in (
            ("/v1/check", {}, "application/json"),
            ("/v1/attach", {"mail": mail}, "message/rfc822"),
        ):
            body = json.dumps({**fields, **extra, "locale": "de"}).encode()

            def call(
                body: bytes = body, path: str = path, accept: str = accept
            ) -> tuple[int, int]:
                headers = {**_sign(key, body), "Accept": accept}
                response = client.post(path, data=body, headers=headers)
                return response.status_code, len(response.get_data())

            cpu, status, size = measure(call, repeats)
            verdict = ""
            if not args.quick:
                over = [
                    what
                    for what, bad in (
                        ("CPU", cpu > MAX_CPU_SECONDS),
                        ("size", size > MAX_ANSWER_BYTES),
                    )
                    if bad
                ]
                verdict = "over budget: " + ", ".join(over) if over else "within budget"
            print(
                f"{path:11} {name:22} body {len(body) / 1e3:5.0f} KB  "
                f"CPU {cpu:6.3f} s  {status} {size / 1e6:6.2f} MB  {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
