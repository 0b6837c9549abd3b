"""One audit record -- a CSV row or a JSON Lines line -- read into stays.

A plain record's stay (see :mod:`confirmcheck.bulk.work`) is made from the values
Polars read; any other record is read from its text, with the checks of
:mod:`confirmcheck.stay` and the JSON reader. Every problem is an
:class:`~confirmcheck.errors.InputError` naming the field, and :func:`placed`
puts the file and line in front of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from confirmcheck.bulk.sources import CSV_FIELDS
from confirmcheck.errors import InputError, Problem
from confirmcheck.readers.json import parse_json, read_stay, read_stays_file
from confirmcheck.stay import Series, Stay

__all__ = ["placed", "stays_of"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_NUMBER = re.compile(r"[0-9]+")


def stays_of(record: Sequence[Any], key: str) -> list[Stay | Series]:
    """The stays of one record: a CSV row (made from the values Polars read when
    it is plain, else read from its text), or a JSON Lines line."""
    *texts, json_line, plain, check_in, check_out, rooms, guests = record
    fields = dict(zip(CSV_FIELDS, texts, strict=True))
    if plain:
        stay = Stay(
            check_in,
            check_out,
            rooms=1 if rooms is None else rooms,
            room_type=fields["room_type"],
            guests=guests,
            ref=fields["ref"],
        )
        return [stay]
    if json_line is not None:
        return _json_stays(json_line, key)
    return [_csv_stay(fields)]


def placed(problem: Problem, place: str) -> Problem:
    """The problem with its file and line: ``requested.csv line 12, rooms: ...``."""
    if problem.path:
        return Problem((), f"{place}, {problem.place}: {problem.message}")
    return Problem((), f"{place}: {problem.message}")


def _json_stays(record: str, key: str) -> list[Stay | Series]:
    value = parse_json(record)
    if not isinstance(value, dict):
        raise InputError("must be an object (a stay, or stays with a key)")
    value.pop(key, None)
    if "stays" in value:
        return list(read_stays_file(value).stays)
    return [read_stay(value)]


def _csv_stay(fields: dict[str, str | None]) -> Stay | Series:
    problems: list[Problem] = []

    def date(name: str) -> dt.date | None:
        text = fields[name]
        if text is None or not text.strip():
            problems.append(Problem((name,), "is missing"))
            return None
        if not _ISO_DATE.fullmatch(text):
            problems.append(Problem((name,), f"{text} is not a date (YYYY-MM-DD)"))
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(Problem((name,), f"{text} is not a date"))
            return None

    def count(name: str) -> int | None:
        text = fields[name]
        if text is None or not text.strip():
            return None
        if not _WHOLE_NUMBER.fullmatch(text):
            problems.append(Problem((name,), f"{text} is not a whole number"))
            return None
        return int(text)

    def dates(name: str) -> tuple[dt.date, ...]:
        text = fields[name] or ""
        out = []
        for word in text.split():
            if not _ISO_DATE.fullmatch(word):
                problems.append(Problem((name,), f"{word} is not a date (YYYY-MM-DD)"))
                continue
            try:
                out.append(dt.date.fromisoformat(word))
            except ValueError:
                problems.append(Problem((name,), f"{word} is not a date"))
        return tuple(out)

    check_in, check_out = date("check_in"), date("check_out")
    rooms, guests = count("rooms"), count("guests")
    exdate, rdate = dates("exdate"), dates("rdate")
    rule = fields["rrule"]
    if (exdate or rdate) and not rule:
        problems.append(Problem(("exdate" if exdate else "rdate",), "needs an rrule"))
    if problems:
        raise InputError(problems)
    assert check_in is not None
    assert check_out is not None
    stay = Stay(
        check_in,
        check_out,
        rooms=1 if rooms is None else rooms,
        room_type=fields["room_type"] or None,
        guests=guests,
        ref=fields["ref"] or None,
    )
    if not rule:
        return stay
    return Series(stay, rule, exdate=exdate, rdate=rdate)
