"""The series a summary speaks of: faithful to the stays the guest asked for.

Expanding a described series minus the exceptions listed under the verdict
gives exactly the requested stays that are booked as requested; the words name
every exception with Babel's date interval; a stay in no series is listed on
its own.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_interval
from hypothesis import given
from hypothesis import strategies as st

from confirmcheck import Series, Stay, diff, render_text, summarize
from confirmcheck.i18n import SUPPORTED_LOCALES, cldr_locale
from confirmcheck.render.series import MIN_STAYS
from confirmcheck.render.summary import plan_series
from confirmcheck.report import Report, Status

START = dt.date(2026, 1, 1)


@st.composite
def series_and_gaps(draw: st.DrawFn) -> tuple[Series, list[Stay], set[int], set[int]]:
    """A weekly or daily series, and its confirmation with random gaps (not
    booked) and stays booked as another room type (booked differently)."""
    weekly = draw(st.booleans())
    if weekly:
        step = 7 * draw(st.integers(1, 3))
        nights = draw(st.integers(1, 6))
        rule = f"FREQ=WEEKLY;INTERVAL={step // 7}"
    else:
        step = draw(st.integers(1, 3))
        nights = draw(st.integers(1, step))
        rule = f"FREQ=DAILY;INTERVAL={step}"
    count = draw(st.integers(MIN_STAYS, 30))
    first = START + dt.timedelta(days=draw(st.integers(0, 400)))
    series = Series(
        Stay(first, first + dt.timedelta(days=nights), room_type="EZ", guests=1),
        f"{rule};COUNT={count}",
    )
    indices = st.sets(st.integers(0, count - 1), max_size=count)
    gaps = draw(indices)
    different = draw(indices) - gaps
    confirmed = [
        Stay(
            stay.check_in,
            stay.check_out,
            room_type="DZ" if index in different else "EZ",
            guests=1,
            ref=f"R-{index + 1}",
        )
        for index, stay in enumerate(series.stays)
        if index not in gaps
    ]
    return series, confirmed, gaps, different


def booked_as_requested(report: Report) -> set[dt.date]:
    return {s.check_in for s in report.stays if s.status is Status.BOOKED}


@given(series_and_gaps(), st.sampled_from(SUPPORTED_LOCALES))
def test_the_described_series_minus_its_exceptions_is_what_is_booked(
    case: tuple[Series, list[Stay], set[int], set[int]], locale: str
) -> None:
    series, confirmed, gaps, different = case
    report = diff([series], confirmed)
    plan = plan_series(report)
    by_number = {stay.stay: stay for stay in report.stays}

    described: set[dt.date] = set()
    exceptions: set[dt.date] = set()
    for run in plan.booked:
        members = [by_number[n] for n in run.stays]
        # The run is exactly the stays it stands for: every check-in it
        # describes is one requested, of the run's length.
        assert list(run.check_ins) == [stay.check_in for stay in members]
        assert {stay.nights for stay in members} == {run.nights}
        described |= set(run.check_ins)
        exceptions |= {s.check_in for s in members if s.status is not Status.BOOKED}
        # Fewer exceptions than stays booked, or it is not said as a series.
        assert len(exceptions) < len(members) - len(exceptions)
    singles = {s.check_in for s in plan.single}
    assert all(s.status is Status.BOOKED for s in plan.single)
    assert (described - exceptions) | singles == booked_as_requested(report)
    assert described.isdisjoint(singles)
    # Nothing of a lost series is booked.
    for run in plan.lost:
        assert all(by_number[n].status is Status.NOT_BOOKED for n in run.stays)
    if len(series.stays) - len(gaps | different) > len(gaps | different):
        assert len(plan.booked) == 1
        assert exceptions == {series.stays[i].check_in for i in gaps | different}

    # The words name every exception, with the dates Babel writes for it.
    summary = summarize(report, locale=locale, confirmed=confirmed)
    words = " ".join(render_text(summary).split())
    for run in plan.booked:
        skeleton = "MMMd" if run.first.year == run.check_out.year else "yMMMd"
        for n in run.stays:
            stay = by_number[n]
            if stay.status is not Status.BOOKED:
                said = format_interval(
                    stay.check_in, stay.check_out, skeleton, locale=cldr_locale(locale)
                )
                assert " ".join(said.split()) in words


@given(series_and_gaps())
def test_a_series_is_said_once_not_stay_by_stay(
    case: tuple[Series, list[Stay], set[int], set[int]],
) -> None:
    series, confirmed, gaps, different = case
    report = diff([series], confirmed)
    summary = summarize(report, confirmed=confirmed)
    booked = [s for s in summary.sections if s.kind == "booked"]
    if len(gaps | different) < len(series.stays) - len(gaps | different):
        (section,) = booked
        # One sentence for the whole series, however many stays it has.
        assert len(section.items) <= 1
        if len(series.stays) - len(gaps | different) > 1:
            assert f"({len(series.stays) - len(gaps | different)} stays" in " ".join(
                (section.heading + " ".join(section.items)).split()
            ).replace("\u00a0", " ")
    elif len(gaps | different) == len(series.stays):
        assert booked == []


def test_single_stays_outside_a_series_are_listed_as_today() -> None:
    day = dt.date(2026, 3, 2)
    weekly = Series(Stay(day, day + dt.timedelta(days=4)), "FREQ=WEEKLY;COUNT=4")
    extra = Stay(dt.date(2026, 4, 10), dt.date(2026, 4, 12), room_type="suite")
    report = diff([weekly, extra], [*weekly.stays, extra])
    text = render_text(report)
    assert "every week Mon–Fri, 2–27 Mar 2026 (4 stays, 16 nights)" in " ".join(
        text.split()
    )
    assert "Fri, 10 Apr – Sun, 12 Apr 2026 (2 nights, suite)" in " ".join(text.split())
