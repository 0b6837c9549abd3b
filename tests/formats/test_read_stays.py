"""read_stays recognises the formats by content, on either side, mixed freely:
OTA/AlpineBits XML (also in a SOAP envelope), HTML pages and mails with
schema.org markup, and .json files of JSON-LD."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from confirmcheck import InputError, StaysFile, read_stays
from confirmcheck.readers.ota import read_ota
from confirmcheck.readers.schemaorg import read_schemaorg
from confirmcheck.stay import Stay
from tests.formats.support import DATA, shared_samples

READABLE = sorted(
    p
    for folder in ("ota", "schemaorg", "modification")
    for p in (DATA / folder).iterdir()
    if p.suffix in (".xml", ".html", ".eml")
)


def by_name(path: Path) -> StaysFile:
    data = path.read_bytes()
    return read_ota(data) if path.suffix == ".xml" else read_schemaorg(data)


@pytest.mark.parametrize("path", READABLE, ids=lambda path: path.name)
def test_read_stays_recognises_each_file(path: Path) -> None:
    data = path.read_bytes()
    assert read_stays(data) == by_name(path)
    assert read_stays(data.decode("utf-8")) == by_name(path)
    assert read_stays(b"\xef\xbb\xbf\n  " + data) == by_name(path)


def test_the_shared_samples_are_recognised() -> None:
    for path in sorted(shared_samples().glob("*/*.xml")) + sorted(
        shared_samples().glob("*/*.html")
    ):
        assert read_stays(path.read_bytes()) == by_name(path), path.name


def test_a_json_ld_file_is_read_as_schema_org() -> None:
    path = shared_samples() / "schemaorg" / "kitinerary_calendarhandlerdata_hotel.json"
    assert read_stays(path.read_bytes()).stays == (
        Stay(dt.date(2017, 9, 19), dt.date(2017, 9, 20), guests=2, ref="1234567890"),
    )


def test_errors_are_placed_under_the_side() -> None:
    data = (DATA / "refused" / "end-before-start.xml").read_bytes()
    with pytest.raises(InputError) as caught:
        read_stays(data, path=("requested",))
    assert str(caught.value).startswith(
        "requested: OTA_HotelResNotifRQ/HotelReservations/HotelReservation[2]/"
    )


def test_xml_that_is_no_message_read_here_says_what_is_read() -> None:
    with pytest.raises(InputError) as caught:
        read_stays(b'<?xml version="1.0"?>\n<OTA_HotelAvailRQ/>', path=("confirmed",))
    assert "OTA_HotelAvailRQ" in str(caught.value)


def test_a_mail_with_a_long_header_is_still_a_mail() -> None:
    mail = (DATA / "schemaorg" / "mail-two-rooms.eml").read_bytes()
    received = b"".join(
        b"Received: from relay%d.example.net (relay%d.example.net [192.0.2.1])\r\n"
        b"\tby mx.example.com with ESMTPS; Tue, 01 Dec 2026 10:00:00 +0100\r\n" % (i, i)
        for i in range(100)
    )
    assert len(received) > 8192
    assert read_stays(received + mail) == by_name(
        DATA / "schemaorg" / "mail-two-rooms.eml"
    )


def test_a_mail_saved_from_a_mailbox_starts_with_a_from_line() -> None:
    path = DATA / "schemaorg" / "mail-two-rooms.eml"
    saved = b"From hotel@example.com Tue Dec  1 10:00:00 2026\n" + path.read_bytes()
    assert read_stays(saved) == by_name(path)


def test_decoded_json_ld_with_an_enumeration_reference() -> None:
    read = read_stays(
        [
            {
                "@type": "LodgingReservation",
                "reservationNumber": 4711,
                "reservationStatus": {"@id": "http://schema.org/ReservationCancelled"},
            }
        ]
    )
    assert read.stays == ()
    assert [c.ref for c in read.cancelled] == ["4711"]


def test_xml_in_the_encoding_it_declares_is_read_not_refused_as_not_utf8() -> None:
    message = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05">'
        '<HotelReservations><HotelReservation><UniqueID ID="Mü-1"/><RoomStays>'
        '<RoomStay><TimeSpan Start="2026-01-01" End="2026-01-02"/></RoomStay>'
        "</RoomStays></HotelReservation></HotelReservations></OTA_HotelResNotifRQ>"
    )
    (stay,) = read_stays(message.encode("iso-8859-1")).stays
    assert stay.ref == "Mü-1"  # type: ignore[union-attr]
