"""Hostile XML made on the spot (too big or too deep to keep as files): each is
refused with one line that names the place, at once. The small hostile cases are
data files under data/refused/."""

from __future__ import annotations

import pytest

from confirmcheck.errors import InputError
from confirmcheck.readers.ota import MAX_DEPTH, MAX_OTA_BYTES, read_ota

OPEN = '<OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05">\n'
CLOSE = "</OTA_HotelResNotifRQ>\n"


def test_fifty_megabytes_are_refused_before_parsing() -> None:
    data = (OPEN + "<!--" + "x" * 50_000_000 + "-->" + CLOSE).encode()
    assert len(data) > MAX_OTA_BYTES
    with pytest.raises(InputError) as caught:
        read_ota(data)
    assert str(caught.value) == (
        f"is {len(data):,} bytes; an OTA message may be at most {MAX_OTA_BYTES:,}"
    )


def test_ten_thousand_levels_deep_are_refused() -> None:
    data = OPEN + "<HotelReservations>\n" + "<a>" * 10_000 + "</a>" * 10_000
    data += "</HotelReservations>\n" + CLOSE
    with pytest.raises(InputError) as caught:
        read_ota(data)
    assert str(caught.value) == (
        "OTA_HotelResNotifRQ/HotelReservations/a/… (line 3): elements are nested "
        f"more than {MAX_DEPTH} deep; an OTA message needs about a dozen"
    )


def test_a_string_and_its_bytes_read_alike() -> None:
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + OPEN + "<HotelReservations>"
        '<HotelReservation><UniqueID ID="Mü-1"/><RoomStays><RoomStay>'
        '<TimeSpan Start="2026-01-01" End="2026-01-02"/></RoomStay></RoomStays>'
        "</HotelReservation></HotelReservations>" + CLOSE
    )
    assert read_ota(text) == read_ota(text.encode("iso-8859-1"))
    assert [s.ref for s in read_ota(text).stays] == ["Mü-1"]  # type: ignore[union-attr]
