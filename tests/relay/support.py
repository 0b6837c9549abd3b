"""Real processes on loopback for the relay's tests: an upstream sink that records
what it receives, the relay as a process of its own, and mails to send.

Nothing sleeps: every wait is a bounded wait on a condition (a line from the
relay, a socket's answer, a process's exit).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import json
import os
import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "story"
WAIT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    mail_options: list[str]


@dataclass
class Recorder:
    """aiosmtpd handler of the sink: keeps every mail; refuses the recipients of
    ``refuse`` with their code."""

    mails: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.mails.append(
            Received(
                envelope.mail_from or "",
                list(envelope.rcpt_tos),
                envelope.original_content or b"",
                list(envelope.mail_options),
            )
        )
        return "250 2.0.0 Ok: queued as SINK"


class Sink:
    """The upstream: an aiosmtpd server that records; it can be stopped and
    started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.recorder,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="sink",
            enable_SMTPUTF8=True,
            data_size_limit=64 * 1024 * 1024,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def mails(self) -> list[Received]:
        return self.recorder.mails


class Relay:
    """``confirmcheck relay`` as a process; its JSON log lines are collected."""

    def __init__(self, args: list[str]) -> None:
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "confirmcheck", "relay", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.errors: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        listening = self.wait_for(lambda line: line.get("event") == "listening")
        self.port = int(str(listening["address"]).rsplit(":", 1)[1])

    def _read(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            text = raw.decode("utf-8", "replace")
            try:
                self.lines.put(json.loads(text))
            except ValueError:
                self.errors.append(text)
        self.lines.put({"event": "exited"})

    def wait_for(self, condition: Any) -> dict[str, Any]:
        """The next log line that meets ``condition`` (bounded wait)."""
        while True:
            try:
                line = self.lines.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise AssertionError("the relay wrote no such line in time") from None
            self.seen.append(line)
            if condition(line):
                return line
            if line.get("event") == "exited":
                raise AssertionError("the relay exited: " + "".join(self.errors))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=WAIT_SECONDS)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def story_markup(ref: str) -> str:
    """The story's 19 confirmed weeks as schema.org JSON-LD, as a hotel's mail
    carries them for mail clients."""
    weeks = [
        dt.date(2026, 1, 5) + dt.timedelta(weeks=n)
        for n in range(20)
        if dt.date(2026, 1, 5) + dt.timedelta(weeks=n) != dt.date(2026, 3, 9)
    ]
    reservations = [
        {
            "@context": "https://schema.org",
            "@type": "LodgingReservation",
            "reservationNumber": ref,
            "reservationStatus": "https://schema.org/ReservationConfirmed",
            "checkinDate": monday.isoformat(),
            "checkoutDate": (monday + dt.timedelta(days=4)).isoformat(),
            "lodgingUnitType": "single",
            "numAdults": 1,
            "reservationFor": {"@type": "LodgingBusiness", "name": "Hotel Alpenblick"},
        }
        for monday in weeks
    ]
    return (
        '<html><head><script type="application/ld+json">'
        + json.dumps(reservations)
        + "</script></head><body><p>Dear guest, we confirm your stays.</p>"
        "</body></html>"
    )


def confirmation_mail(
    *,
    ref: str = "AB-4711",
    calendar: bool = True,
    subject: str | None = None,
    markup: bool = False,
) -> bytes:
    """The story's confirmation: a text mail with the hotel's calendar attached,
    or (``markup``) a text and HTML mail with schema.org markup."""
    mail = EmailMessage()
    mail["From"] = "Hotel Alpenblick <reservations@alpenblick.example>"
    mail["To"] = "Guest <guest@example.com>"
    mail["Subject"] = subject or f"Ihre Buchungsbestätigung Nr. {ref}"
    mail["Date"] = "Wed, 03 Dec 2025 10:15:00 +0100"
    mail["Message-ID"] = f"<{ref}@alpenblick.example>"
    mail["X-Reservation-Id"] = ref
    mail.set_content(
        "Dear guest,\n\nthank you for your booking. We confirm your stays.\n"
    )
    if markup:
        mail.add_alternative(story_markup(ref), subtype="html")
    elif calendar:
        mail.add_attachment(
            (STORY / "confirmed.ics").read_bytes(),
            maintype="text",
            subtype="calendar",
            filename="reservation.ics",
        )
    return mail.as_bytes(policy=email.policy.SMTP)
