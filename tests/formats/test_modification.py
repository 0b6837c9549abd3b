"""A new 4-night reservation and its modification to 3 nights, both as OTA
messages: the diff says exactly the removed night is not booked."""

from __future__ import annotations

import datetime as dt

from confirmcheck.diff import diff
from confirmcheck.readers.ota import read_ota
from confirmcheck.report import Range, Status
from tests.formats.support import DATA


def test_the_removed_night_is_not_booked() -> None:
    new = read_ota((DATA / "modification" / "new-reservation.xml").read_bytes())
    modified = read_ota(
        (DATA / "modification" / "modified-to-three-nights.xml").read_bytes()
    )
    report = diff(new.stays, modified.stays)
    assert report.not_booked == (
        Range(1, dt.date(2026, 3, 12), dt.date(2026, 3, 13), 1, "DZ", 2),
    )
    assert [s.status for s in report.stays] == [Status.PARTLY_BOOKED]
    assert report.booked_differently == report.unrequested == ()
    assert report.totals.not_booked_room_nights == 1
