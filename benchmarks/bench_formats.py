"""Benchmark of the OTA / AlpineBits and schema.org readers (issue 12).

Run with ``uv run python benchmarks/bench_formats.py`` (``--quick`` for a small run
that judges nothing). It writes, deterministically, one ``OTA_ResRetrieveRS`` with
N reservations (two RoomStays each) and one mail whose HTML carries N
``LodgingReservation`` objects as JSON-LD, and times, as medians of interleaved
rounds:

* ``stdlib XML``: ``xml.etree.ElementTree.fromstring`` of the message -- parsing
  only, unsafe (it expands internal entities), no stays: the floor;
* ``read_ota``: defusedxml's parse with each element's line noted, and the stays,
  with every check;
* ``stdlib mail``: ``email.message_from_bytes`` and ``json.loads`` of the script --
  finding and decoding the markup, no stays;
* ``read_schemaorg``: the same, and the stays.

The ratio readers / floor is what the safety and the checks cost. There is no
budget: the figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import json
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from email.message import EmailMessage

from confirmcheck.readers.ota import read_ota
from confirmcheck.readers.schemaorg import read_schemaorg

START = dt.date(2026, 1, 1)


def ota_message(n: int) -> bytes:
    reservations = []
    for i in range(n):
        day = START + dt.timedelta(days=i % 300)
        stays = "".join(
            f"""
        <RoomStay>
          <RoomTypes><RoomType RoomTypeCode="{code}" NumberOfUnits="1"/></RoomTypes>
          <GuestCounts>
            <GuestCount Count="2"/><GuestCount Count="1" Age="7"/>
          </GuestCounts>
          <TimeSpan Start="{day}" End="{day + dt.timedelta(days=nights)}"/>
        </RoomStay>"""
            for code, nights in (("DZ", 4), ("EZ", 3))
        )
        reservations.append(
            f"""
    <HotelReservation ResStatus="Reserved">
      <UniqueID Type="14" ID="R-{i}"/>
      <RoomStays>{stays}
      </RoomStays>
      <ResGlobalInfo>
        <BasicPropertyInfo HotelCode="1" HotelName="Hotel"/>
      </ResGlobalInfo>
    </HotelReservation>"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OTA_ResRetrieveRS xmlns="http://www.opentravel.org/OTA/2003/05" '
        'Version="7.000"><Success/><ReservationsList>'
        + "".join(reservations)
        + "</ReservationsList></OTA_ResRetrieveRS>\n"
    ).encode()


def marked_up_mail(n: int) -> bytes:
    items = [
        {
            "@context": "https://schema.org",
            "@type": "LodgingReservation",
            "reservationNumber": f"R-{i}",
            "reservationStatus": "https://schema.org/ReservationConfirmed",
            "checkinDate": f"{START + dt.timedelta(days=i % 300)}T15:00:00+01:00",
            "checkoutDate": f"{START + dt.timedelta(days=i % 300 + 4)}T10:00:00+01:00",
            "numAdults": 2,
            "lodgingUnitType": "DZ",
        }
        for i in range(n)
    ]
    message = EmailMessage()
    message["From"] = "hotel@example.com"
    message["Subject"] = "Your booking"
    message.set_content("Thank you for your booking.\n")
    script = json.dumps(items).replace("<", "\\u003c")
    message.add_alternative(
        '<html><head><script type="application/ld+json">'
        + script
        + "</script></head><body><p>Thank you for your booking.</p></body></html>",
        subtype="html",
    )
    return bytes(message)


def stdlib_mail(data: bytes) -> object:
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            html = part.get_content()
            start = html.index(">", html.index("<script")) + 1
            return json.loads(html[start : html.index("</script")])
    return None


def median_times(
    jobs: dict[str, Callable[[], object]], rounds: int
) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():  # interleaved: a busy moment slows all
            begin = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - begin)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small, judges nothing")
    parser.add_argument("--reservations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=11)
    options = parser.parse_args()
    n = 50 if options.quick else options.reservations
    rounds = 3 if options.quick else options.rounds
    xml, mail = ota_message(n), marked_up_mail(n)
    assert len(read_ota(xml).stays) == 2 * n
    assert len(read_schemaorg(mail).stays) == n
    figures = median_times(
        {
            "stdlib XML": lambda: ET.fromstring(xml),
            "read_ota": lambda: read_ota(xml),
            "stdlib mail": lambda: stdlib_mail(mail),
            "read_schemaorg": lambda: read_schemaorg(mail),
        },
        rounds,
    )
    print(
        f"{n} reservations: OTA message {len(xml):,} bytes, mail {len(mail):,} "
        f"bytes; median of {rounds} interleaved rounds"
        + (" (--quick: figures not of record)" if options.quick else "")
    )
    for name, floor in (("read_ota", "stdlib XML"), ("read_schemaorg", "stdlib mail")):
        print(
            f"  {name:15} {figures[name] * 1000:8.1f} ms   {floor:12} "
            f"{figures[floor] * 1000:8.1f} ms   {figures[name] / figures[floor]:5.1f}x"
        )


if __name__ == "__main__":
    main()
