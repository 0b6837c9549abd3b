"""``/v1/attach`` in-process against the standard library's own round trip of the mail.

Run: ``uv run python benchmarks/bench_attach.py`` (15 interleaved rounds, about a
minute) or ``--quick`` (3 short rounds, for CI: its figures are not judged).

Budget (issue 9): ``/v1/attach`` with the 22 KB confirmation, in-process (read the
stays, diff, summary, calendar, MIME change, response), takes at most 0.5x what
the standard library alone needs to parse, change and re-serialise the same mail:
``email.message_from_bytes(data, policy=policy.default)``, a new text/plain body
(``set_content``), ``as_bytes()``. Both are measured in the same run, in turns.

What is timed, each round in turn (each figure the mean of N calls in that round;
the medians over the rounds are printed; the garbage collector stays on):

- **stdlib**: the baseline above, on the mail's bytes.
- **route**: the Flask app's ``wsgi_app`` with the signed ``/v1/attach`` request
  (the story's stays as JSON, ``locale: de``, the mail base64-encoded; answer: the
  changed mail), as ``bench_webhook.py --in-process`` makes it: no sockets.
- **route, icalendar's writer**: the same, with the calendar written by
  icalendar's own ``Calendar``/``Event``/``to_ical`` (same words, same UIDs).
- the steps of the route, alone: reading the request, the diff, the summary, its
  text and HTML, each calendar writer, and the MIME change.

Both calendar writers' output is read back with ``read_calendar`` and must give
the same stays, or the script exits 1. Timings never make it fail.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import email
import email.policy
import io
import json
import os
import platform
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any
from unittest import mock

from bench_webhook import confirmation_mail, story_body

BUDGET = 0.5
"""The route's time over the standard library's round trip, at most."""


def stdlib_round_trip(data: bytes, text: str) -> bytes:
    """Parse, put ``text`` at the top of the text/plain body, serialise."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    body.set_content(text + "\n" + str(body.get_content()))
    return message.as_bytes()


def icalendar_writer(
    report: Any,
    *,
    stamp: dt.datetime,
    locale: str = "en",
    hotel: str | None = None,
    summary: Any = None,
) -> bytes:
    """``report_to_ics`` written with icalendar's own writer: the same events,
    words, UIDs and X- properties, escaped and folded by icalendar."""
    import icalendar

    from confirmcheck import summarize
    from confirmcheck.readers.ics import (
        GUESTS,
        OUTCOME,
        OUTCOMES,
        ROOM_TYPE,
        ROOMS,
        STAY_NUMBER,
    )
    from confirmcheck.render.ics import _Uids  # the library's UIDs, to compare

    if summary is None:
        summary = summarize(report, locale=locale)
    sections = {section.kind: section for section in summary.events}
    uids = _Uids(report, hotel)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//confirmcheck//confirmcheck//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if hotel:
        calendar.add("x-wr-calname", icalendar.vText(hotel))
    buckets = (
        ("booked", report.booked),
        ("booked_differently", report.booked_differently),
        ("not_booked", report.not_booked),
        ("unrequested", report.unrequested),
    )
    events: list[tuple[tuple[dt.date, int, str], Any]] = []
    for rank, (kind, ranges) in enumerate(buckets):
        if not ranges:
            continue
        section = sections[kind]
        for item, title, sentence in zip(
            ranges, section.titles, section.items, strict=True
        ):
            uid = uids.uid(kind, item)
            event = icalendar.Event()
            event.add("uid", uid)
            event.add("dtstamp", stamp.astimezone(dt.UTC))
            event.add("dtstart", item.check_in)
            event.add("dtend", item.check_out)
            event.add("summary", title.replace("\u00a0", " "))
            event.add("description", sentence.replace("\u00a0", " "))
            if hotel:
                event.add("location", hotel)
            event.add("categories", [section.label])
            event.add("transp", "TRANSPARENT" if kind == "not_booked" else "OPAQUE")
            if kind != "not_booked":
                event.add("status", "CONFIRMED")
            event.add(OUTCOME, OUTCOMES[rank])
            if item.stay is not None:
                event.add(STAY_NUMBER, str(item.stay))
            event.add(ROOMS, str(item.rooms))
            if item.room_type is not None:
                event.add(ROOM_TYPE, icalendar.vText(item.room_type))
            if item.guests is not None:
                event.add(GUESTS, str(item.guests))
            events.append(((item.check_in, rank, uid), event))
    for _order, event in sorted(events, key=lambda pair: pair[0]):
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def per_call(function: Callable[[], object], calls: int) -> float:
    """Seconds per call, the mean of ``calls`` calls (garbage collector on)."""
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def calls_for(function: Callable[[], object], seconds: float) -> int:
    """How many calls take about ``seconds`` (at least 3)."""
    once = per_call(function, 3)
    return max(3, int(seconds / max(once, 1e-7)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="3 short rounds (for CI; not judged)"
    )
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    rounds, seconds = (3, 0.05) if args.quick else (args.rounds, 0.4)

    import confirmcheck.mail._attach as attach_module
    from confirmcheck import (
        compare,
        read_calendar,
        render_html,
        render_text,
        summarize,
    )
    from confirmcheck.mail import insert_summary
    from confirmcheck.render.ics import report_to_ics
    from webhook import create_app
    from webhook.api import read_request
    from webhook.auth import sign

    mail = confirmation_mail()
    fields = {**story_body(), "mail": base64.b64encode(mail).decode("ascii")}
    body = json.dumps(fields).encode()
    key = secrets.token_bytes(32)
    app: Any = create_app(
        {
            "CONFIRMCHECK_SECRET": "whsec_" + base64.b64encode(key).decode("ascii"),
            "LOG": lambda line: None,
        }
    )
    msg_id, timestamp = "msg_bench_attach", int(time.time())
    environ: dict[str, object] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/v1/attach",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_ACCEPT": "message/rfc822",
        "HTTP_WEBHOOK_ID": msg_id,
        "HTTP_WEBHOOK_TIMESTAMP": str(timestamp),
        "HTTP_WEBHOOK_SIGNATURE": sign(key, msg_id, timestamp, body),
    }

    def route() -> bytes:
        status: list[str] = []

        def start_response(code: str, headers: object, info: object = None) -> None:
            status.append(code)

        answer = b"".join(
            app.wsgi_app({**environ, "wsgi.input": io.BytesIO(body)}, start_response)
        )
        if not status[0].startswith("200"):
            raise SystemExit(f"bench_attach: /v1/attach answered {status[0]}")
        return answer

    def route_icalendar() -> bytes:
        with mock.patch.object(attach_module, "report_to_ics", icalendar_writer):
            return route()

    given = read_request(fields, with_mail=True)
    report = compare(given.requested, given.confirmed)
    summary = summarize(report, locale="de")
    stamp = dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.UTC)
    text, html = render_text(summary), render_html(summary)
    calendar = report_to_ics(report, stamp=stamp, locale="de", summary=summary)

    hand = read_calendar(calendar)
    other = read_calendar(
        icalendar_writer(report, stamp=stamp, locale="de", summary=summary)
    )
    if hand != other:
        print("bench_attach: the two calendar writers disagree", file=sys.stderr)
        return 1
    if b"NICHT GEBUCHT" not in route_icalendar() or b"Subject" not in route():
        print("bench_attach: the route did not attach the summary", file=sys.stderr)
        return 1

    contenders: dict[str, Callable[[], object]] = {
        "stdlib: parse, set a body, as_bytes": lambda: stdlib_round_trip(mail, text),
        "/v1/attach in-process, hand writer": route,
        "/v1/attach in-process, icalendar's writer": route_icalendar,
        "  read the request (stays, mail)": lambda: read_request(
            fields, with_mail=True
        ),
        "  diff": lambda: compare(given.requested, given.confirmed),
        "  summarize (de)": lambda: summarize(report, locale="de"),
        "  render_text": lambda: render_text(summary),
        "  render_html": lambda: render_html(summary),
        "  calendar, hand writer": lambda: report_to_ics(
            report, stamp=stamp, locale="de", summary=summary
        ),
        "  calendar, icalendar's writer": lambda: icalendar_writer(
            report, stamp=stamp, locale="de", summary=summary
        ),
        "  insert_summary (MIME change)": lambda: insert_summary(
            mail, text=text, html=html, calendar=calendar, complete=report.complete
        ),
    }
    calls = {name: calls_for(run, seconds) for name, run in contenders.items()}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, function in contenders.items():
            times[name].append(per_call(function, calls[name]))

    median = {name: statistics.median(found) for name, found in times.items()}
    baseline = median["stdlib: parse, set a body, as_bytes"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"confirmcheck /v1/attach benchmark: Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at the end"
    )
    print(
        f"mail: {len(mail) / 1024:.1f} KB multipart/alternative; the story's "
        f"{len(given.requested.stays)} requested and {len(given.confirmed.stays)} "
        "confirmed stays; locale de"
    )
    print(f"medians of {rounds} interleaved rounds, each the mean of N calls\n")
    print(f"{'what':<44}{'median':>10}{'min':>10}{'x stdlib':>10}")
    for name, found in times.items():
        print(
            f"{name:<44}{median[name] * 1000:>8.3f}ms{min(found) * 1000:>8.3f}ms"
            f"{median[name] / baseline:>9.2f}x"
        )
    print()
    for name in (
        "/v1/attach in-process, hand writer",
        "/v1/attach in-process, icalendar's writer",
    ):
        ratio = median[name] / baseline
        if args.quick:
            verdict = "--quick: not judged"
        elif ratio <= BUDGET:
            verdict = "within budget"
        else:
            verdict = f"over budget by {(ratio / BUDGET - 1) * 100:.0f}%"
        print(f"{name}: {ratio:.2f}x the stdlib (budget {BUDGET}x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
