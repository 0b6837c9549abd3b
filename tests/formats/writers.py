"""Small test-side writers: stays out as OTA XML and as schema.org JSON-LD, so the
readers can be held to "write, read back, same stays"."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from confirmcheck.stay import Stay

OTA = "http://www.opentravel.org/OTA/2003/05"


def grouped(stays: Sequence[Stay]) -> list[list[Stay]]:
    """Stays as reservations: one per ref (in order of first appearance), and one
    for each stay without a ref."""
    groups: dict[object, list[Stay]] = {}
    for index, stay in enumerate(stays):
        groups.setdefault(stay.ref if stay.ref is not None else index, []).append(stay)
    return list(groups.values())


def _sub(parent: ET.Element, name: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{OTA}}}{name}", attrs)


def write_ota(stays: Sequence[Stay], *, message: str = "OTA_HotelResNotifRQ") -> bytes:
    """An OTA_HotelResNotifRQ (or OTA_HotelResModifyNotifRQ) holding ``stays``."""
    ET.register_namespace("", OTA)
    root = ET.Element(f"{{{OTA}}}{message}", {"Version": "1.0"})
    modify = message == "OTA_HotelResModifyNotifRQ"
    container = _sub(root, "HotelResModifies" if modify else "HotelReservations")
    for group in grouped(stays):
        reservation = _sub(
            container, "HotelResModify" if modify else "HotelReservation"
        )
        if group[0].ref is not None:
            _sub(reservation, "UniqueID", Type="14", ID=group[0].ref)
        room_stays = _sub(reservation, "RoomStays")
        for stay in group:
            room_stay = _sub(room_stays, "RoomStay")
            room_type = _sub(_sub(room_stay, "RoomTypes"), "RoomType")
            room_type.set("NumberOfUnits", str(stay.rooms))
            if stay.room_type is not None:
                room_type.set("RoomTypeCode", stay.room_type)
            if stay.guests is not None:
                counts = _sub(room_stay, "GuestCounts", IsPerRoom="true")
                _sub(
                    counts, "GuestCount", AgeQualifyingCode="10", Count=str(stay.guests)
                )
            _sub(
                room_stay,
                "TimeSpan",
                Start=stay.check_in.isoformat(),
                End=stay.check_out.isoformat(),
            )
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def write_json_ld(stays: Sequence[Stay]) -> str:
    """A page whose JSON-LD holds one LodgingReservation per stay (of one room)."""
    items = []
    for stay in stays:
        assert stay.rooms == 1, "schema.org has no number of rooms"
        item: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "LodgingReservation",
            "reservationStatus": "https://schema.org/ReservationConfirmed",
            "checkinDate": stay.check_in.isoformat(),
            "checkoutDate": stay.check_out.isoformat(),
        }
        if stay.ref is not None:
            item["reservationNumber"] = stay.ref
        if stay.room_type is not None:
            item["lodgingUnitType"] = stay.room_type
        if stay.guests is not None:
            item["numAdults"] = stay.guests
        items.append(item)
    # "<" escaped, so that no value can close the script element.
    script = json.dumps(items, indent=1).replace("<", "\\u003c")
    return (
        "<!DOCTYPE html>\n<html><head>\n"
        f'<script type="application/ld+json">\n{script}\n</script>\n'
        "</head><body><p>Your booking</p></body></html>\n"
    )
