"""compare(): flexible requests met by a stay in their window, and cancelled
reservations named as the reason their nights are not booked."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confirmcheck.cancellation import Cancellation
from confirmcheck.compare import compare
from confirmcheck.diff import diff
from confirmcheck.errors import InputError
from confirmcheck.flexible import FlexibleStay, resolve_flexible
from confirmcheck.readers.json import StaysFile
from confirmcheck.readers.ota import read_ota
from confirmcheck.report import Status
from confirmcheck.report_json import report_from_json, report_to_dict, report_to_json
from confirmcheck.stay import Stay
from tests.formats.support import shared_samples
from tests.strategies import ROOM_TYPES, WINDOW_START, sides, stays
from tests.support import schema_errors

QUOTE = (
    shared_samples()
    / "alpinebits"
    / "alpinebits-2018-10_GuestRequests-OTA_ResRetrieveRS-request-with-roomtype.xml"
)
CANCELLATION = (
    shared_samples()
    / "alpinebits"
    / "alpinebits-2015-07b_GuestRequests-OTA_ResRetrieveRS-cancellation.xml"
)


def day(n: int) -> dt.date:
    return dt.date(2017, 10, n)


def test_a_flexible_request_is_met_by_a_stay_of_its_length_in_its_window() -> None:
    # "4 nights arriving between 3 and 8 Oct", a pitch of type A for one guest.
    request = read_ota(QUOTE.read_bytes())
    booked = Stay(day(6), day(10), room_type="A", guests=1)
    report = compare(request, StaysFile([booked]))
    (result,) = report.stays
    assert result.status is Status.BOOKED
    assert (result.check_in, result.check_out) == (day(6), day(10))
    assert (result.earliest_arrival, result.latest_arrival) == (day(3), day(8))
    assert report.complete


@pytest.mark.parametrize(
    "booked",
    [
        Stay(day(9), day(13), room_type="A", guests=1),  # arrives after the window
        Stay(day(2), day(6), room_type="A", guests=1),  # arrives before it
        Stay(day(4), day(7), room_type="A", guests=1),  # 3 nights, not 4
    ],
    ids=["late", "early", "short"],
)
def test_a_stay_outside_the_window_or_of_another_length_does_not_meet_it(
    booked: Stay,
) -> None:
    report = compare(read_ota(QUOTE.read_bytes()), StaysFile([booked]))
    (result,) = report.stays
    # Unmet, the request is shown at its earliest arrival, with its window.
    assert (result.check_in, result.check_out) == (day(3), day(7))
    assert (result.earliest_arrival, result.latest_arrival) == (day(3), day(8))
    assert result.status is not Status.BOOKED
    assert not report.complete


def test_each_confirmed_stay_meets_one_flexible_request() -> None:
    twice = [FlexibleStay(day(3), day(8), 2), FlexibleStay(day(3), day(8), 2)]
    confirmed = [Stay(day(5), day(7)), Stay(day(3), day(5))]
    assert resolve_flexible(twice, confirmed) == [
        Stay(day(3), day(5)),
        Stay(day(5), day(7)),
    ]


def test_a_request_on_the_confirmed_side_is_refused() -> None:
    with pytest.raises(InputError, match="is a guest's request"):
        compare(StaysFile([]), read_ota(QUOTE.read_bytes()))
    flexible = StaysFile([], flexible=[FlexibleStay(day(3), day(8), 4)])
    with pytest.raises(InputError, match="holds a flexible request"):
        compare(StaysFile([]), flexible)


def test_a_cancellation_is_the_reason_the_nights_are_not_booked() -> None:
    requested = StaysFile(
        [Stay(dt.date(2012, 4, 2), dt.date(2012, 4, 6), ref="c24e8b15ca469388")]
    )
    report = compare(requested, read_ota(CANCELLATION.read_bytes()))
    (result,) = report.stays
    assert result.status is Status.NOT_BOOKED
    assert result.cancelled


def test_a_cancellation_of_another_reservation_is_no_reason() -> None:
    requested = StaysFile([Stay(dt.date(2012, 4, 2), dt.date(2012, 4, 6), ref="B")])
    (result,) = compare(requested, read_ota(CANCELLATION.read_bytes())).stays
    assert result.status is Status.NOT_BOOKED
    assert not result.cancelled


def test_a_cancellation_by_its_nights_and_a_booked_stay_is_not_cancelled() -> None:
    week = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))
    other = Stay(dt.date(2026, 4, 9), dt.date(2026, 4, 13))
    cancelled = Cancellation(None, (Stay(dt.date(2026, 3, 12), dt.date(2026, 3, 14)),))
    report = compare(
        StaysFile([week, other]), StaysFile([other], cancelled=[cancelled])
    )
    assert [(r.status, r.cancelled) for r in report.stays] == [
        (Status.NOT_BOOKED, True),
        (Status.BOOKED, False),
    ]


@given(sides(), sides())
def test_without_flexible_requests_or_cancellations_compare_is_the_diff(
    requested: list[Stay], confirmed: list[Stay]
) -> None:
    assert compare(StaysFile(requested), StaysFile(confirmed)) == diff(
        requested, confirmed
    )


FLEXIBLE_REQUESTS = st.builds(
    lambda start, width, nights, room_type, ref: FlexibleStay(
        WINDOW_START + dt.timedelta(days=start),
        WINDOW_START + dt.timedelta(days=start + width),
        nights,
        room_type=room_type,
        ref=ref,
    ),
    st.integers(0, 8),
    st.integers(0, 5),
    st.integers(1, 4),
    st.sampled_from((None, *ROOM_TYPES)),
    st.sampled_from((None, "A-1", "B-2")),
)
CANCELLATIONS = st.builds(
    Cancellation, st.sampled_from((None, "A-1", "B-2")), st.lists(stays()).map(tuple)
)


@given(
    sides(),
    st.lists(FLEXIBLE_REQUESTS, max_size=3),
    sides(),
    st.lists(CANCELLATIONS, max_size=2),
)
def test_windows_and_cancellations_go_through_json_and_the_schema(
    requested: list[Stay],
    flexible: list[FlexibleStay],
    confirmed: list[Stay],
    cancelled: list[Cancellation],
) -> None:
    report = compare(
        StaysFile(requested, flexible=flexible),
        StaysFile(confirmed, cancelled=cancelled),
    )
    assert [r.earliest_arrival is not None for r in report.stays].count(True) == len(
        flexible
    )
    assert schema_errors(report_to_dict(report)) == []
    assert report_from_json(report_to_json(report)) == report
