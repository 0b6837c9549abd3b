"""check_many: the audit of N keys is N independent diffs, lazily and in order;
and the command's columnar first pass finds what the diff finds, key by key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterator
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
from tests.strategies import sides

Side = list[Stay | Series]
WEEK = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))


def expected_verdict(requested: Side, confirmed: Side) -> Verdict:
    report = diff(requested, confirmed)
    if report.complete:
        return Verdict.COMPLETE
    if not report.stays:
        return Verdict.ONLY_CONFIRMED
    if not confirmed:
        return Verdict.ONLY_REQUESTED
    return Verdict.DIFFERS


@given(st.lists(st.tuples(sides(max_size=3), sides(max_size=3)), max_size=6))
def test_the_audit_of_n_keys_is_n_independent_diffs(
    pairs: list[tuple[Side, Side]],
) -> None:
    keyed: list[Pair] = [(f"K{i}", r, c) for i, (r, c) in enumerate(pairs)]
    results = list(check_many(keyed, locale="de"))
    assert [r.key for r in results] == [key for key, _, _ in keyed]
    for result, (requested, confirmed) in zip(results, pairs, strict=True):
        report = diff(requested, confirmed)
        assert result.report == report
        assert result.verdict is expected_verdict(requested, confirmed)
        assert result.headline == summarize(report, locale="de").verdict
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


@given(sides(max_size=4), sides(max_size=4), st.integers(1, 400))
def test_the_summary_headline_says_what_the_totals_say(
    requested: Side, confirmed: Side, days: int
) -> None:
    # check_many writes a headline once per totals: reports with the same totals
    # (here: other dates, one room type for all) must get the same first paragraph.
    report = diff(requested, confirmed)
    other = diff(_moved(requested, days, "loft"), _moved(confirmed, days, "loft"))
    for locale in ("en", "de"):
        if other.totals == report.totals:
            assert (
                summarize(other, locale=locale).verdict
                == summarize(report, locale=locale).verdict
            )


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
