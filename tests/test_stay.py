"""Stays and series: validation on construction, and how series expand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from confirmcheck.errors import InputError
from confirmcheck.stay import MAX_OCCURRENCES, Series, Stay, expand

D = dt.date
MON_5_JAN = D(2026, 1, 5)
FRI_9_JAN = D(2026, 1, 9)


def places(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    """Each problem of the error as one ``place: message`` line."""
    return [str(problem) for problem in error.value.problems]


# --- Stay -------------------------------------------------------------------------


def test_a_stay_counts_the_nights_up_to_check_out() -> None:
    stay = Stay(D(2026, 3, 9), D(2026, 3, 13), rooms=2)
    assert stay.nights == 4
    assert stay.room_nights == 8


def test_a_stay_is_an_immutable_value() -> None:
    a = Stay(D(2026, 3, 9), D(2026, 3, 13), room_type="double", ref="A-1")
    b = Stay(D(2026, 3, 9), D(2026, 3, 13), room_type="double", ref="A-1")
    assert a == b
    assert hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.rooms = 2  # type: ignore[misc]


def test_room_type_and_ref_are_stripped_and_room_types_compare_without_case() -> None:
    stay = Stay(D(2026, 3, 9), D(2026, 3, 10), room_type=" Double ", ref=" A-1 ")
    assert stay.room_type == "Double"
    assert stay.ref == "A-1"
    assert stay.room_type_key == "double"
    assert Stay(D(2026, 3, 9), D(2026, 3, 10)).room_type_key is None


@pytest.mark.parametrize("check_out", [D(2026, 3, 9), D(2026, 3, 8)])
def test_check_out_must_be_after_check_in(check_out: dt.date) -> None:
    with pytest.raises(InputError) as error:
        Stay(D(2026, 3, 9), check_out)
    assert places(error) == [
        f"check_out {check_out.isoformat()} is not after check_in 2026-03-09"
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"rooms": 0}, "rooms: must be at least 1, not 0"),
        ({"rooms": -1}, "rooms: must be at least 1, not -1"),
        ({"rooms": True}, "rooms: must be a whole number, not true/false"),
        ({"rooms": 1.0}, "rooms: must be a whole number, not a decimal number"),
        ({"guests": 0}, "guests: must be at least 1, not 0"),
        ({"guests": "2"}, "guests: must be a whole number, not text"),
        ({"room_type": "  "}, "room_type: must not be empty (leave it out instead)"),
        ({"room_type": 2}, "room_type: must be text, not a number"),
        ({"ref": ""}, "ref: must not be empty (leave it out instead)"),
    ],
)
def test_counts_and_texts_are_checked(fields: dict[str, object], expected: str) -> None:
    with pytest.raises(InputError) as error:
        Stay(D(2026, 3, 9), D(2026, 3, 10), **fields)  # type: ignore[arg-type]
    assert places(error) == [expected]


def test_a_stay_counts_nights_so_a_datetime_is_refused() -> None:
    with pytest.raises(InputError) as error:
        Stay(dt.datetime(2026, 3, 9, 15), D(2026, 3, 10))
    assert places(error) == ["check_in: must be a date, not a date and time"]


def test_every_problem_of_a_stay_is_reported_at_once() -> None:
    with pytest.raises(InputError) as error:
        Stay("2026-03-09", D(2026, 3, 10), rooms=0, guests=0)  # type: ignore[arg-type]
    assert places(error) == [
        "check_in: must be a date, not text",
        "rooms: must be at least 1, not 0",
        "guests: must be at least 1, not 0",
    ]
    assert str(error.value) == (
        "check_in: must be a date, not text (and 2 more problems)"
    )


# --- Series -------------------------------------------------------------------------


def week(**fields: object) -> Stay:
    """Monday 5 January 2026 to Friday: the story's first week."""
    return Stay(MON_5_JAN, FRI_9_JAN, **fields)  # type: ignore[arg-type]


def check_ins(series: Series) -> list[dt.date]:
    return [stay.check_in for stay in series.stays]


def test_the_story_series_has_twenty_weeks_monday_to_friday() -> None:
    series = Series(week(room_type="single", guests=1), "FREQ=WEEKLY;COUNT=20")
    assert len(series.stays) == 20
    assert series.stays[9] == Stay(
        D(2026, 3, 9), D(2026, 3, 13), room_type="single", guests=1
    )
    assert series.stays[-1].check_in == D(2026, 5, 18)
    assert all(stay.nights == 4 for stay in series.stays)


def test_every_occurrence_keeps_rooms_room_type_guests_and_ref() -> None:
    first = week(rooms=2, room_type="double", guests=2, ref="AB-1")
    series = Series(first, "FREQ=WEEKLY;COUNT=3")
    assert {
        (s.nights, s.rooms, s.room_type, s.guests, s.ref) for s in series.stays
    } == {(4, 2, "double", 2, "AB-1")}


@pytest.mark.parametrize(
    "until", ["20260126", "20260126T235959Z", "20260126T000000Z", "20260126T120000"]
)
def test_until_is_the_last_possible_check_in_as_a_date_or_a_date_time(
    until: str,
) -> None:
    series = Series(week(), f"FREQ=WEEKLY;UNTIL={until}")
    assert check_ins(series) == [
        D(2026, 1, 5),
        D(2026, 1, 12),
        D(2026, 1, 19),
        D(2026, 1, 26),
    ]


def test_interval_skips_periods() -> None:
    series = Series(week(), "FREQ=WEEKLY;INTERVAL=2;COUNT=3")
    assert check_ins(series) == [D(2026, 1, 5), D(2026, 1, 19), D(2026, 2, 2)]


def test_a_daily_series_monday_to_friday_skips_weekends() -> None:
    one_night = Stay(MON_5_JAN, D(2026, 1, 6))
    series = Series(one_night, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10")
    assert check_ins(series) == [
        D(2026, 1, day) for day in (5, 6, 7, 8, 9, 12, 13, 14, 15, 16)
    ]


def test_exdate_leaves_out_and_rdate_adds_occurrences_in_date_order() -> None:
    series = Series(
        week(),
        "FREQ=WEEKLY;COUNT=4",
        exdate=(D(2026, 1, 19),),
        rdate=(D(2026, 3, 2), D(2025, 12, 29)),
    )
    assert check_ins(series) == [
        D(2025, 12, 29),
        D(2026, 1, 5),
        D(2026, 1, 12),
        D(2026, 1, 26),
        D(2026, 3, 2),
    ]


def test_a_rule_may_start_with_rrule_and_be_in_lower_case() -> None:
    assert check_ins(Series(week(), "RRULE:freq=weekly;count=2")) == [
        D(2026, 1, 5),
        D(2026, 1, 12),
    ]


def test_series_compare_by_value() -> None:
    a = Series(week(), "FREQ=WEEKLY;COUNT=2", exdate=(D(2026, 1, 12),))
    b = Series(week(), "FREQ=WEEKLY;COUNT=2", exdate=[D(2026, 1, 12)] * 2)  # type: ignore[arg-type]
    assert a == b


def test_expand_replaces_each_series_by_its_stays_in_order() -> None:
    single = Stay(D(2026, 2, 1), D(2026, 2, 2))
    series = Series(week(), "FREQ=WEEKLY;COUNT=2")
    assert expand([single, series]) == [single, *series.stays]


def test_a_series_may_have_exactly_the_cap() -> None:
    one_night = Stay(MON_5_JAN, D(2026, 1, 6))
    series = Series(one_night, f"FREQ=DAILY;COUNT={MAX_OCCURRENCES}")
    assert len(series.stays) == MAX_OCCURRENCES


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY", "rrule: the rule never ends; give COUNT or UNTIL to bound it"),
        (
            "FREQ=HOURLY;COUNT=3",
            "rrule: FREQ=HOURLY is finer than DAILY; stays count nights",
        ),
        (
            "FREQ=MINUTELY;COUNT=3",
            "rrule: FREQ=MINUTELY is finer than DAILY; stays count nights",
        ),
        (
            "FREQ=DAILY;BYHOUR=9;COUNT=3",
            "rrule: BYHOUR is finer than a day; stays count nights",
        ),
        ("FREQ=FORTNIGHTLY;COUNT=3", "rrule: FREQ=FORTNIGHTLY is not a frequency"),
        ("COUNT=3", "rrule: FREQ is missing"),
        (
            "FREQ=WEEKLY;COUNT=3;UNTIL=20260601",
            "rrule: COUNT and UNTIL must not both be given",
        ),
        ("FREQ=WEEKLY;COUNT=0", "rrule: COUNT=0 is not a positive number"),
        ("FREQ=WEEKLY;COUNT=-1", "rrule: COUNT=-1 is not a positive number"),
        (
            "FREQ=WEEKLY;COUNT=2;INTERVAL=0",
            "rrule: INTERVAL=0 is not a positive number",
        ),
        ("FREQ=WEEKLY;COUNT=2;COUNT=3", "rrule: COUNT is given twice"),
        ("FREQ=WEEKLY;COUNT=2;COLOR=red", "rrule: COLOR is not an RRULE part"),
        ("FREQ=WEEKLY;COUNT", "rrule: 'COUNT' is not of the form NAME=VALUE"),
        ("FREQ=WEEKLY;UNTIL=2026-06-01", "rrule: UNTIL=2026-06-01 is not a date"),
        (
            f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}",
            f"rrule: COUNT={MAX_OCCURRENCES + 1} is more than the "
            f"{MAX_OCCURRENCES} occurrences a series may have",
        ),
        (
            "FREQ=DAILY;UNTIL=20400101",
            f"rrule: the rule gives more than the {MAX_OCCURRENCES} occurrences "
            "a series may have",
        ),
        (
            "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
            "rrule: the rule does not give the first stay's check_in 2026-01-05 as "
            "its first occurrence; start the series on a day the rule gives",
        ),
        (
            "FREQ=WEEKLY;BYDAY=XX;COUNT=3",
            "rrule: is not a valid RRULE (invalid 'BYDAY': XX)",
        ),
    ],
)
def test_a_rule_that_cannot_be_expanded_is_an_input_error(
    rule: str, expected: str
) -> None:
    with pytest.raises(InputError) as error:
        Series(week(), rule)
    assert places(error) == [expected]


def test_a_rule_that_is_not_text_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        Series(week(), 20)  # type: ignore[arg-type]
    assert places(error) == ["rrule: must be text, not a number"]


def test_an_exdate_that_is_not_an_occurrence_is_an_input_error() -> None:
    with pytest.raises(InputError) as error:
        Series(week(), "FREQ=WEEKLY;COUNT=3", exdate=(D(2026, 1, 12), D(2026, 1, 13)))
    assert places(error) == ["exdate[1]: 2026-01-13 is not an occurrence of the series"]


def test_exdate_and_rdate_hold_dates() -> None:
    with pytest.raises(InputError) as error:
        Series(week(), "FREQ=WEEKLY;COUNT=3", rdate=(dt.datetime(2026, 2, 2),))
    assert places(error) == ["rdate[0]: must be a date, not a date and time"]


@pytest.mark.parametrize("freq", ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
@pytest.mark.parametrize(
    "never",
    ["BYMONTH=2;BYMONTHDAY=30;COUNT=2", "BYMONTH=4;BYMONTHDAY=31;UNTIL=20300101"],
)
def test_a_rule_that_never_matches_fails_fast(freq: str, never: str) -> None:
    # dateutil alone searches such a rule up to the year 9999 (seconds for DAILY);
    # Series bounds the search. Tests never assert timings, so this asserts the
    # refusal and its place; the bounded search is what keeps it quick.
    with pytest.raises(InputError) as error:
        Series(Stay(D(2026, 2, 1), D(2026, 2, 2)), f"FREQ={freq};{never}")
    assert [p.path for p in error.value.problems] == [("rrule",)]


def test_a_series_that_ends_beyond_the_search_horizon_is_refused_not_cut_short() -> (
    None
):
    # Cutting the series at the horizon would silently drop requested stays.
    with pytest.raises(InputError) as error:
        Series(week(), "FREQ=YEARLY;UNTIL=21500105")
    assert places(error) == [
        "rrule: UNTIL=21500105 is more than 100 years after the first stay; "
        "a series must end by 2126-12-31"
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # str.isdigit() is true for "²", which int() refuses.
        ("FREQ=WEEKLY;COUNT=²", "rrule: COUNT=² is not a positive number"),
        ("FREQ=WEEKLY;COUNT=٣", "rrule: COUNT=٣ is not a positive number"),
        (
            "FREQ=WEEKLY;INTERVAL=²;COUNT=2",
            "rrule: INTERVAL=² is not a positive number",
        ),
        ("FREQ=WEEKLY;UNTIL=2026061", "rrule: UNTIL=2026061 is not a date"),
        ("FREQ=WEEKLY;UNTIL=20260601XYZ", "rrule: UNTIL=20260601XYZ is not a date"),
        ("FREQ=WEEKLY;UNTIL=20260231", "rrule: UNTIL=20260231 is not a date"),
    ],
)
def test_rule_numbers_and_dates_are_plain_ascii(rule: str, expected: str) -> None:
    with pytest.raises(InputError) as error:
        Series(week(), rule)
    assert places(error) == [expected]


def test_an_occurrence_that_would_check_out_after_the_last_date_is_an_input_error() -> (
    None
):
    last_night = Stay(D(9999, 12, 30), D(9999, 12, 31))
    with pytest.raises(InputError) as error:
        Series(last_night, "FREQ=DAILY;COUNT=2")
    assert places(error) == [
        "rrule: the stay checking in on 9999-12-31 would check out after 9999-12-31"
    ]
    with pytest.raises(InputError) as error:
        Series(last_night, "FREQ=DAILY;COUNT=1", rdate=(D(9999, 12, 31),))
    assert places(error) == [
        "rdate[0]: the stay checking in on 9999-12-31 would check out after 9999-12-31"
    ]


def test_an_exdate_problem_names_its_place_in_the_input_not_in_sorted_order() -> None:
    with pytest.raises(InputError) as error:
        Series(week(), "FREQ=WEEKLY;COUNT=3", exdate=(D(2026, 1, 13), D(2026, 1, 12)))
    assert places(error) == ["exdate[0]: 2026-01-13 is not an occurrence of the series"]


def test_a_date_in_both_exdate_and_rdate_is_an_input_error() -> None:
    # RFC 5545 would leave it out, the old expansion put it in: asking for both at
    # once is a contradiction the guest must resolve, not confirmcheck.
    with pytest.raises(InputError) as error:
        Series(
            week(),
            "FREQ=WEEKLY;COUNT=3",
            exdate=(D(2026, 1, 12),),
            rdate=(D(2026, 2, 2), D(2026, 1, 12)),
        )
    assert places(error) == ["rdate[1]: 2026-01-12 is also in exdate"]


@pytest.mark.parametrize(
    "rule", ["FREQ=WEEKLY;UNTIL=99991231", "FREQ=WEEKLY;INTERVAL=2;UNTIL=99991231"]
)
def test_a_series_dateutil_cannot_expand_before_9999_ends_is_refused(rule: str) -> None:
    # dateutil works in whole weeks and months and fails past 9999-12-31: that
    # is a refusal of the input, never a ValueError out of the library (a 500).
    with pytest.raises(InputError) as error:
        Series(Stay(D(9990, 1, 28), D(9990, 1, 30)), rule)
    assert [p.path for p in error.value.problems] == [("rrule",)]
