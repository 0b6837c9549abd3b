"""Stays from JSON: one stay, a series, a list of them, or a stays file.

The ``read_*`` functions here take JSON already decoded (lists, dicts, strings
and numbers); :func:`parse_json` is the one that takes text, and decodes it
strictly. Users call :func:`confirmcheck.read_stays`, which decides the format.

A stay is ``{"check_in": "2026-03-09", "check_out": "2026-03-13", "rooms": 1,
"room_type": "double", "guests": 2, "ref": "A-1234"}``; a series adds ``"rrule"``
and optionally ``"exdate"`` and ``"rdate"`` (lists of dates). Unknown fields are
errors: a typo must not silently drop a constraint.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confirmcheck.budget import Budget
from confirmcheck.cancellation import Cancellation
from confirmcheck.errors import InputError, Path, Problem, kind_of
from confirmcheck.flexible import FlexibleStay
from confirmcheck.readers.text import decode_text
from confirmcheck.stay import Series, Stay

__all__ = [
    "StaysFile",
    "hotel_of",
    "parse_json",
    "read_stay",
    "read_stay_list",
    "read_stays_file",
    "refuse_lone_surrogates",
    "room_types_of",
    "stays_schema",
]

STAY_FIELDS = frozenset(
    {"check_in", "check_out", "rooms", "room_type", "guests", "ref"}
)
SERIES_FIELDS = frozenset({"rrule", "exdate", "rdate"})
FILE_FIELDS = frozenset({"stays", "hotel", "timezone", "room_types"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"the key {json.dumps(key)} is given twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _DuplicateKeyError(f"{name} is not a JSON number")


def parse_json(text: str | bytes, *, path: Path = ()) -> Any:
    """Parse JSON strictly: UTF-8, no duplicate keys, no NaN or Infinity, no lone
    surrogates (not even as ``\\ud800`` escapes); every problem names its place."""
    text = decode_text(text, path=path)
    try:
        value = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except _DuplicateKeyError as error:
        raise InputError(str(error), path=path) from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"is not JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            path=path,
        ) from None
    except RecursionError:
        raise InputError("is nested too deeply", path=path) from None
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits
        # (CVE-2020-10735); every other ValueError of json.loads is caught above.
        raise InputError("holds a number with too many digits", path=path) from None
    if _SURROGATE_ESCAPE.search(text) is not None:
        refuse_lone_surrogates(value, path)
    return value


# A JSON escape of half a UTF-16 pair. A pair decodes to one character; a lone
# half stays a surrogate: looked for in the value only when the text has one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def refuse_lone_surrogates(value: Any, path: Path) -> None:
    """An InputError naming the place when decoded JSON holds a lone surrogate,
    in a string or in a key (which is not quoted: it cannot be written)."""
    if isinstance(value, str):
        if not _is_unicode(value):
            raise InputError(
                "holds a lone surrogate (half of a UTF-16 pair)", path=path
            )
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_lone_surrogates(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if not _is_unicode(key):
                # The key itself is not shown: it cannot be written as text.
                raise InputError(
                    "has a key that holds a lone surrogate (half of a UTF-16 pair)",
                    path=path,
                )
            refuse_lone_surrogates(item, (*path, key))


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _date(value: object, path: Path) -> dt.date:
    if type(value) is str and len(value) == 10 and value[4] == "-" == value[7]:
        # The shape of YYYY-MM-DD: fromisoformat reads it (ASCII digits only)
        # or refuses it, and a refusal takes the checks below for its message.
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, str):
        raise InputError(
            f"must be a date (YYYY-MM-DD), not {kind_of(value)}", path=path
        )
    if not _DATE.fullmatch(value):
        raise InputError(f"{value} is not a date (YYYY-MM-DD)", path=path)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value} is not a date", path=path) from None


def _dates(value: object, path: Path) -> tuple[dt.date, ...]:
    if not isinstance(value, list):
        raise InputError(f"must be an array of dates, not {kind_of(value)}", path=path)
    problems: list[Problem] = []
    out: list[dt.date] = []
    for index, item in enumerate(value):
        try:
            out.append(_date(item, (*path, index)))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return tuple(out)


def read_stay(
    value: object, *, path: Path = (), budget: Budget | None = None
) -> Stay | Series:
    """One stay or series from a decoded JSON object; errors name ``path``.

    ``null`` for an optional field means the same as leaving it out. The stays
    (and a series' search) are drawn from ``budget``, the input's.
    """
    budget = budget or Budget()
    if not isinstance(value, dict):
        raise InputError(f"must be an object (a stay), not {kind_of(value)}", path=path)
    if value.keys() <= STAY_FIELDS and "check_in" in value and "check_out" in value:
        # A stay of known fields, as most are: made directly. Whatever is wrong
        # with it is reported by the full reading below.
        try:
            stay = Stay(
                _date(value["check_in"], ()),
                _date(value["check_out"], ()),
                rooms=1 if value.get("rooms") is None else value["rooms"],
                room_type=value.get("room_type"),
                guests=value.get("guests"),
                ref=value.get("ref"),
            )
        except InputError:
            pass
        else:
            _take_stay(budget, path)
            return stay
    problems: list[Problem] = []
    for key in value:
        if key not in STAY_FIELDS and key not in SERIES_FIELDS:
            known = ", ".join(sorted(STAY_FIELDS | SERIES_FIELDS))
            problems.append(
                Problem((*path, key), f"is not a field of a stay (known: {known})")
            )
    fields: dict[str, Any] = {}
    for key in ("check_in", "check_out"):
        if key not in value:
            problems.append(Problem((*path, key), "is missing"))
            continue
        try:
            fields[key] = _date(value[key], (*path, key))
        except InputError as error:
            problems.extend(error.problems)
    # Only explicit fields are passed on: null means "not given" for the optional
    # ones, which is what leaving them out means too.
    for key in ("rooms", "room_type", "guests", "ref"):
        if value.get(key) is not None:
            fields[key] = value[key]
    series: dict[str, Any] = {}
    for key in ("exdate", "rdate"):
        if value.get(key) is not None:
            if value.get("rrule") is None:
                problems.append(Problem((*path, key), "needs an rrule"))
                continue
            try:
                series[key] = _dates(value[key], (*path, key))
            except InputError as error:
                problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    if "check_in" not in fields or "check_out" not in fields:
        raise InputError(problems)  # pragma: no cover - reported above
    try:
        first = Stay(
            fields["check_in"],
            fields["check_out"],
            **{k: v for k, v in fields.items() if k not in ("check_in", "check_out")},
        )
        if value.get("rrule") is None:
            _take_stay(budget, path)
            return first
        return Series(first, value["rrule"], **series, budget=budget)
    except InputError as error:
        raise error.under(path) from None


def _take_stay(budget: Budget, path: Path) -> None:
    try:
        budget.take_stays(1)
    except InputError as error:
        raise error.under(path) from None


def read_stay_list(
    value: object, *, path: Path = (), budget: Budget | None = None
) -> list[Stay | Series]:
    """Stays from a decoded JSON array; every problem in it is reported at once.
    Its stays and its rules' search are drawn from ``budget``, the input's."""
    budget = budget or Budget()
    if not isinstance(value, list):
        raise InputError(f"must be an array of stays, not {kind_of(value)}", path=path)
    out: list[Stay | Series] = []
    errors: list[InputError] = []
    for index, item in enumerate(value):
        try:
            out.append(read_stay(item, path=(*path, index), budget=budget))
        except InputError as error:
            errors.append(error)
    collected = InputError.collect(errors)
    if collected is not None:
        raise collected
    return out


class StaysFile:
    """What a stays file holds: the stays, and the hotel's name and time zone.

    Formats that carry more than stays fill in the rest: ``room_types`` (the
    hotel's code -> {language: display name}; ``""`` for a name whose language
    the message does not say), ``cancelled`` reservations (which add no nights),
    ``flexible`` requests ("4 nights arriving between 3 and 8 Oct"), and
    ``is_request``: the file says it is a guest's request (AlpineBits'
    ``ResStatus="Requested"``), so it cannot stand for a confirmation.
    """

    __slots__ = (
        "cancelled",
        "flexible",
        "hotel",
        "is_request",
        "room_types",
        "stays",
        "timezone",
    )

    def __init__(
        self,
        stays: Sequence[Stay | Series],
        *,
        hotel: str | None = None,
        timezone: str | None = None,
        room_types: Mapping[str, Mapping[str, str]] | None = None,
        cancelled: Sequence[Cancellation] = (),
        flexible: Sequence[FlexibleStay] = (),
        is_request: bool = False,
    ) -> None:
        self.stays: tuple[Stay | Series, ...] = tuple(stays)
        self.hotel = hotel
        self.timezone = timezone
        self.room_types: dict[str, dict[str, str]] = {
            code: dict(names) for code, names in (room_types or {}).items()
        }
        self.cancelled: tuple[Cancellation, ...] = tuple(cancelled)
        self.flexible: tuple[FlexibleStay, ...] = tuple(flexible)
        self.is_request = is_request

    def _fields(self) -> tuple[object, ...]:
        return (
            self.stays,
            self.hotel,
            self.timezone,
            self.room_types,
            self.cancelled,
            self.flexible,
            self.is_request,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StaysFile):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        extra = "".join(
            f", {name}={len(value)}"
            for name, value in (
                ("room_types", self.room_types),
                ("cancelled", self.cancelled),
                ("flexible", self.flexible),
            )
            if value
        )
        return (
            f"StaysFile({len(self.stays)} stays, hotel={self.hotel!r}, "
            f"timezone={self.timezone!r}{extra})"
        )


def hotel_of(requested: StaysFile, confirmed: StaysFile) -> str | None:
    """The hotel's name, as either side gives it: the confirming side knows it
    best (it names the calendar's events, so the same input gives the same UIDs
    wherever it is checked)."""
    return confirmed.hotel or requested.hotel


def room_types_of(
    requested: StaysFile, confirmed: StaysFile
) -> dict[str, dict[str, str]]:
    """The hotel's names of its rooms, whichever side gives them: the confirming
    side's (the hotel's own) win."""
    return {**requested.room_types, **confirmed.room_types}


def read_stays_file(
    value: object, *, path: Path = (), budget: Budget | None = None
) -> StaysFile:
    """A stays file from decoded JSON: an array of stays, or an object with
    ``stays`` (and optionally ``hotel`` and ``timezone``, an IANA name)."""
    if isinstance(value, list):
        return StaysFile(read_stay_list(value, path=path, budget=budget))
    if not isinstance(value, dict):
        raise InputError(
            f"must be an array of stays or an object with stays, not {kind_of(value)}",
            path=path,
        )
    problems: list[Problem] = [
        Problem(
            (*path, key),
            "is not a field of a stays file (known: "
            + ", ".join(sorted(FILE_FIELDS))
            + ")",
        )
        for key in value
        if key not in FILE_FIELDS
    ]
    if "stays" not in value:
        problems.append(Problem((*path, "stays"), "is missing"))
    hotel = value.get("hotel")
    if hotel is not None and not (isinstance(hotel, str) and hotel.strip()):
        problems.append(Problem((*path, "hotel"), "must be a name (text)"))
    timezone = value.get("timezone")
    if timezone is not None:
        if not isinstance(timezone, str):
            problems.append(
                Problem((*path, "timezone"), "must be an IANA time zone name")
            )
        else:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                problems.append(
                    Problem((*path, "timezone"), f"{timezone} is not an IANA time zone")
                )
    room_types = _room_types(value.get("room_types"), (*path, "room_types"), problems)
    stays: list[Stay | Series] = []
    if "stays" in value:
        try:
            stays = read_stay_list(value["stays"], path=(*path, "stays"), budget=budget)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return StaysFile(
        stays,
        hotel=hotel.strip() if hotel else None,
        timezone=timezone,
        room_types=room_types,
    )


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def _room_types(
    value: object, path: Path, problems: list[Problem]
) -> dict[str, dict[str, str]]:
    """``{"EZ": {"de": "Einzelzimmer", "en": "Single room"}}``: the hotel's
    names of its room codes, per language; problems are added to ``problems``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(
            Problem(path, f"must be an object of room codes, not {kind_of(value)}")
        )
        return {}
    out: dict[str, dict[str, str]] = {}
    for code, names in value.items():
        if not code.strip():
            problems.append(Problem((*path, code), "a room code must not be empty"))
            continue
        if not isinstance(names, dict):
            problems.append(
                Problem(
                    (*path, code),
                    f"must be an object of names by language, not {kind_of(names)}",
                )
            )
            continue
        for language, name in names.items():
            if not _LANGUAGE.fullmatch(language):
                problems.append(
                    Problem((*path, code, language), "is not a language tag")
                )
            elif not isinstance(name, str) or not name.strip():
                problems.append(
                    Problem((*path, code, language), "must be a name (text)")
                )
        out[code.strip()] = {
            language: name.strip()
            for language, name in names.items()
            if isinstance(name, str)
        }
    return out


def stays_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a stays document, version 1.

    What the reader refuses beyond it (dates that do not exist, a check-out not
    after its check-in, rules that cannot be expanded, ...) is listed in its
    ``description``. A fresh copy on every call.
    """
    from importlib.resources import files

    text = files("confirmcheck").joinpath("schema", "stays-v1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
