"""confirmcheck audit with a folder of OTA/AlpineBits XML files as an export."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from confirmcheck.cli import EXIT_DIFFERS, main

NOTIF = """<?xml version="1.0" encoding="UTF-8"?>
<OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0">
  <HotelReservations>
{reservations}
  </HotelReservations>
</OTA_HotelResNotifRQ>
"""

RESERVATION = """    <HotelReservation ResStatus="{status}">
      <UniqueID Type="14" ID="{key}"/>
      <RoomStays>
        <RoomStay>
          <RoomTypes><RoomType RoomTypeCode="DBL" NumberOfUnits="1"/></RoomTypes>
          <TimeSpan Start="{start}" End="{end}"/>
        </RoomStay>
      </RoomStays>
    </HotelReservation>"""


def reservation(key: str, start: str, end: str, status: str = "Book") -> str:
    return RESERVATION.format(key=key, start=start, end=end, status=status)


def audit(requested: Path, confirmed: Path) -> tuple[int, list[Any], str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["audit", str(requested), str(confirmed), "--quiet", "--jobs", "1"],
        stdout=out,
        stderr=err,
    )
    return (
        status,
        [json.loads(line) for line in out.getvalue().splitlines()],
        err.getvalue(),
    )


def test_a_folder_of_xml_files_is_audited_by_unique_id(tmp_path: Path) -> None:
    folder = tmp_path / "requested"
    folder.mkdir()
    (folder / "a.xml").write_text(
        NOTIF.format(
            reservations="\n".join(
                [
                    reservation("A-1", "2026-03-09", "2026-03-13"),
                    reservation("A-2", "2026-03-09", "2026-03-13"),
                    # End before Start: this reservation is invalid, not the file.
                    reservation("A-3", "2026-03-13", "2026-03-09"),
                    reservation("A-5", "2026-03-01", "2026-03-02", "Cancelled"),
                ]
            )
        ),
        encoding="utf-8",
    )
    (folder / "b.xml").write_text(
        NOTIF.format(reservations=reservation("A-4", "2026-04-01", "2026-04-03")),
        encoding="utf-8",
    )
    (folder / "c.xml").write_text("<OTA_HotelResNotifRQ><oops>", encoding="utf-8")
    (folder / "notes.txt").write_text("not an export", encoding="utf-8")
    confirmed = tmp_path / "confirmed.csv"
    confirmed.write_text(
        "key,check_in,check_out,rooms,room_type\n"
        "A-1,2026-03-09,2026-03-13,1,DBL\n"
        "A-2,2026-03-09,2026-03-12,1,DBL\n"
        "A-3,2026-03-09,2026-03-13,1,DBL\n"
        "A-4,2026-04-01,2026-04-03,1,DBL\n",
        encoding="utf-8",
    )
    status, lines, err = audit(folder, confirmed)
    assert err == ""
    assert status == EXIT_DIFFERS
    verdicts = {line["key"]: line["verdict"] for line in lines}
    assert verdicts == {
        "A-1": "complete",
        "A-2": "differs",
        "A-3": "invalid",
        "A-4": "complete",
        None: "invalid",
    }
    errors = {line["key"]: line["error"] for line in lines}
    assert errors["A-3"] == (
        f"{folder / 'a.xml'}, OTA_HotelResNotifRQ/HotelReservations/"
        "HotelReservation[3]/RoomStays/RoomStay[1]/TimeSpan (line 27): "
        "End 2026-03-09 is not after Start 2026-03-13"
    )
    assert errors[None].startswith(f"{folder / 'c.xml'}: is not well-formed XML")
    assert [line["key"] for line in lines] == ["A-1", "A-2", "A-3", "A-4", None]


def test_a_folder_may_be_the_confirmed_side(tmp_path: Path) -> None:
    folder = tmp_path / "confirmed"
    folder.mkdir()
    (folder / "hotel.xml").write_text(
        NOTIF.format(reservations=reservation("B-1", "2026-03-09", "2026-03-13")),
        encoding="utf-8",
    )
    requested = tmp_path / "requested.jsonl"
    requested.write_text(
        '{"key": "B-1", "check_in": "2026-03-09", "check_out": "2026-03-13",'
        ' "room_type": "DBL"}\n'
        '{"key": "B-2", "check_in": "2026-03-09", "check_out": "2026-03-13"}\n',
        encoding="utf-8",
    )
    status, lines, _ = audit(requested, folder)
    assert [(line["key"], line["verdict"]) for line in lines] == [
        ("B-1", "complete"),
        ("B-2", "only_requested"),
    ]
    assert status == EXIT_DIFFERS
