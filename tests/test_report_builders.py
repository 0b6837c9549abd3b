"""The fast builders the diff uses give exactly the values the dataclasses give."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from typing import Any

import pytest

from confirmcheck.report import (
    Range,
    Report,
    Status,
    StayResult,
    Totals,
    new_range,
    new_report,
    new_stay_result,
    new_totals,
)

D1 = dt.date(2026, 3, 9)
D2 = dt.date(2026, 3, 13)


@pytest.mark.parametrize(
    "args",
    [
        (1, D1, D2, 1, "double", 2),
        (None, D1, D2, 3, None, None),
        (7, D1, D2, 2),
    ],
)
def test_new_range_is_a_range(args: tuple[object, ...]) -> None:
    built = new_range(*args)  # type: ignore[arg-type]
    usual = Range(*args)  # type: ignore[arg-type]
    assert type(built) is Range
    assert built == usual
    assert hash(built) == hash(usual)
    assert repr(built) == repr(usual)
    assert dataclasses.astuple(built) == dataclasses.astuple(usual)
    assert pickle.loads(pickle.dumps(built)) == usual
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.rooms = 5  # type: ignore[misc]


def test_new_stay_result_is_a_stay_result() -> None:
    args = (3, D1, D2, 2, "single", 1, "AB-4711", Status.PARTLY_BOOKED)
    built = new_stay_result(*args)
    usual = StayResult(*args)
    assert type(built) is StayResult
    assert built == usual
    assert hash(built) == hash(usual)
    assert repr(built) == repr(usual)
    assert built.nights == 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.status = Status.BOOKED  # type: ignore[misc]


def test_new_report_is_a_report_with_the_totals_given() -> None:
    stays = (new_stay_result(1, D1, D2, 2, None, None, None, Status.BOOKED),)
    booked = (new_range(1, D1, D2, 2),)
    usual = Report(stays=stays, booked=booked)
    totals = new_totals(*dataclasses.astuple(usual.totals))
    assert type(totals) is Totals
    assert totals == usual.totals
    built = new_report(stays, booked, (), (), (), totals)
    assert type(built) is Report
    assert built == usual
    assert built.totals == usual.totals
    assert repr(built) == repr(usual)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.booked = ()  # type: ignore[misc]


@pytest.mark.parametrize("cls", [Range, StayResult, Totals, Report])
def test_builders_set_every_field(cls: type) -> None:
    # A field added to the dataclass must be added to its builder too.
    builder: Any = {
        Range: new_range,
        StayResult: new_stay_result,
        Totals: new_totals,
        Report: new_report,
    }[cls]
    code = builder.__init__.__code__
    parameters = code.co_varnames[1 : code.co_argcount]
    assert parameters == tuple(f.name for f in dataclasses.fields(cls))
    assert builder.__slots__ == vars(cls)["__slots__"]
