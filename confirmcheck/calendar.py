"""The report as a guest's calendar: one all-day event per range of the report, so
that a NOT BOOKED gap stands in the guest's own calendar on the day it matters.

Reading calendars is :mod:`confirmcheck.readers.ics`; the ``X-CONFIRMCHECK-*``
property names both use are defined there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import TYPE_CHECKING

from confirmcheck.errors import InputError
from confirmcheck.readers.ics import (
    GUESTS,
    OUTCOME,
    OUTCOMES,
    ROOM_TYPE,
    ROOMS,
    STAY_NUMBER,
)

if TYPE_CHECKING:
    from confirmcheck.render import Summary
    from confirmcheck.report import Range, Report

__all__ = ["report_to_ics"]

_PRODID = "-//confirmcheck//confirmcheck//EN"
_UID_DOMAIN = "confirmcheck"


def report_to_ics(
    report: Report,
    *,
    stamp: dt.datetime,
    locale: str = "en",
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

    ``summary`` is the report's :func:`~confirmcheck.render.summarize` in
    ``locale``, when the caller has made it already (it is not made twice).
    """
    from confirmcheck.i18n import resolve_locale, translations
    from confirmcheck.render import describe_differences, summarize
    from confirmcheck.report import DifferentRange

    if not isinstance(stamp, dt.datetime) or stamp.tzinfo is None:
        raise InputError("must be a date-time with a time zone", path=("stamp",))
    locale = resolve_locale(locale)
    catalog = translations(locale)
    _ = catalog.gettext
    _n = catalog.ngettext
    if summary is None:
        summary = summarize(report, locale=locale)
    elif summary.locale != locale:
        raise InputError(
            f"is in {summary.locale}, the calendar in {locale}", path=("summary",)
        )
    sentences = {section.kind: section.items for section in summary.sections}
    stays = {result.stay: result for result in report.stays}
    # A name, not a TEXT blob: surrounding blanks would not survive a reader.
    hotel = hotel.strip() or None if hotel is not None else None
    stamp_utc = stamp.astimezone(dt.UTC)

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if hotel:
        lines.append(f"X-WR-CALNAME:{_escape(hotel)}")

    def rooms_text(item: Range) -> str:
        details = [
            _n("{count} room", "{count} rooms", item.rooms).format(count=item.rooms)
        ]
        if item.room_type is not None:
            details.append(item.room_type)
        if item.guests is not None:
            details.append(
                _n("{count} guest", "{count} guests", item.guests).format(
                    count=item.guests
                )
            )
        return ", ".join(details)

    written: list[tuple[dt.date, int, str, list[str]]] = []
    uids = _Uids(report, hotel)
    # Lines every event of this calendar shares, made once.
    stamp_line = "DTSTAMP:" + stamp_utc.strftime("%Y%m%dT%H%M%SZ")
    location_line = f"LOCATION:{_escape(hotel)}" if hotel else None
    buckets: tuple[tuple[str, tuple[Range, ...]], ...] = (
        ("booked", report.booked),
        ("booked_differently", report.booked_differently),
        ("not_booked", report.not_booked),
        ("unrequested", report.unrequested),
    )
    categories = {
        "booked": _("BOOKED"),
        "booked_differently": _("BOOKED DIFFERENTLY"),
        "not_booked": _("NOT BOOKED"),
        "unrequested": _("BOOKED BUT NOT REQUESTED"),
    }
    # Within this calendar, ranges of the same rooms share their words: the
    # title of a booked or unrequested range and the X- lines of its rooms.
    titles: dict[tuple[str, int, str | None, int | None], str] = {}
    details: dict[tuple[int, str | None, int | None], list[str]] = {}
    for rank, (kind, ranges) in enumerate(buckets):
        if not ranges:
            continue
        sentence = sentences.get(kind, ())
        category_line = f"CATEGORIES:{_escape(categories[kind])}"
        outcome_line = f"{OUTCOME}:{OUTCOMES[rank]}"
        for index, item in enumerate(ranges):
            uid = uids.uid(kind, item)
            rooms_key = (item.rooms, item.room_type, item.guests)
            if kind in ("booked", "unrequested"):
                title_key = (kind, *rooms_key)
                summary_line = titles.get(title_key)
                if summary_line is None:
                    title = (
                        _("Booked: {rooms}")
                        if kind == "booked"
                        else _("BOOKED BUT NOT REQUESTED: {rooms}")
                    ).format(rooms=rooms_text(item))
                    summary_line = titles[title_key] = f"SUMMARY:{_escape(title)}"
            elif kind == "booked_differently":
                title = _("BOOKED DIFFERENTLY: {differences}").format(
                    differences=(
                        describe_differences(item, locale=locale)
                        if isinstance(item, DifferentRange)
                        else ""
                    )
                    or rooms_text(item)
                )
                summary_line = f"SUMMARY:{_escape(title)}"
            else:
                stay = stays.get(item.stay) if item.stay is not None else None
                if stay is None or item.rooms == stay.rooms:
                    title = _("NOT BOOKED — no room reserved")
                else:
                    title = _("NOT BOOKED — {count} of {rooms} rooms not reserved")
                    title = title.format(count=item.rooms, rooms=stay.rooms)
                summary_line = f"SUMMARY:{_escape(title)}"
            # UIDs are hex digits and a domain: nothing to escape.
            event = [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                stamp_line,
                f"DTSTART;VALUE=DATE:{_date_value(item.check_in)}",
                f"DTEND;VALUE=DATE:{_date_value(item.check_out)}",
                summary_line,
            ]
            if index < len(sentence):
                description = sentence[index].replace("\u00a0", " ")
                event.append(f"DESCRIPTION:{_escape(description)}")
            if location_line is not None:
                event.append(location_line)
            event.append(category_line)
            if kind == "not_booked":
                event.append("TRANSP:TRANSPARENT")
            else:
                event.append("TRANSP:OPAQUE")
                event.append("STATUS:CONFIRMED")
            event.append(outcome_line)
            if item.stay is not None:
                event.append(f"{STAY_NUMBER}:{item.stay}")
            tail = details.get(rooms_key)
            if tail is None:
                tail = details[rooms_key] = [f"{ROOMS}:{item.rooms}"]
                if item.room_type is not None:
                    tail.append(f"{ROOM_TYPE}:{_escape(item.room_type)}")
                if item.guests is not None:
                    tail.append(f"{GUESTS}:{item.guests}")
                tail.append("END:VEVENT")
            event.extend(tail)
            written.append((item.check_in, rank, uid, event))
    for _day, _rank, _uid_text, event in sorted(written, key=lambda w: w[:3]):
        lines.extend(event)
    lines.append("END:VCALENDAR")
    # Encoded once as a whole; a line is encoded alone only when it may be
    # longer than 75 octets and has to be folded.
    for number, line in enumerate(lines):
        if len(line) > _FOLD_AT or not line.isascii():
            data = line.encode("utf-8")
            if len(data) > _FOLD_AT:
                lines[number] = _fold(data).decode("utf-8")
    lines.append("")
    return "\r\n".join(lines).encode("utf-8")


# The calendar is written line by line rather than built with icalendar: a
# confirmation mail carries one on every webhook call, and icalendar's generic
# serialiser took most of that call. Only TEXT values and all-day dates are
# written, so escaping and folding are all there is to it; the tests read every
# calendar back with icalendar and compare it value by value.
def _escape(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and line breaks escaped."""
    if not _TO_ESCAPE.search(text):
        return text  # UIDs, categories, most titles: six replace() calls spared
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


_TO_ESCAPE = re.compile(r"[\\;,\r\n]")


def _date_value(day: dt.date) -> str:
    """An all-day DATE value: ``20260309``."""
    if day.year < 1000:
        # strftime("%Y") as before: glibc writes no leading zeros below 1000.
        return day.strftime("%Y%m%d")
    return day.isoformat().replace("-", "")  # a fifth of strftime's time


_FOLD_AT = 75  # octets per line, not counting the line break (RFC 5545, 3.1)


def _fold(data: bytes) -> bytes:
    """A content line in UTF-8, folded into lines of at most 75 octets, never
    inside a character nor between a backslash and the character it escapes."""
    if len(data) <= _FOLD_AT:
        return data
    out: list[bytes] = []
    start, limit = 0, _FOLD_AT
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        backslashes = 0
        while data[cut - 1 - backslashes] == 0x5C and cut - 1 - backslashes > start:
            backslashes += 1
        if backslashes % 2:
            # Keep "\\," together: some clients read a split pair wrongly.
            cut -= 1
        out.append(data[start:cut])
        start, limit = cut, _FOLD_AT - 1  # a continuation line starts with a space
    out.append(data[start:])
    return b"\r\n ".join(out)


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
