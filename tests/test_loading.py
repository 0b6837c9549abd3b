"""Reading stays from JSON: what is accepted, and the place of every problem."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from confirmcheck.errors import InputError
from confirmcheck.readers import hotel_of, load_stays, read_stays, room_types_of
from confirmcheck.stay import MAX_OCCURRENCES, Series, Stay

D = dt.date
GOOD = {"check_in": "2026-03-09", "check_out": "2026-03-13"}


def problems_of(text: str | bytes, side: str = "requested") -> list[str]:
    """The problems loading ``text`` as one side of a check gives, one line each."""
    with pytest.raises(InputError) as error:
        read_stays(text, path=(side,))
    return [str(problem) for problem in error.value.problems]


def stays_json(*stays: object) -> str:
    return json.dumps(list(stays))


# --- What is accepted -----------------------------------------------------------


def test_a_stay_with_every_field() -> None:
    text = stays_json(
        {
            "check_in": "2026-03-09",
            "check_out": "2026-03-13",
            "rooms": 2,
            "room_type": "double",
            "guests": 2,
            "ref": "A-1234",
        }
    )
    assert read_stays(text).stays == (
        Stay(
            D(2026, 3, 9),
            D(2026, 3, 13),
            rooms=2,
            room_type="double",
            guests=2,
            ref="A-1234",
        ),
    )


def test_null_optional_fields_mean_not_given() -> None:
    text = stays_json({**GOOD, "room_type": None, "guests": None, "ref": None})
    assert read_stays(text).stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)


def test_a_stays_file_may_be_an_object_with_hotel_and_time_zone() -> None:
    text = json.dumps(
        {"hotel": " Hotel Alpenblick ", "timezone": "Europe/Vienna", "stays": [GOOD]}
    )
    loaded = read_stays(text.encode())
    assert loaded.stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)
    assert (loaded.hotel, loaded.timezone) == ("Hotel Alpenblick", "Europe/Vienna")


def test_a_series_with_exdate_and_rdate() -> None:
    text = stays_json(
        {
            "check_in": "2026-01-05",
            "check_out": "2026-01-09",
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "exdate": ["2026-01-12"],
            "rdate": ["2026-02-02"],
        }
    )
    (series,) = read_stays(text).stays
    assert isinstance(series, Series)
    assert [s.check_in for s in series.stays] == [
        D(2026, 1, 5),
        D(2026, 1, 19),
        D(2026, 2, 2),
    ]


def test_utf8_with_a_byte_order_mark_is_read() -> None:
    text = b"\xef\xbb\xbf" + stays_json(GOOD).encode()
    assert len(read_stays(text).stays) == 1


def test_an_empty_array_is_no_stays() -> None:
    assert read_stays("[]").stays == ()
    assert read_stays('{"stays": []}').stays == ()


#: Every document the tests above read, decoded (the schema tests use them too).
ACCEPTED: list[object] = [
    [
        {
            "check_in": "2026-03-09",
            "check_out": "2026-03-13",
            "rooms": 2,
            "room_type": "double",
            "guests": 2,
            "ref": "A-1234",
        }
    ],
    [{**GOOD, "room_type": None, "guests": None, "ref": None}],
    {"hotel": " Hotel Alpenblick ", "timezone": "Europe/Vienna", "stays": [GOOD]},
    [
        {
            "check_in": "2026-01-05",
            "check_out": "2026-01-09",
            "rrule": "FREQ=WEEKLY;COUNT=3",
            "exdate": ["2026-01-12"],
            "rdate": ["2026-02-02"],
        }
    ],
    [GOOD],
    [],
    {"stays": []},
]


@pytest.mark.parametrize("document", ACCEPTED)
def test_every_accepted_document_is_read(document: object) -> None:
    assert read_stays(document) == read_stays(json.dumps(document))


# --- Problems in a stay -----------------------------------------------------------


def test_a_date_that_does_not_exist_names_its_stay_and_field() -> None:
    text = stays_json(GOOD, GOOD, GOOD, {**GOOD, "check_out": "2026-02-30"})
    assert problems_of(text) == ["requested[3].check_out: 2026-02-30 is not a date"]


def test_check_out_not_after_check_in_names_the_stay() -> None:
    text = stays_json({"check_in": "2026-03-09", "check_out": "2026-03-09"})
    assert problems_of(text, "confirmed") == [
        "confirmed[0]: check_out 2026-03-09 is not after check_in 2026-03-09"
    ]


def test_problems_are_also_json_pointers() -> None:
    text = stays_json(GOOD, {**GOOD, "check_out": "2026-02-30"})
    with pytest.raises(InputError) as error:
        read_stays(text, path=("requested",))
    assert [p.pointer for p in error.value.problems] == ["/requested/1/check_out"]


KNOWN = "check_in, check_out, exdate, guests, rdate, ref, room_type, rooms, rrule"


MALFORMED_STAYS = [
    (
        {**GOOD, "room": "double"},
        f"requested[0].room: is not a field of a stay (known: {KNOWN})",
    ),
    (
        {**GOOD, "Rooms": 2},
        f"requested[0].Rooms: is not a field of a stay (known: {KNOWN})",
    ),
    ({"check_out": "2026-03-13"}, "requested[0].check_in: is missing"),
    (
        {**GOOD, "check_in": 20260309},
        "requested[0].check_in: must be a date (YYYY-MM-DD), not a number",
    ),
    (
        {**GOOD, "check_in": None},
        "requested[0].check_in: must be a date (YYYY-MM-DD), not null",
    ),
    (
        {**GOOD, "check_in": "9 March 2026"},
        "requested[0].check_in: 9 March 2026 is not a date (YYYY-MM-DD)",
    ),
    (
        {**GOOD, "check_in": "2026-3-9"},
        "requested[0].check_in: 2026-3-9 is not a date (YYYY-MM-DD)",
    ),
    (
        {**GOOD, "check_in": "2026-03-09T15:00"},
        "requested[0].check_in: 2026-03-09T15:00 is not a date (YYYY-MM-DD)",
    ),
    (
        {**GOOD, "check_in": "20260309"},
        "requested[0].check_in: 20260309 is not a date (YYYY-MM-DD)",
    ),
    (
        {**GOOD, "check_in": "٢٠٢٦-٠٣-٠٩"},
        "requested[0].check_in: ٢٠٢٦-٠٣-٠٩ is not a date",
    ),
    ({**GOOD, "rooms": 0}, "requested[0].rooms: must be at least 1, not 0"),
    (
        {**GOOD, "rooms": "2"},
        "requested[0].rooms: must be a whole number, not text",
    ),
    (
        {**GOOD, "rooms": True},
        "requested[0].rooms: must be a whole number, not true/false",
    ),
    (
        {**GOOD, "rooms": 2.0},
        "requested[0].rooms: must be a whole number, not a decimal number",
    ),
    (
        {**GOOD, "guests": 1.5},
        "requested[0].guests: must be a whole number, not a decimal number",
    ),
    (
        {**GOOD, "room_type": ""},
        "requested[0].room_type: must not be empty (leave it out instead)",
    ),
    ({**GOOD, "ref": 1234}, "requested[0].ref: must be text, not a number"),
    (
        {**GOOD, "exdate": ["2026-03-09"]},
        "requested[0].exdate: needs an rrule",
    ),
]


@pytest.mark.parametrize(
    ("stay", "expected"),
    MALFORMED_STAYS,
)
def test_a_malformed_stay_names_the_field(stay: object, expected: str) -> None:
    assert problems_of(stays_json(stay)) == [expected]


MALFORMED_FILES = [
    ([["2026-03-09", "2026-03-13"]], "requested[0]: must be an object (a stay)"),
    ("stays", "requested: must be an array of stays or an object with stays"),
    ({"stays": {}}, "requested.stays: must be an array of stays, not an object"),
    ({}, "requested.stays: is missing"),
    ({"stays": [], "hotel": 5}, "requested.hotel: must be a name (text)"),
    (
        {"stays": [], "timezone": "Mars/Olympus"},
        "requested.timezone: Mars/Olympus is not an IANA time zone",
    ),
    (
        {"stays": [], "guest": "Mr X"},
        "requested.guest: is not a field of a stays file",
    ),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    MALFORMED_FILES,
)
def test_a_malformed_file_names_the_place(value: object, expected: str) -> None:
    (problem,) = problems_of(json.dumps(value))
    assert problem.startswith(expected)


def test_a_single_stay_instead_of_a_list_is_read_as_a_stays_file() -> None:
    assert problems_of(json.dumps(GOOD)) == [
        "requested.check_in: is not a field of a stays file (known: hotel, "
        "room_types, stays, timezone)",
        "requested.check_out: is not a field of a stays file (known: hotel, "
        "room_types, stays, timezone)",
        "requested.stays: is missing",
    ]


def test_every_problem_is_reported_at_once() -> None:
    text = stays_json(
        {**GOOD, "rooms": 0}, GOOD, {"check_in": "2026-03-09", "check_out": "x"}
    )
    with pytest.raises(InputError) as error:
        read_stays(text, path=("requested",))
    assert [str(p) for p in error.value.problems] == [
        "requested[0].rooms: must be at least 1, not 0",
        "requested[2].check_out: x is not a date (YYYY-MM-DD)",
    ]
    assert str(error.value) == (
        "requested[0].rooms: must be at least 1, not 0 (and 1 more problem)"
    )


# --- Problems in the JSON itself ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[{"check_in": "2026-03-09", "check_in": "2026-03-10", '
            '"check_out": "2026-03-13"}]',
            'requested: the key "check_in" is given twice',
        ),
        (
            '[{"check_in": "2026-03-09", "check_out": "2026-03-13", "rooms": NaN}]',
            "requested: NaN is not a JSON number",
        ),
        (
            '[{"check_in": "2026-03-09", "check_out": "2026-03-13", '
            '"rooms": Infinity}]',
            "requested: Infinity is not a JSON number",
        ),
        ("[", "requested: is not JSON: Expecting value (line 1, column 2)"),
        ("", "requested: is neither JSON nor an iCalendar file: it is empty"),
        (
            '[{"check_in": "2026-03-09",}]',
            "requested: is not JSON: Expecting property name enclosed in double "
            "quotes (line 1, column 28)",
        ),
        ("[" * 100_000 + "]" * 100_000, "requested: is nested too deeply"),
    ],
)
def test_malformed_json_is_an_input_error(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


@pytest.mark.parametrize("field", ["rooms", "room_type", "guests", "ref", "rrule"])
def test_null_for_an_optional_field_is_leaving_it_out(field: str) -> None:
    # Issue 11, item 21: "rooms": null (and rrule, exdate, rdate) was refused
    # with "must be a whole number, not NoneType" although the README says null
    # means leaving the field out.
    assert read_stays([{**GOOD, field: None}]) == read_stays([GOOD])
    assert read_stays([{**GOOD, "exdate": None, "rdate": None}]) == read_stays([GOOD])


def test_invalid_utf8_is_an_input_error() -> None:
    text = json.dumps([{**GOOD, "ref": "Müller"}], ensure_ascii=False)
    assert problems_of(text.encode("latin-1")) == [
        "requested: is not UTF-8 text (line 1, column 65: invalid start byte)"
    ]


def test_a_number_too_long_to_read_is_an_input_error() -> None:
    # Python refuses to convert integers of more than 4300 digits (CVE-2020-10735).
    text = stays_json(GOOD).replace(
        '"2026-03-13"', '"2026-03-13", "rooms": ' + "1" * 5000
    )
    assert problems_of(text) == ["requested: holds a number with too many digits"]


# --- Problems in a series ---------------------------------------------------------


def series_json(rule: object, **fields: object) -> str:
    return stays_json(
        {"check_in": "2026-01-05", "check_out": "2026-01-09", "rrule": rule, **fields}
    )


BAD_RULES = [
    (
        "FREQ=WEEKLY",
        "requested[0].rrule: the rule never ends; give COUNT or UNTIL to bound it",
    ),
    (
        "FREQ=HOURLY;COUNT=5",
        "requested[0].rrule: FREQ=HOURLY is finer than DAILY; stays count nights",
    ),
    (
        "FREQ=DAILY;BYHOUR=8;COUNT=5",
        "requested[0].rrule: BYHOUR is finer than a day; stays count nights",
    ),
    (
        f"FREQ=DAILY;COUNT={MAX_OCCURRENCES + 1}",
        f"requested[0].rrule: COUNT={MAX_OCCURRENCES + 1} is more than the "
        f"{MAX_OCCURRENCES} occurrences a series may have",
    ),
    (
        "FREQ=WEEKLY;BYDAY=WE;COUNT=5",
        "requested[0].rrule: the rule does not give the first stay's check_in "
        "2026-01-05 as its first occurrence; start the series on a day the rule "
        "gives",
    ),
    (20, "requested[0].rrule: must be text, not a number"),
]


@pytest.mark.parametrize(
    ("rule", "expected"),
    BAD_RULES,
)
def test_a_series_that_cannot_be_expanded_names_its_rule(
    rule: object, expected: str
) -> None:
    assert problems_of(series_json(rule)) == [expected]


def test_a_rule_that_never_matches_is_an_input_error() -> None:
    text = stays_json(
        {
            "check_in": "2026-02-01",
            "check_out": "2026-02-02",
            "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2",
        }
    )
    (problem,) = problems_of(text)
    assert problem.startswith("requested[0].rrule: ")


BAD_SERIES_DATES: list[tuple[dict[str, object], str]] = [
    (
        {"exdate": ["2026-01-12", "2026-01-13"]},
        "requested[0].exdate[1]: 2026-01-13 is not an occurrence of the series",
    ),
    (
        {"exdate": ["2026-01-12", "13 Jan 2026"]},
        "requested[0].exdate[1]: 13 Jan 2026 is not a date (YYYY-MM-DD)",
    ),
    (
        {"rdate": "2026-02-02"},
        "requested[0].rdate: must be an array of dates, not text",
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    BAD_SERIES_DATES,
)
def test_exdate_and_rdate_problems_name_the_date(
    fields: dict[str, object], expected: str
) -> None:
    assert problems_of(series_json("FREQ=WEEKLY;COUNT=3", **fields)) == [expected]


def test_decoded_json_is_read_as_it_is() -> None:
    assert read_stays([GOOD]).stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)


def test_a_decoded_stays_object_is_read_as_it_is() -> None:
    loaded = read_stays({"stays": [GOOD], "hotel": "Alpenblick"})
    assert loaded.stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)
    assert loaded.hotel == "Alpenblick"


# --- Recognising the format ---------------------------------------------------

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:one\r\n"
    "DTSTART;VALUE=DATE:20260309\r\nDTEND;VALUE=DATE:20260313\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.mark.parametrize(
    "data", [CALENDAR, CALENDAR.encode(), b"\xef\xbb\xbf" + CALENDAR.encode()]
)
def test_icalendar_text_or_bytes_is_read_as_a_calendar(data: str | bytes) -> None:
    loaded = read_stays(data, timezone="Europe/Vienna")
    assert loaded.stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)
    assert loaded.timezone == "Europe/Vienna"


def test_calendar_problems_are_named_under_the_path() -> None:
    broken = CALENDAR.replace("20260313", "20260301")
    (problem,) = problems_of(broken)
    assert problem == (
        "requested: line 7, UID one: DTEND 2026-03-01 is before DTSTART 2026-03-09"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
            "requested: is neither JSON nor an iCalendar file: it starts with "
            "'BEGIN:VEVENT'; a calendar starts with BEGIN:VCALENDAR",
        ),
        (
            "check_in,check_out\n2026-03-09,2026-03-13\n",
            "requested: is neither JSON nor an iCalendar file: it starts with "
            "'check_in,check_out'; JSON stays start with [ or {, a calendar with "
            "BEGIN:VCALENDAR",
        ),
        (" \n\t", "requested: is neither JSON nor an iCalendar file: it is empty"),
    ],
)
def test_a_file_in_no_known_format_says_what_it_starts_with(
    text: str, expected: str
) -> None:
    assert problems_of(text) == [expected]
    assert problems_of(text.encode()) == [expected]


@pytest.mark.parametrize(("value", "kind"), [(5, "a number"), (None, "null")])
def test_a_value_that_is_no_document_is_an_input_error(
    value: object, kind: str
) -> None:
    with pytest.raises(InputError) as error:
        read_stays(value, path=("requested",))
    assert str(error.value) == (
        "requested: must be an array of stays, an object with stays, or the text "
        f"of a JSON or iCalendar file, not {kind}"
    )


@pytest.mark.parametrize(
    "value",
    [[GOOD] * 3, {"stays": [GOOD] * 3}, json.dumps([GOOD] * 3)],
    ids=["array", "object", "text"],
)
def test_max_entries_is_checked_before_the_stays_are_read(value: object) -> None:
    bad = [{"check_in": "x"}] * 3  # would give three problems if it were read
    value = value if not isinstance(value, list) else bad
    with pytest.raises(InputError) as error:
        read_stays(value, max_entries=2, path=("requested",))
    assert str(error.value) == "requested: has 3 entries; at most 2 are accepted"
    assert len(read_stays([GOOD] * 2, max_entries=2).stays) == 2


def test_load_stays_reads_a_json_file(tmp_path: Path) -> None:
    file = tmp_path / "requested.json"
    file.write_text(stays_json(GOOD))
    assert load_stays(file).stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)
    assert load_stays(str(file)) == load_stays(file)


def test_load_stays_reads_a_calendar_whatever_it_is_called(tmp_path: Path) -> None:
    file = tmp_path / "requested.json"
    file.write_text(CALENDAR)
    assert load_stays(file).stays == (Stay(D(2026, 3, 9), D(2026, 3, 13)),)


def test_load_stays_names_the_file_in_its_problems(tmp_path: Path) -> None:
    file = tmp_path / "requested.json"
    file.write_text(stays_json(GOOD, {**GOOD, "check_out": "2026-02-30"}))
    with pytest.raises(InputError) as error:
        load_stays(file)
    assert str(error.value) == f"{file}[1].check_out: 2026-02-30 is not a date"


def test_load_stays_leaves_a_missing_file_to_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_stays(tmp_path / "missing.json")


def test_a_stays_file_gives_the_hotels_names_of_its_room_types() -> None:
    names = {"EZ": {"de": "Einzelzimmer", "en": "Single room", "de-AT": "Einbett"}}
    read = read_stays(json.dumps({"room_types": names, "stays": []}))
    assert read.room_types == names
    assert read_stays(json.dumps({"stays": []})).room_types == {}


@pytest.mark.parametrize(
    ("room_types", "expected"),
    [
        (["EZ"], "requested.room_types: must be an object of room codes, not"),
        ({"EZ": "Einzelzimmer"}, "requested.room_types.EZ: must be an object of"),
        ({"EZ": {"deutsch!": "x"}}, "requested.room_types.EZ.deutsch!: is not a"),
        ({"EZ": {"de": ""}}, "requested.room_types.EZ.de: must be a name (text)"),
        ({"EZ": {"de": 3}}, "requested.room_types.EZ.de: must be a name (text)"),
        ({" ": {"de": "x"}}, "requested.room_types. : a room code must not be empty"),
    ],
)
def test_malformed_room_types_name_their_place(
    room_types: object, expected: str
) -> None:
    (problem,) = problems_of(json.dumps({"room_types": room_types, "stays": []}))
    assert problem.startswith(expected)


def test_the_confirming_side_names_the_hotel_and_its_rooms_first() -> None:
    # What every output (check, attach, the webhook, the preview, the relay)
    # takes of the two sides: the hotel's name, and the names of its rooms.
    requested = read_stays(
        {
            "hotel": "Alpenblick (booking engine)",
            "room_types": {"EZ": {"de": "EZ"}, "DZ": {"de": "Doppelzimmer"}},
            "stays": [],
        }
    )
    confirmed = read_stays(
        {
            "hotel": "Hotel Alpenblick",
            "room_types": {"EZ": {"de": "Einzelzimmer"}},
            "stays": [],
        }
    )
    nameless = read_stays({"stays": []})
    assert hotel_of(requested, confirmed) == "Hotel Alpenblick"
    assert hotel_of(requested, nameless) == "Alpenblick (booking engine)"
    assert room_types_of(requested, confirmed) == {
        "EZ": {"de": "Einzelzimmer"},
        "DZ": {"de": "Doppelzimmer"},
    }
