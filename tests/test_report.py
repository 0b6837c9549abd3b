"""The report value: what differs, its JSON, and reading it back."""

from __future__ import annotations

import datetime as dt

from confirmcheck.diff import diff
from confirmcheck.report import DifferentRange, Status
from confirmcheck.stay import Stay

MAR_9 = dt.date(2026, 3, 9)
MAR_10 = dt.date(2026, 3, 10)


def test_a_room_without_a_type_for_a_typed_request_differs_in_room_type() -> None:
    report = diff([Stay(MAR_9, MAR_10, room_type="double")], [Stay(MAR_9, MAR_10)])
    assert report.stays[0].status is Status.BOOKED_DIFFERENTLY
    (different,) = report.booked_differently
    assert different.differences == ("room_type",)


def test_differences_name_room_type_and_guests() -> None:
    both = DifferentRange(1, MAR_9, MAR_10, 1, "single", 1, "double", 2)
    assert both.differences == ("room_type", "guests")
    # Room types are compared without regard to case; unknown guests match any.
    same = DifferentRange(1, MAR_9, MAR_10, 1, "Double", None, "double", 2)
    assert same.differences == ()
