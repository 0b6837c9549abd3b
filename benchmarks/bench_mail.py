"""How fast the summary goes into a mail, against the obvious stdlib way.

Run: ``uv run python benchmarks/bench_mail.py`` (``--quick``: fewer rounds, for CI;
its figures are not the figures of record). Both ways do the same work on
the same mail in the same run: the summary at the top of the text/plain and the
text/html body, and the calendar attached. The obvious way parses with
``email.policy.default``, changes the bodies with ``get_body()``/``set_content()``,
attaches with ``add_attachment()`` and serialises with ``as_bytes()``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import email.policy
import hashlib
import re
import timeit
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser

from confirmcheck.mail import insert_summary

TEXT = (
    "NOT BOOKED: 1 of 20 requested stays.\n"
    "  Mon 9 Mar 2026 – Fri 13 Mar 2026 (4 nights, 1 room): no room is reserved.\n"
    "Booked as requested: 19 stays, 76 nights.\n"
)
HTML = (
    '<div data-confirmcheck="summary" style="border:3px solid #c62828">'
    "<p><b>NOT BOOKED</b>: 1 of 20 requested stays.</p></div>"
)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
CRLF = "\r\n"


def _qp(text: str) -> str:
    raw = text.replace("\n", CRLF).encode("utf-8")
    return binascii.b2a_qp(raw, istext=True).decode("ascii")


def _weeks(count: int) -> list[str]:
    return [
        f"Monday {d} {m} 2026 – Friday {d + 4} {m} 2026, Double room, 2 guests"
        for m in ("January", "February", "March", "April", "May", "June")
        for d in (5, 12, 19, 26)
    ][:count]


def _alternative(weeks: int) -> str:
    lines = _weeks(weeks)
    text = "Dear Ms Jones,\n\nwe confirm the following stays:\n\n"
    text += "".join(f"  {line}\n" for line in lines) * 3
    text += "\nKind regards,\nHarbour View Hotel\n"
    rows = "".join(
        f'<tr><td style="padding:4px 8px;border-bottom:1px solid #ddd">{line}</td>'
        '<td style="padding:4px 8px">GBP 185.00</td></tr>\n'
        for line in lines
    )
    html = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Booking</title>'
        "</head>\n"
        '<body style="margin:0;padding:0;background:#f4f1ea">\n'
        '<table width="100%" cellpadding="0" cellspacing="0">\n'
        + rows * 3
        + "</table>\n"
        + '<p style="font-size:11px;color:#666">Cancellation is free of charge until '
        "18:00 on the day of arrival; later cancellations and no-shows are charged "
        "the first night. Breakfast is included; parking is available on request. "
        "</p>\n" * 6 + "</body></html>\n"
    )
    return (
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + _qp(text)
        + "\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + _qp(html)
        + "\r\n--alt--\r\n"
    )


HEADERS = (
    "From: Harbour View Hotel <bookings@harbourview.example>\r\n"
    "To: Anna Jones <anna.jones@example.org>\r\n"
    "Subject: Your booking confirmation HV-55102\r\n"
    "Date: Tue, 16 Dec 2025 14:03:11 +0000\r\n"
    "Message-ID: <hv-55102@harbourview.example>\r\n"
    "MIME-Version: 1.0\r\n"
)


def alternative_mail() -> bytes:
    """A multipart/alternative confirmation of about 22 KB."""
    return (
        HEADERS
        + 'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        + _alternative(24)
    ).encode("ascii")


def pdf_mail() -> bytes:
    """A multipart/mixed confirmation of about 300 KB, most of it a PDF."""
    # Incompressible-looking but deterministic bytes: a chain of SHA-256 digests.
    blocks: list[bytes] = []
    digest = b"confirmcheck"
    while len(blocks) * 32 < 219_000:
        digest = hashlib.sha256(digest).digest()
        blocks.append(digest)
    pdf = b"%PDF-1.4\n" + b"".join(blocks) + b"\n%%EOF\n"
    encoded = base64.encodebytes(pdf).decode("ascii").replace("\n", CRLF)
    return (
        HEADERS
        + 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n'
        + '--mix\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        + _alternative(8)
        + "\r\n--mix\r\nContent-Type: application/pdf; name=confirmation.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=confirmation.pdf\r\n\r\n"
        + encoded
        + "--mix--\r\n"
    ).encode("ascii")


_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def stdlib_way(data: bytes) -> bytes:
    """The obvious way: parse, get_body()/set_content(), add_attachment, as_bytes."""
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    plain = message.get_body(("plain",))
    if plain is not None:
        content = plain.get_content()
        plain.set_content(TEXT + "\n" + content)
    html = message.get_body(("html",))
    if html is not None:
        content = html.get_content()
        found = _BODY.search(content)
        point = found.end() if found else 0
        html.set_content(content[:point] + HTML + content[point:], subtype="html")
    message.add_attachment(
        ICS, maintype="text", subtype="calendar", filename="booking-summary.ics"
    )
    return message.as_bytes()


def confirmcheck_way(data: bytes) -> bytes:
    """confirmcheck.mail.insert_summary: byte offsets and splicing."""
    return insert_summary(data, text=TEXT, html=HTML, calendar=ICS, complete=False)


def best_of(function: Callable[[bytes], bytes], data: bytes, rounds: int) -> float:
    """The best time of one call in seconds (best of ``rounds`` rounds)."""
    timer = timeit.Timer(lambda: function(data))
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=rounds, number=number)) / number


def main(argv: list[str] | None = None) -> None:
    """Print a table: per mail, both times and how many times faster."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="2 rounds instead of 7 (for CI)"
    )
    rounds = 2 if parser.parse_args(argv).quick else 7
    rows = []
    for name, data in (
        ("multipart/alternative", alternative_mail()),
        ("multipart/mixed + PDF", pdf_mail()),
    ):
        # Same mail, same work: both must put the summary in and parse again.
        for way in (stdlib_way, confirmcheck_way):
            out = email.message_from_bytes(way(data), policy=email.policy.default)
            assert isinstance(out, EmailMessage)
            body = out.get_body(("plain",))
            assert body is not None
            assert "NOT BOOKED" in str(body.get_content())
        stdlib = best_of(stdlib_way, data, rounds)
        ours = best_of(confirmcheck_way, data, rounds)
        rows.append((name, len(data), stdlib, ours))
    print(f"{'mail':<24}{'size':>10}{'stdlib':>12}{'confirmcheck':>15}{'ratio':>9}")
    for name, size, stdlib, ours in rows:
        print(
            f"{name:<24}{size / 1024:>8.1f}KB{stdlib * 1000:>10.2f}ms"
            f"{ours * 1000:>13.2f}ms{stdlib / ours:>8.1f}x"
        )


if __name__ == "__main__":
    main()
