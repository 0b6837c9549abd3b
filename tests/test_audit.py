"""check_many: the audit of N keys is N independent diffs, lazily and in order;
and the command's columnar first pass finds what the diff finds, key by key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confirmcheck import (
    AuditResult,
    InputError,
    Series,
    Stay,
    Verdict,
    check_many,
    diff,
    summarize,
)
from confirmcheck.audit import Pair
from confirmcheck.cli import main
from confirmcheck.render.series import MIN_STAYS
from confirmcheck.render.summary import say_verdict, verdict_facts
from tests.strategies import WINDOW_START, sides, stays

Side = list[Stay | Series]
WEEK = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))

# A series starts after the window of tests.strategies, so that it and the stays
# drawn there do not overlap. Its step: 7 and 14 days are weekly, 3 and 9 not.
SERIES_START = WINDOW_START + dt.timedelta(days=42)
STEPS = (7, 14, 3, 9)
# What becomes of each stay of a series: booked as requested, not at all, as
# another room type, or only its first night (as requested or as another type).
FATES = ("booked", "missing", "other_room", "first_night", "first_night_other")


def _series(
    first: dt.date, nights: int, fates: tuple[str, ...], step: int
) -> tuple[Side, Side]:
    """A request of one stay every ``step`` days, and its confirmation."""
    requested: Side = []
    confirmed: Side = []
    for k, fate in enumerate(fates):
        check_in = first + dt.timedelta(days=k * step)
        stay = Stay(check_in, check_in + dt.timedelta(days=nights), room_type="single")
        requested.append(stay)
        room_type = "double" if fate.endswith("other") else "single"
        if fate in ("booked", "other_room"):
            confirmed.append(dataclasses.replace(stay, room_type=room_type))
        elif fate.startswith("first_night"):
            confirmed.append(
                Stay(check_in, check_in + dt.timedelta(days=1), room_type=room_type)
            )
    return requested, confirmed


@st.composite
def series_templates(draw: st.DrawFn) -> Callable[[int], tuple[Side, Side]]:
    """A series of 3 to 5 stays of 2 or 3 nights and what becomes of each, as a
    function of its step in days: the same request, weekly or not."""
    count = draw(st.integers(MIN_STAYS, 5))
    fates = draw(st.lists(st.sampled_from(FATES), min_size=count, max_size=count))
    first = SERIES_START + dt.timedelta(days=draw(st.integers(0, 6)))
    return functools.partial(_series, first, draw(st.integers(2, 3)), tuple(fates))


def series_pairs() -> st.SearchStrategy[tuple[Side, Side]]:
    """A series and its confirmation, weekly or every few days."""
    return series_templates().flatmap(lambda make: st.sampled_from(STEPS).map(make))


def key_pairs(max_size: int = 3) -> st.SearchStrategy[tuple[Side, Side]]:
    """The two sides of one key: a few stays each, or a series."""
    return st.one_of(
        st.tuples(sides(max_size=max_size), sides(max_size=max_size)),
        series_pairs(),
    )


def expected_verdict(requested: Side, confirmed: Side) -> Verdict:
    report = diff(requested, confirmed)
    if report.complete:
        return Verdict.COMPLETE
    if not report.stays:
        return Verdict.ONLY_CONFIRMED
    if not confirmed:
        return Verdict.ONLY_REQUESTED
    return Verdict.DIFFERS


@given(st.lists(key_pairs(), max_size=6), st.sampled_from(("de", "en")))
def test_the_audit_of_n_keys_is_n_independent_diffs(
    pairs: list[tuple[Side, Side]], locale: str
) -> None:
    keyed: list[Pair] = [(f"K{i}", r, c) for i, (r, c) in enumerate(pairs)]
    results = list(check_many(keyed, locale=locale))
    assert [r.key for r in results] == [key for key, _, _ in keyed]
    for result, (requested, confirmed) in zip(results, pairs, strict=True):
        report = diff(requested, confirmed)
        assert result.report == report
        assert result.verdict is expected_verdict(requested, confirmed)
        assert result.headline == summarize(report, locale=locale).verdict
        assert result.error is None


def _moved(items: Side, days: int, room_type: str) -> Side:
    """The same stays ``days`` later, every room type called ``room_type``."""
    out: Side = []
    for item in items:
        stay = item.first if isinstance(item, Series) else item
        moved = dataclasses.replace(
            stay,
            check_in=stay.check_in + dt.timedelta(days),
            check_out=stay.check_out + dt.timedelta(days),
            room_type=stay.room_type and room_type,
        )
        out.append(Series(moved, item.rrule) if isinstance(item, Series) else moved)
    return out


NO_STAYS: tuple[Side, Side] = ([], [])


@given(
    # Stays, or none besides a series: every stay in a series, weekly or not.
    st.tuples(sides(max_size=4), sides(max_size=4)) | st.just(NO_STAYS),
    st.none() | series_templates(),
    st.tuples(st.sampled_from(STEPS), st.sampled_from(STEPS)),
    st.integers(1, 400),
)
def test_reports_with_the_same_verdict_facts_get_the_same_verdict(
    stays: tuple[Side, Side],
    series: Callable[[int], tuple[Side, Side]] | None,
    steps: tuple[int, int],
    days: int,
) -> None:
    # check_many words a headline once per verdict_facts: reports with the same
    # facts (here: other dates, one room type for all; or the series at another
    # step, weekly or not) must get the same first paragraph, the one
    # say_verdict words from the facts.
    def sides_of(step: int) -> tuple[Side, Side]:
        requested, confirmed = stays
        if series is None:
            return requested, confirmed
        more_requested, more_confirmed = series(step)
        return requested + more_requested, confirmed + more_confirmed

    step, other_step = steps
    first = sides_of(step)
    report = diff(*first)
    others = [
        diff(*(_moved(side, days, "loft") for side in first)),
        diff(*sides_of(other_step)),
    ]
    facts = verdict_facts(report)
    for locale in ("en", "de"):
        verdict = summarize(report, locale=locale).verdict
        assert say_verdict(facts, locale=locale) == verdict
        for other in others:
            if verdict_facts(other) == facts:
                assert summarize(other, locale=locale).verdict == verdict


def _weekly_and_odd() -> tuple[Side, Side]:
    """Four 2-night stays a week apart, and four 9 days apart."""
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 4)
    weekly: Side = [
        Stay(start + dt.timedelta(weeks=k), end + dt.timedelta(weeks=k))
        for k in range(4)
    ]
    odd: Side = [
        Stay(start + dt.timedelta(days=9 * k), end + dt.timedelta(days=9 * k))
        for k in range(4)
    ]
    return weekly, odd


def test_a_headline_says_weekly_only_of_weekly_stays() -> None:
    # Equal totals; the first key's headline was once reused for the second.
    weekly, odd = _weekly_and_odd()
    assert diff(weekly, weekly[:3]).totals == diff(odd, odd[:3]).totals
    pairs: list[Pair] = [("W", weekly, weekly[:3]), ("O", odd, odd[:3])]
    for order in (pairs, pairs[::-1]):
        headlines = {r.key: r.headline for r in check_many(order, locale="en")}
        assert headlines == {
            "W": "NOT BOOKED: 1 of your 4 weekly stays.",
            "O": "NOT BOOKED: 1 of your 4 requested stays.",
        }


def test_a_headline_counts_the_stays_booked_differently() -> None:
    # Two stays, each partly booked, two nights booked differently in all: in
    # one stay, or one in each. The totals are the same.
    day = dt.date(2026, 4, 1)

    def stay(start: int, end: int, room_type: str) -> Stay:
        return Stay(
            day + dt.timedelta(start), day + dt.timedelta(end), room_type=room_type
        )

    requested: Side = [stay(0, 3, "double"), stay(9, 12, "double")]
    in_one: Side = [stay(0, 2, "single"), stay(9, 11, "double")]
    in_both: Side = [
        stay(0, 1, "single"),
        stay(1, 2, "double"),
        stay(9, 10, "single"),
        stay(10, 11, "double"),
    ]
    assert diff(requested, in_one).totals == diff(requested, in_both).totals
    pairs: list[Pair] = [("1", requested, in_one), ("2", requested, in_both)]
    for order in (pairs, pairs[::-1]):
        headlines = {r.key: r.headline for r in check_many(order, locale="en")}
        assert headlines == {
            "1": "PARTLY BOOKED: 2 of your 2 requested stays. "
            "BOOKED DIFFERENTLY: 1 of your 2 requested stays.",
            "2": "PARTLY BOOKED: 2 of your 2 requested stays. "
            "BOOKED DIFFERENTLY: 2 of your 2 requested stays.",
        }


def test_check_many_is_lazy_and_takes_an_unreadable_side() -> None:
    def pairs() -> Iterator[Pair]:
        yield "A", [WEEK], InputError("confirmed.csv line 3, rooms: 0 is too few")
        yield "B", [WEEK], [WEEK]
        raise AssertionError("read past what was asked for")

    results = check_many(pairs())
    first = next(results)
    assert first == AuditResult("A", Verdict.INVALID, error=first.error)
    assert str(first.error) == "confirmed.csv line 3, rooms: 0 is too few"
    assert next(results).verdict is Verdict.COMPLETE


def test_one_sided_keys_get_their_verdicts() -> None:
    results = list(check_many([("R", [WEEK], []), ("C", [], [WEEK]), ("0", [], [])]))
    assert [r.verdict for r in results] == [
        Verdict.ONLY_REQUESTED,
        Verdict.ONLY_CONFIRMED,
        Verdict.COMPLETE,
    ]
    assert results[0].first_affected == WEEK.check_in
    assert results[2].first_affected is None


def test_an_unknown_locale_is_refused_before_the_first_key() -> None:
    with pytest.raises(InputError, match="xx"):
        next(check_many([("A", [WEEK], [WEEK])], locale="xx"))


# --- the command's first pass against the diff --------------------------------


def _csv_rows(key: str, items: Side) -> list[str]:
    rows = []
    for item in items:
        stay = item.first if isinstance(item, Series) else item
        fields = [
            key,
            stay.check_in.isoformat(),
            stay.check_out.isoformat(),
            str(stay.rooms),
            stay.room_type or "",
            "" if stay.guests is None else str(stay.guests),
            stay.ref or "",
            item.rrule if isinstance(item, Series) else "",
        ]
        rows.append(",".join(fields) + "\n")
    return rows


def _audit(requested: list[str], confirmed: list[str], *args: str) -> list[Any]:
    header = "key,check_in,check_out,rooms,room_type,guests,ref,rrule\n"
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder, "requested.csv"), Path(folder, "confirmed.csv")]
        for path, rows in zip(paths, (requested, confirmed), strict=True):
            path.write_text(header + "".join(rows), encoding="utf-8")
        out = io.StringIO()
        main(["audit", *map(str, paths), "--jobs", "1", "--quiet", *args], stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def result_line(result: AuditResult) -> dict[str, Any]:
    """What the command writes for a result (tests/test_audit_cli.py too)."""
    totals = result.report.totals if result.report else None
    first = result.first_affected
    return {
        "key": result.key,
        "verdict": result.verdict.value,
        "not_booked_room_nights": totals and totals.not_booked_room_nights,
        "booked_differently_room_nights": totals
        and totals.booked_differently_room_nights,
        "unrequested_room_nights": totals and totals.unrequested_room_nights,
        "first_affected": first and first.isoformat(),
        "summary": result.headline,
        "error": result.error and str(result.error),
    }


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(sides(max_size=3), sides(max_size=3), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
def test_the_first_pass_finds_what_the_diff_finds(
    keys: list[tuple[Side, Side, bool]],
) -> None:
    # A key confirmed as requested (in another order) is the first pass's
    # to settle; the others go through the diff: each must say the same.
    pairs: list[tuple[str, Side, Side]] = [
        (f"K{i:02d}", r, list(reversed(r)) if same else c)
        for i, (r, c, same) in enumerate(keys)
        if r or c or same
    ]
    requested = [row for key, r, _ in pairs for row in _csv_rows(key, r)]
    confirmed = [row for key, _, c in pairs for row in _csv_rows(key, c)]
    expected = [result_line(r) for r in check_many(pairs, locale="en")]
    assert _audit(requested, confirmed, "--chunk-size", "3") == [
        e for e in expected if _has_stays(pairs, e["key"])
    ]


def _has_stays(pairs: list[tuple[str, Side, Side]], key: str) -> bool:
    return any(k == key and (r or c) for k, r, c in pairs)


# --- keys of one shape: audited once, each getting what it would alone ---------

REF_NAMES = (None, "A-1", "B-2")


def _weekly_run(stay: Stay, count: int) -> Side:
    """``stay`` every week, ``count`` times, each a plain stay of its own."""
    return [
        dataclasses.replace(
            stay,
            check_in=stay.check_in + dt.timedelta(weeks=week),
            check_out=stay.check_out + dt.timedelta(weeks=week),
        )
        for week in range(count)
    ]


def _variant(
    items: Side, days: int, refs: dict[str | None, str | None], change: str
) -> Side:
    """The same stays ``days`` later, their references renamed by ``refs``, and
    the first stay's rooms, guests or room type changed (``change``)."""
    out: Side = []
    for index, item in enumerate(items):
        stay = item.first if isinstance(item, Series) else item
        moved = dataclasses.replace(
            stay,
            check_in=stay.check_in + dt.timedelta(days),
            check_out=stay.check_out + dt.timedelta(days),
            ref=refs[stay.ref],
        )
        if index == 0 and change == "rooms":
            moved = dataclasses.replace(moved, rooms=moved.rooms % 3 + 1)
        elif index == 0 and change == "guests":
            moved = dataclasses.replace(moved, guests=2 if moved.guests == 1 else 1)
        elif index == 0 and change == "room_type":
            other = "suite" if moved.room_type != "suite" else "single"
            moved = dataclasses.replace(moved, room_type=other)
        out.append(Series(moved, item.rrule) if isinstance(item, Series) else moved)
    return out


with_runs = st.one_of(
    sides(max_size=3),
    st.builds(_weekly_run, stays(refs=True), st.integers(3, 4)),
)
#: What a variant changes: nothing, a field of its first stay, or its sides
#: (what was requested is confirmed, and the other way round).
CHANGES = ("nothing", "rooms", "guests", "room_type", "swap")


@settings(max_examples=100)
@given(
    st.lists(st.tuples(with_runs, with_runs), min_size=1, max_size=3),
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(-90, 90),
            st.permutations(REF_NAMES),
            st.sampled_from(CHANGES),
            st.booleans(),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_keys_of_one_shape_get_what_each_would_get_alone(
    bases: list[tuple[Side, Side]],
    variants: list[tuple[int, int, list[str | None], str, bool]],
) -> None:
    # The command audits keys alike but for their dates and the names of their
    # references once. Variants of a few keys, moved in time, with their
    # references renamed (which may reorder identical stays) and now and then
    # one field of a stay changed, must each get what the diff of their own
    # stays says.
    pairs: list[tuple[str, Side, Side]] = [
        (f"K{i:02d}", r, c) for i, (r, c) in enumerate(bases)
    ]
    for j, (base, days, names, change, on_requested) in enumerate(variants):
        asked, given = bases[base % len(bases)]
        if change == "swap":
            asked, given = given, asked
        refs = dict(zip(REF_NAMES, names, strict=True))
        asked_change, given_change = (
            (change, "nothing") if on_requested else ("nothing", change)
        )
        pairs.append(
            (
                f"V{j:02d}",
                _variant(asked, days, refs, asked_change),
                _variant(given, days, refs, given_change),
            )
        )
    pairs = [(key, r, c) for key, r, c in pairs if r or c]
    requested = [row for key, r, _ in pairs for row in _csv_rows(key, r)]
    confirmed = [row for key, _, c in pairs for row in _csv_rows(key, c)]
    expected = [result_line(r) for r in check_many(pairs, locale="en")]
    assert _audit(requested, confirmed, "--chunk-size", "4") == expected


def test_the_order_of_references_is_part_of_a_shape() -> None:
    # Identical stays but for their rooms take the rooms confirmed in the order
    # of their references: with 2 rooms for 3, K1's 2-room request (A-1) is
    # served first and the 1-room one is not booked; in K2, the other way round,
    # the 2-room request is partly booked.
    def rows(key: str, refs: tuple[str, str]) -> list[str]:
        return [
            f"{key},2026-03-02,2026-03-04,2,double,,{refs[0]}\n",
            f"{key},2026-03-02,2026-03-04,1,double,,{refs[1]}\n",
        ]

    requested = rows("K1", ("A-1", "B-2")) + rows("K2", ("B-2", "A-1"))
    confirmed = [f"{key},2026-03-02,2026-03-04,2,double,,\n" for key in ("K1", "K2")]
    found = _audit(requested, confirmed)
    assert [r["summary"] for r in found] == [
        "NOT BOOKED: 1 of your 2 requested stays.",
        "PARTLY BOOKED: 1 of your 2 requested stays.",
    ]


def test_counts_a_stay_may_not_have_are_invalid_keys_each_with_its_line() -> None:
    # 20000 rooms are more than a stay may have: neither the first pass (K1 is
    # the same on both sides) nor a shape shared by the three keys may settle
    # them; each key's error names its own line.
    rows = [f"K{i},2026-03-0{i},2026-03-0{i + 2},20000,,,\n" for i in (1, 2, 3)]
    found = _audit(rows, rows[:1])
    assert [(r["key"], r["verdict"]) for r in found] == [
        ("K1", "invalid"),
        ("K2", "invalid"),
        ("K3", "invalid"),
    ]
    lines = [r["error"].split(",")[0].rsplit(" ", 1)[-1] for r in found]
    assert lines == ["2", "3", "4"]


def test_year_0000_is_an_invalid_key_wherever_it_stands() -> None:
    # Polars reads 0000-03-02 as a date; Python has no year 0. Such a key
    # neither takes the result of a 2026 key of its shape, nor is complete
    # when the same on both sides, nor stops the audit: it is invalid.
    requested = [
        "K1,2026-03-02,2026-03-05,1,double,,\n",
        "K2,0000-03-02,0000-03-05,1,double,,\n",
        "K3,0000-03-02,0000-03-05,1,double,,\n",
    ]
    confirmed = [
        "K1,2026-03-02,2026-03-04,1,double,,\n",
        "K2,0000-03-02,0000-03-04,1,double,,\n",
        "K3,0000-03-02,0000-03-05,1,double,,\n",
    ]
    found = _audit(requested, confirmed)
    assert [(r["key"], r["verdict"]) for r in found] == [
        ("K1", "differs"),
        ("K2", "invalid"),
        ("K3", "invalid"),
    ]
    assert "line 3, check_in: 0000-03-02 is not a date" in found[1]["error"]
