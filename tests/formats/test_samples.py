"""The published samples beside the repository (``../shared/samples``) read into
the stays written here by hand from the messages themselves.

The AlpineBits samples may not be copied into the repository: they are read
where they are. KDE's schema.org files are copied where a test needs them whole
(see data/schemaorg/ATTRIBUTION.md).
"""

from __future__ import annotations

import datetime as dt

from confirmcheck.cancellation import Cancellation
from confirmcheck.flexible import FlexibleStay
from confirmcheck.readers.ota import read_ota
from confirmcheck.readers.recognise import is_markup, is_ota
from confirmcheck.readers.schemaorg import read_schemaorg
from confirmcheck.stay import Stay
from tests.formats.support import shared_samples

ALPINEBITS = shared_samples() / "alpinebits"
SCHEMAORG = shared_samples() / "schemaorg"


def alpinebits(name: str) -> bytes:
    return (ALPINEBITS / f"alpinebits-{name}.xml").read_bytes()


def test_a_2024_10_reservation_is_one_stay_of_eleven_nights() -> None:
    # TimeSpan 2022-01-01 -> 2022-01-12; the RoomRates' inclusive ExpireDates
    # (ExpireDateExclusiveInd="false") do not count nights. 2 adults and two
    # children (with Age) are 4 guests in the one bigsuite; UniqueID 6b34...810.
    data = alpinebits("2024-10_GuestRequests-OTA_ResRetrieveRS-reservation")
    assert is_ota(data.decode())
    read = read_ota(data)
    assert read.stays == (
        Stay(
            dt.date(2022, 1, 1),
            dt.date(2022, 1, 12),
            room_type="bigsuite",
            guests=4,
            ref="6b34fe24ac2ff810",
        ),
    )
    assert read.hotel == "Frangart Inn"
    assert read.cancelled == ()
    assert read.flexible == ()


def test_a_2018_10_quote_request_is_a_flexible_request() -> None:
    # Duration P4N, StartDateWindow 2017-10-03 .. 2017-10-08, RoomTypeCode A,
    # one guest; RoomType="8" is AlpineBits' classification, not a name.
    read = read_ota(
        alpinebits("2018-10_GuestRequests-OTA_ResRetrieveRS-request-with-roomtype")
    )
    assert read.stays == ()
    assert read.flexible == (
        FlexibleStay(
            dt.date(2017, 10, 3),
            dt.date(2017, 10, 8),
            4,
            room_type="A",
            guests=1,
            ref="6b34fe24ac2ff811",
        ),
    )
    assert read.room_types == {}


def test_a_2015_07b_cancellation_reads_as_cancelled() -> None:
    read = read_ota(alpinebits("2015-07b_GuestRequests-OTA_ResRetrieveRS-cancellation"))
    assert read.stays == ()
    assert read.flexible == ()
    assert read.cancelled == (Cancellation("c24e8b15ca469388"),)


def test_kde_json_ld_fallback_page() -> None:
    # Broken HTML (</bod>), an & in the JSON, offsets written +0:00.
    data = (
        SCHEMAORG / "kitinerary_structureddata_hotel-json-ld-fallback.html"
    ).read_bytes()
    assert is_markup(data.decode())
    read = read_schemaorg(data)
    assert read.stays == (
        Stay(dt.date(2017, 6, 15), dt.date(2017, 6, 18), ref="KDEKDEKDE"),
    )


def in_a_page(json_ld: str) -> str:
    script = f'<script type="application/ld+json">{json_ld}</script>'
    return f"<html><head>{script}</head></html>"


def test_kde_booking_reservation_is_one_night_for_two() -> None:
    # checkinDate 2017-09-19T15:00:00+03:00, checkoutDate 2017-09-20T12:00:00+03:00.
    text = (SCHEMAORG / "kitinerary_calendarhandlerdata_hotel.json").read_text("utf-8")
    read = read_schemaorg(in_a_page(text))
    assert read.stays == (
        Stay(dt.date(2017, 9, 19), dt.date(2017, 9, 20), guests=2, ref="1234567890"),
    )
    assert read.hotel == "Glo Hotel Sello"


def test_kde_implausible_time_zone_keeps_the_written_dates() -> None:
    # checkinTime as a QDateTime value object with a Berlin offset, for Portugal.
    for name in ("pre", "post"):
        path = (
            SCHEMAORG
            / f"kitinerary_postprocessordata_implausible-time-zone.{name}.json"
        )
        read = read_schemaorg(in_a_page(path.read_text("utf-8")))
        assert read.stays == (Stay(dt.date(2024, 6, 6), dt.date(2024, 6, 7)),)
