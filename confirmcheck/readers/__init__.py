"""Reading stays: the one place that decides which format a document is in.

A format is a module here (:mod:`~confirmcheck.readers.json`,
:mod:`~confirmcheck.readers.ics`, :mod:`~confirmcheck.readers.ota`,
:mod:`~confirmcheck.readers.schemaorg`) and one branch of :func:`read_stays`. A
new format is a new module and one more branch there, nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from confirmcheck.budget import MAX_INPUT_STAYS, Budget
from confirmcheck.errors import InputError, Path, kind_of
from confirmcheck.readers.ics import looks_like_calendar, read_calendar
from confirmcheck.readers.json import (
    StaysFile,
    hotel_of,
    parse_json,
    read_stays_file,
    refuse_lone_surrogates,
    room_types_of,
    stays_schema,
)
from confirmcheck.readers.recognise import (
    OTA_MESSAGES,
    is_json_ld,
    is_markup,
    is_ota,
    root_name,
)
from confirmcheck.readers.text import decode_text

__all__ = [
    "StaysFile",
    "hotel_of",
    "load_stays",
    "read_stays",
    "room_types_of",
    "stays_schema",
]

_BOM = "\ufeff"
_SHOWN = 30  # characters of an unrecognised start shown in the message


def read_stays(
    data: bytes | str | Any,
    *,
    timezone: str | None = None,
    until: dt.date | None = None,
    ics_end_is_last_night: bool = False,
    skip_non_stays: bool = False,
    max_entries: int | None = None,
    max_stays: int = MAX_INPUT_STAYS,
    path: Path = (),
) -> StaysFile:
    """Read stays from whatever a guest or a hotel sent, recognising its format.

    ``data`` is one of:

    * the text (``str``) or bytes of a JSON stays document: an array of stays, or
      an object with ``stays`` and optionally ``hotel`` and ``timezone``;
    * the same document already decoded (a ``list`` or a ``dict``), as a JSON
      request body holds it;
    * the text or bytes of an iCalendar file (it begins with ``BEGIN:VCALENDAR``,
      after an optional byte order mark and blank space): one stay per event;
    * the text or bytes of an OpenTravel / AlpineBits reservation message (its
      root element, or a SOAP 1.1 envelope's first, is ``OTA_HotelResNotifRQ``,
      ``OTA_HotelResModifyNotifRQ``, ``OTA_ResRetrieveRS`` or ``OTA_CancelRQ``);
    * an HTML page or a MIME mail with schema.org ``LodgingReservation`` markup,
      or JSON-LD holding such reservations (decoded or not).
      See ``docs/formats.md``.

    ``timezone``, ``until``, ``ics_end_is_last_night`` and ``skip_non_stays``
    apply to iCalendar only (see :func:`~confirmcheck.read_calendar`); for it the
    result's ``timezone`` is the ``timezone`` given. ``max_entries`` bounds the
    stays and series a JSON document may list, checked before any is read;
    ``max_stays`` the stays the document may give, series expanded, checked while
    they are expanded (a rule's ``COUNT`` before a date is computed). Every
    problem is an :class:`~confirmcheck.InputError` naming its place
    under ``path``.

    >>> read_stays('[{"check_in": "2026-03-09", "check_out": "2026-03-13"}]').stays
    (Stay(check_in=datetime.date(2026, 3, 9), check_out=datetime.date(2026, 3, 13), \
rooms=1, room_type=None, guests=None, ref=None),)
    >>> read_stays("BEGIN:VEVENT\\r\\nUID:x\\r\\n", path=("requested",))
    Traceback (most recent call last):
    ...
    confirmcheck.errors.InputError: requested: is neither JSON nor an iCalendar \
file: it starts with 'BEGIN:VEVENT'; a calendar starts with BEGIN:VCALENDAR
    """
    if isinstance(data, list | dict):
        # Decoded elsewhere (a request body): its strings are checked here, as
        # parse_json checks them, before any message could quote one.
        refuse_lone_surrogates(data, path)
        return _from_decoded(data, max_entries, max_stays, path)
    if not isinstance(data, str | bytes):
        raise InputError(
            "must be an array of stays, an object with stays, or the text of a JSON "
            f"or iCalendar file, not {kind_of(data)}",
            path=path,
        )
    # XML and mails name their own encodings (ISO-8859-1 is common in both):
    # they are recognised from a lenient look at the start, and their readers
    # decode them as they say. The XML and mail readers load only for them.
    start = _head(
        data[:4096].decode("utf-8", "replace") if isinstance(data, bytes) else data
    )
    if is_ota(start):
        from confirmcheck.readers.ota import read_ota

        return read_ota(data, path=path)
    if is_markup(start):
        from confirmcheck.readers.schemaorg import read_schemaorg

        return read_schemaorg(data, path=path)
    text = decode_text(data, path=path)
    head = _head(text)
    if looks_like_calendar(head):
        stays = read_calendar(
            text,
            timezone=timezone,
            until=until,
            end_is_last_night=ics_end_is_last_night,
            skip_non_stays=skip_non_stays,
            max_stays=max_stays,
            path=path,
        )
        return StaysFile(stays, timezone=timezone)
    try:
        decoded = parse_json(text, path=path)
    except InputError:
        if head[:1] in ("[", "{"):
            raise  # JSON that went wrong: say where
        raise _neither(head, path) from None
    return _from_decoded(decoded, max_entries, max_stays, path)


def load_stays(path: str | os.PathLike[str]) -> StaysFile:
    """Read the stays file at ``path`` (JSON or iCalendar) with :func:`read_stays`.

    A file that cannot be read is an :class:`OSError`, as :func:`open` raises it;
    a file that cannot be understood an :class:`~confirmcheck.InputError` whose
    message starts with the file's name.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    return read_stays(data, path=(os.fspath(path),))


def _from_decoded(
    value: Any, max_entries: int | None, max_stays: int, path: Path
) -> StaysFile:
    if is_json_ld(value):
        from confirmcheck.readers.schemaorg import read_json_ld

        return read_json_ld(value, path=path)
    if max_entries is not None:
        entries = value.get("stays") if isinstance(value, dict) else value
        if isinstance(entries, list) and len(entries) > max_entries:
            raise InputError(
                f"has {len(entries)} entries; at most {max_entries} are accepted",
                path=path,
            )
    return read_stays_file(value, path=path, budget=Budget(max_stays=max_stays))


def _head(text: str) -> str:
    """The start of ``text``, without a byte order mark or blank space."""
    return text[:4096].removeprefix(_BOM).lstrip()


def _neither(head: str, path: Path) -> InputError:
    if not head:
        return InputError(
            "is neither JSON nor an iCalendar file: it is empty", path=path
        )
    start = head.splitlines()[0][:_SHOWN]
    root = root_name(head)
    if root is not None:
        return InputError(
            f"is XML whose root element is {root}: neither HTML nor an OTA message "
            "read here (" + ", ".join(sorted(OTA_MESSAGES)) + ")",
            path=path,
        )
    return InputError(
        f"is neither JSON nor an iCalendar file: it starts with {start!r}; "
        + (
            "a calendar starts with BEGIN:VCALENDAR"
            if start.upper().startswith("BEGIN:")
            else "JSON stays start with [ or {, a calendar with BEGIN:VCALENDAR"
        ),
        path=path,
    )
