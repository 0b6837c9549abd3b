"""The report as a guest's calendar: an all-day event per range, in the summary's words.

Every title, description and category is a word of :mod:`~confirmcheck.render.summary`
(the text and HTML summaries say the same); this module only lays them out as
iCalendar content lines (RFC 5545): TEXT values escaped, lines folded at 75 octets,
CRLF line endings. The ``X-CONFIRMCHECK-*`` properties are those the calendar reader
understands, so a written calendar reads back as the confirmed stays.

The lines are written here rather than with icalendar's ``Calendar.to_ical``:
icalendar's writer took about 8 ms for the story's 20 events, several times the
whole ``/v1/attach`` budget (see benchmarks/README.md, "Attach in-process"). Only
TEXT values, all-day dates and one UTC date-time are written, so escaping and
folding are all there is to it; the tests read every calendar back with icalendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from confirmcheck.errors import InputError
from confirmcheck.i18n import DEFAULT_LOCALE, regional_locale
from confirmcheck.readers.ics import (
    GUESTS,
    OUTCOME,
    OUTCOMES,
    ROOM_TYPE,
    ROOMS,
    STAY_NUMBER,
)
from confirmcheck.render.summary import KEEP, Summary, summarize
from confirmcheck.report import Range, Report

__all__ = ["report_to_ics"]

_PRODID = "-//confirmcheck//confirmcheck//EN"
_UID_DOMAIN = "confirmcheck"
_FOLD_AT = 75  # octets per line, not counting the line break (RFC 5545, 3.1)


def report_to_ics(
    report: Report,
    *,
    stamp: dt.datetime,
    locale: str = DEFAULT_LOCALE,
    hotel: str | None = None,
    summary: Summary | None = None,
) -> bytes:
    """The report as an iCalendar file for the guest's calendar (UTF-8, CRLF).

    One all-day event per range: booked, booked differently and booked but not
    requested are busy; NOT BOOKED is free (``TRANSP:TRANSPARENT``), so the gap
    stands in the calendar without blocking it. ``stamp`` is when the report was
    made (``DTSTAMP``; the library never reads the clock). ``hotel`` names the
    hotel in the events and keeps the UIDs of two hotels' calendars apart.

    UIDs depend on the requested stay (its dates, rooms, room type, guests and
    reference), the range's dates and the hotel, never on stay numbers or the
    outcome: sending the calendar again after a gap was booked replaces the NOT
    BOOKED event instead of adding one.

    ``summary`` is the report's :func:`~confirmcheck.summarize` in ``locale``,
    when the caller has made it already (it is not made twice).
    """
    if not isinstance(stamp, dt.datetime) or stamp.tzinfo is None:
        raise InputError("must be a date-time with a time zone", path=("stamp",))
    locale = regional_locale(locale)
    if summary is None:
        summary = summarize(report, locale=locale)
    elif summary.locale != locale:
        raise InputError(
            f"is in {summary.locale}, the calendar in {locale}", path=("summary",)
        )
    # A name, not a TEXT blob: surrounding blanks would not survive a reader.
    hotel = hotel.strip() or None if hotel is not None else None
    stamp_value = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    sections = {section.kind: section for section in summary.events}
    uids = _Uids(report, hotel)

    # The buckets in the order their events are ranked on a day, each with its
    # value of X-CONFIRMCHECK-OUTCOME.
    buckets: tuple[tuple[str, tuple[Range, ...]], ...] = (
        ("booked", report.booked),
        ("booked_differently", report.booked_differently),
        ("not_booked", report.not_booked),
        ("unrequested", report.unrequested),
    )
    events: list[tuple[tuple[dt.date, int, str], list[str]]] = []
    for rank, (kind, ranges) in enumerate(buckets):
        if not ranges:
            continue
        section = sections[kind]
        for item, title, sentence in zip(
            ranges, section.titles, section.items, strict=True
        ):
            uid = uids.uid(kind, item)
            lines = [
                f"UID:{uid}",
                f"DTSTAMP:{stamp_value}",
                f"DTSTART;VALUE=DATE:{_date(item.check_in)}",
                f"DTEND;VALUE=DATE:{_date(item.check_out)}",
                f"SUMMARY:{_words(title)}",
                f"DESCRIPTION:{_words(sentence)}",
            ]
            if hotel is not None:
                lines.append(f"LOCATION:{_escape(hotel)}")
            lines.append(f"CATEGORIES:{_words(section.label)}")
            if kind == "not_booked":
                lines.append("TRANSP:TRANSPARENT")
            else:
                lines += ["TRANSP:OPAQUE", "STATUS:CONFIRMED"]
            lines.append(f"{OUTCOME}:{OUTCOMES[rank]}")
            if item.stay is not None:
                lines.append(f"{STAY_NUMBER}:{item.stay}")
            lines.append(f"{ROOMS}:{item.rooms}")
            if item.room_type is not None:
                lines.append(f"{ROOM_TYPE}:{_escape(item.room_type)}")
            if item.guests is not None:
                lines.append(f"{GUESTS}:{item.guests}")
            events.append(((item.check_in, rank, uid), lines))

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if hotel is not None:
        lines.append(f"X-WR-CALNAME:{_escape(hotel)}")
    # By day, then booked before not booked, then UID: the same report gives
    # the same bytes.
    for _order, event in sorted(events, key=lambda event: event[0]):
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line.encode("utf-8")) + b"\r\n" for line in lines)


def _words(text: str) -> str:
    """A summary's words as a TEXT value: its no-break spaces are layout hints
    for wrapped lines, and a calendar shows plain spaces."""
    return _escape(text.replace(KEEP, " "))


def _escape(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _date(day: dt.date) -> str:
    """An all-day DATE value: ``20260309``."""
    return day.strftime("%Y%m%d")


def _fold(line: bytes) -> bytes:
    """A content line in UTF-8, folded into lines of at most 75 octets, never
    inside a character nor between a backslash and the character it escapes."""
    pieces: list[bytes] = []
    start, limit = 0, _FOLD_AT
    while len(line) - start > limit:
        cut = start + limit
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        backslashes = 0
        while line[cut - 1 - backslashes] == 0x5C and cut - 1 - backslashes > start:
            backslashes += 1
        if backslashes % 2:
            # Keep "\\," together: some clients read a split pair wrongly.
            cut -= 1
        pieces.append(line[start:cut])
        start, limit = cut, _FOLD_AT - 1  # a continuation line starts with a space
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


class _Uids:
    """Stable UIDs: what the guest asked for and which nights, not stay numbers."""

    def __init__(self, report: Report, hotel: str | None) -> None:
        self.hotel = (hotel or "").strip().casefold()
        self.stays: dict[int, str] = {}
        seen: dict[str, int] = {}
        for result in report.stays:
            content = "|".join(
                (
                    result.check_in.isoformat(),
                    result.check_out.isoformat(),
                    str(result.rooms),
                    (result.room_type or "").casefold(),
                    str(result.guests or ""),
                    result.ref or "",
                )
            )
            # Two identical requests are two stays: number the repeats.
            repeat = seen.get(content, 0)
            seen[content] = repeat + 1
            self.stays[result.stay] = f"{content}|{repeat}"
        self.used: dict[str, int] = {}

    def uid(self, kind: str, item: Range) -> str:
        if item.stay is not None and kind != "unrequested":
            owner = "stay|" + self.stays.get(item.stay, str(item.stay))
        else:
            owner = "|".join(
                (
                    "unrequested",
                    self.stays.get(item.stay, "") if item.stay is not None else "",
                    (item.room_type or "").casefold(),
                    str(item.guests or ""),
                )
            )
        base = "|".join(
            (self.hotel, owner, item.check_in.isoformat(), item.check_out.isoformat())
        )
        # Ranges of one stay on the same nights (two rooms, one booked and one
        # not) are told apart by their order: booked first, not booked last.
        slot = self.used.get(base, 0)
        self.used[base] = slot + 1
        digest = hashlib.sha256(f"{base}|{slot}".encode()).hexdigest()[:32]
        return f"{digest}@{_UID_DOMAIN}"
