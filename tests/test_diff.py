"""Examples of the diff that the data cases cannot express."""

from __future__ import annotations

import datetime as dt

from confirmcheck.diff import diff
from confirmcheck.report import Status
from confirmcheck.stay import Stay

MAR_9 = dt.date(2026, 3, 9)
MAR_10 = dt.date(2026, 3, 10)


def test_room_types_differing_in_case_only_do_not_make_the_order_matter() -> None:
    # "Double" and "double" are the same room type; which request gets the one
    # room must still not depend on the order the requests were given in.
    upper = Stay(MAR_9, MAR_10, room_type="Double")
    lower = Stay(MAR_9, MAR_10, room_type="double")
    confirmed = [Stay(MAR_9, MAR_10, room_type="double")]

    def outcome(requested: list[Stay]) -> dict[str | None, Status]:
        report = diff(requested, confirmed)
        return {s.room_type: s.status for s in report.stays}

    assert outcome([upper, lower]) == outcome([lower, upper])


def test_confirmed_room_types_differing_in_case_only_do_not_make_the_order_matter() -> (
    None
):
    requested = [Stay(MAR_9, MAR_10, room_type="double")]
    upper = Stay(MAR_9, MAR_10, room_type="Double")
    lower = Stay(MAR_9, MAR_10, room_type="DOUBLE")

    def booked(confirmed: list[Stay]) -> list[str | None]:
        return [r.room_type for r in diff(requested, confirmed).booked]

    assert booked([upper, lower]) == booked([lower, upper])
