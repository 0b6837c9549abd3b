"""Summaries for people: the report as plain text or as an HTML fragment for a mail.

Both say the same, in the same order: first the verdict (what is NOT BOOKED, booked
differently or booked but not requested; or, just as explicitly, that everything is
booked as requested), then one section per outcome in order of severity. The words
carry the meaning; in HTML, colour only helps.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from confirmcheck.i18n import (
    DEFAULT_LOCALE,
    SUPPORTED_LOCALES,
    format_date,
    format_number,
    resolve_locale,
    translations,
)
from confirmcheck.report import DifferentRange, Range, Report, StayResult

__all__ = [
    "SUPPORTED_LOCALES",
    "Section",
    "Summary",
    "describe_differences",
    "render_html",
    "render_text",
    "resolve_locale",
    "summarize",
]

#: Plain-text lines are wrapped to this width (mail clients show 78 unbroken).
TEXT_WIDTH = 78
#: The narrowest width a summary can be laid out in: indents and a word or two.
MIN_WIDTH = 20


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a summary: a heading and one sentence per range."""

    kind: str
    """``not_booked``, ``booked_differently``, ``unrequested`` or ``booked``."""
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """What a summary says, before it is laid out as text or HTML.

    Make it once with :func:`summarize` and lay it out as often as needed
    (``summary.text()``, ``summary.html()``): the words are the costly part.
    """

    locale: str
    complete: bool
    verdict: str
    """The first paragraph: the outcome in one or a few sentences."""
    sections: tuple[Section, ...]

    def text(self, *, width: int = TEXT_WIDTH) -> str:
        """Laid out as plain text: lines within ``width``, ending in a newline."""
        if width < MIN_WIDTH:
            raise ValueError(f"width must be at least {MIN_WIDTH}, not {width}")
        return _layout_text(self, width)

    def html(self) -> str:
        """Laid out as a self-contained HTML fragment for the top of a mail."""
        return _layout_html(self)


class _Words:
    """The sentences of one locale, with its dates, numbers and plurals.

    A summary names the same few counts ("4 nights", "1 room") for every range:
    the words for a count are made once per summary, and the sentences every
    range is written with are looked up in the catalog once.
    """

    def __init__(
        self, locale: str, total: int, stays: tuple[StayResult, ...] = ()
    ) -> None:
        self.locale = locale
        # A flexible request's window, said wherever its stay is named.
        self._windows = {
            s.stay: (s.earliest_arrival, s.latest_arrival)
            for s in stays
            if s.earliest_arrival is not None and s.latest_arrival is not None
        }
        catalog = translations(locale)
        self._ = _ = catalog.gettext
        self._n: Callable[[str, str, int], str] = catalog.ngettext
        self.total = total
        self._total_text = format_number(total, locale)
        self._dates = _("{check_in} – {check_out}")
        self._place = _("{dates} ({details})")
        self._numbered = _("Stay {number} of {total}, {place}")
        self._units: dict[tuple[str, int], str] = {}
        self._details: dict[tuple[int, int, str | None, int | None], str] = {}

    def count(self, singular: str, plural: str, n: int, **more: str) -> str:
        return self._n(singular, plural, n).format(
            count=format_number(n, self.locale), **more
        )

    def unit(self, singular: str, plural: str, n: int) -> str:
        # "4 nights" is kept on one line: a summary is read at a glance.
        text = self._units.get((singular, n))
        if text is None:
            text = self._units[singular, n] = _keep(self.count(singular, plural, n))
        return text

    def nights(self, n: int) -> str:
        return self.unit("{count} night", "{count} nights", n)

    def rooms(self, n: int) -> str:
        return self.unit("{count} room", "{count} rooms", n)

    def guests(self, n: int) -> str:
        return self.unit("{count} guest", "{count} guests", n)

    def dates(self, item: Range | StayResult) -> str:
        return self._dates.format(
            check_in=_keep(format_date(item.check_in, self.locale)),
            check_out=_keep(format_date(item.check_out, self.locale)),
        )

    def where(self, item: Range, *, room_type: str | None, guests: int | None) -> str:
        # Most ranges of a summary have the same nights, rooms, room type and
        # guests: their words are put together once per summary.
        key = (item.nights, item.rooms, room_type, guests)
        details = self._details.get(key)
        if details is None:
            words = [self.nights(key[0]), self.rooms(key[1])]
            if room_type is not None:
                words.append(room_type)
            if guests is not None:
                words.append(self.guests(guests))
            details = self._details[key] = ", ".join(words)
        window = self._windows.get(item.stay) if item.stay is not None else None
        if window is not None:
            details = self._(
                "{details}; arriving between {earliest} and {latest}"
            ).format(
                details=details,
                earliest=_keep(format_date(window[0], self.locale)),
                latest=_keep(format_date(window[1], self.locale)),
            )
        text = self._place.format(dates=self.dates(item), details=details)
        if item.stay is None:
            return text
        return self._numbered.format(
            place=text,
            number=format_number(item.stay, self.locale),
            total=self._total_text,
        )


_KEEP = "\u00a0"


def _keep(text: str) -> str:
    """Join the words of ``text`` with no-break spaces, so no line splits it."""
    return text.replace(" ", _KEEP)


def summarize(report: Report, *, locale: str = DEFAULT_LOCALE) -> Summary:
    """What the summary of ``report`` says in ``locale``, before layout."""
    locale = resolve_locale(locale)
    totals = report.totals
    total = totals.requested_stays
    w = _Words(locale, total, report.stays)
    _ = w._
    by_number: dict[int, StayResult] = {s.stay: s for s in report.stays}
    total_text = format_number(total, locale)

    problems = (
        (
            totals.stays_not_booked,
            _plural(
                "NOT BOOKED: {count} of {total} requested stay.",
                "NOT BOOKED: {count} of {total} requested stays.",
            ),
        ),
        (
            totals.stays_partly_booked,
            _plural(
                "PARTLY BOOKED: {count} of {total} requested stay.",
                "PARTLY BOOKED: {count} of {total} requested stays.",
            ),
        ),
        (
            totals.stays_booked_differently,
            _plural(
                "BOOKED DIFFERENTLY: {count} of {total} requested stay.",
                "BOOKED DIFFERENTLY: {count} of {total} requested stays.",
            ),
        ),
    )
    verdict: list[str] = [
        w._n(*message, total).format(count=format_number(n, locale), total=total_text)
        for n, message in problems
        if n
    ]
    if totals.unrequested_room_nights:
        verdict.append(
            w.count(
                "BOOKED BUT NOT REQUESTED: {count} room-night.",
                "BOOKED BUT NOT REQUESTED: {count} room-nights.",
                totals.unrequested_room_nights,
            )
        )
    if total and totals.stays_booked == total:
        verdict.append(
            w.count(
                "The requested stay is booked as requested ({nights}).",
                "All {count} requested stays are booked as requested ({nights}).",
                total,
                nights=w.nights(totals.requested_nights),
            )
        )
    if not verdict:
        verdict.append(_("No stays were requested and none are booked."))

    sections: list[Section] = []
    if report.not_booked:
        items = []
        for item in report.not_booked:
            stay = by_number[item.stay] if item.stay is not None else None
            if stay is None or item.rooms == stay.rooms:
                what = _("no room is reserved.")
            else:
                what = w.count(
                    "{count} of {rooms} rooms is not reserved.",
                    "{count} of {rooms} rooms are not reserved.",
                    item.rooms,
                    rooms=format_number(stay.rooms, locale),
                )
            if stay is not None and stay.cancelled:
                what = _("{what} The reservation is cancelled.").format(what=what)
            where = w.where(item, room_type=item.room_type, guests=item.guests)
            items.append(_("{where}: {what}").format(where=where, what=what))
        sections.append(Section("not_booked", _("NOT BOOKED"), tuple(items)))
    if report.booked_differently:
        items = [_different(w, item) for item in report.booked_differently]
        sections.append(
            Section("booked_differently", _("BOOKED DIFFERENTLY"), tuple(items))
        )
    if report.unrequested:
        items = [
            _("{where}: {what}").format(
                where=w.where(item, room_type=item.room_type, guests=item.guests),
                what=_("booked, but not requested."),
            )
            for item in report.unrequested
        ]
        sections.append(
            Section("unrequested", _("BOOKED BUT NOT REQUESTED"), tuple(items))
        )
    if report.booked:
        stays = {item.stay for item in report.booked}
        heading = _("Booked as requested: {stays}, {nights}.").format(
            stays=w.count("{count} stay", "{count} stays", len(stays)),
            nights=w.nights(sum(item.nights for item in report.booked)),
        )
        items = [
            w.where(item, room_type=item.room_type, guests=item.guests)
            for item in report.booked
        ]
        sections.append(Section("booked", heading, tuple(items)))
    return Summary(locale, report.complete, " ".join(verdict), tuple(sections))


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; it is translated where it is used."""
    return singular, plural


def describe_differences(item: DifferentRange, *, locale: str = DEFAULT_LOCALE) -> str:
    """What differs in a booked-differently range, in words: ``room type single
    instead of double; 1 guest instead of 2`` (empty if nothing is known to)."""
    return _differences(_Words(resolve_locale(locale), 0), item)


def _differences(w: _Words, item: DifferentRange) -> str:
    _ = w._
    out: list[str] = []
    if "room_type" in item.differences:
        if item.room_type is None:
            out.append(
                _("a room of no stated type instead of {requested}").format(
                    requested=item.requested_room_type
                )
            )
        else:
            out.append(
                _("room type {booked} instead of {requested}").format(
                    booked=item.room_type, requested=item.requested_room_type
                )
            )
    if "guests" in item.differences and item.guests is not None:
        out.append(
            w.count(
                "{count} guest instead of {requested}",
                "{count} guests instead of {requested}",
                item.guests,
                requested=format_number(item.requested_guests or 0, w.locale),
            )
        )
    return "; ".join(out)


def _different(w: _Words, item: DifferentRange) -> str:
    _ = w._
    differences = _differences(w, item)
    if differences:
        what = _("booked differently: {differences}.").format(differences=differences)
    else:
        what = _("booked, but not as requested.")
    where = w.where(
        item, room_type=item.requested_room_type, guests=item.requested_guests
    )
    return _("{where}: {what}").format(where=where, what=what)


def render_text(
    report: Report, *, locale: str = DEFAULT_LOCALE, width: int = TEXT_WIDTH
) -> str:
    """The summary as plain text: lines within ``width``, ending in a newline.

    >>> print(render_text(Report(stays=())), end="")
    No stays were requested and none are booked.
    """
    return summarize(report, locale=locale).text(width=width)


def _layout_text(summary: Summary, width: int) -> str:
    blocks = [_fill(summary.verdict, width)]
    for section in summary.sections:
        lines = [_fill(section.heading, width)]
        lines.extend(_fill(item, width, "  - ", "    ") for item in section.items)
        blocks.append("\n".join(lines))
    # No-break spaces only steer the wrapping: plain text gets ordinary spaces.
    return "\n\n".join(blocks).replace(_KEEP, " ") + "\n"


# The blanks textwrap breaks at; a no-break space is not one of them.
_BLANKS = re.compile(r"[ \t\n\r\f\v]+")
_OTHER_BLANK = re.compile(r"[\t\n\r\f\v]")


def _fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """``textwrap.fill(text, width, initial_indent=first, subsequent_indent=rest,
    break_on_hyphens=False)`` for text whose blanks are single spaces.

    Words that fit a line are laid out greedily, a line ending where the next
    word no longer fits, which is what textwrap's filling loop does with them.
    A text with a word longer than a line, or a word of blanks that are no
    spaces, takes :func:`_fill_cutting`, that loop itself. A property test
    holds both equal to textwrap; runs of blanks (from room types as people
    typed them) count as one.
    """
    text = text.strip(" \t\n\r\f\v")
    if not text:
        return ""
    if (
        "  " in text
        or _ODD_BLANK.search(text)
        or _KEEP + " " in text
        or " " + _KEEP in text
        or text[0] == _KEEP
        or text[-1] == _KEEP
    ):
        # Runs of blanks, blanks other than spaces and no-break spaces, or a
        # no-break space that may be a word of its own: the general way.
        return _fill_words(text, width, first, rest)
    # Words between single spaces, none of them blank. The greedy line is the
    # text up to the last space within the room left, found with rfind rather
    # than word by word (a summary's sentence is 20 words on two lines).
    lines: list[str] = []
    indent, room = first, width - len(first)
    start, end = 0, len(text)
    while end - start > room:
        cut = text.rfind(" ", start, start + room + 1)
        if cut <= start:
            # A word longer than the line: textwrap cuts it.
            return _fill_words(text, width, first, rest)
        lines.append(indent + text[start:cut])
        start = cut + 1
        indent, room = rest, width - len(rest)
    lines.append(indent + text[start:])
    return "\n".join(lines)


# What str.isspace() calls a blank, but the space and the no-break space (which
# summaries have between every count and its unit, every part of a date). Plain
# string searches and one character class instead of a search for blank words.
ODD_BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ODD_BLANK = re.compile(f"[{ODD_BLANKS}]")


def _fill_words(text: str, width: int, first: str, rest: str) -> str:
    """:func:`_fill` for any stripped text: split into words, laid out greedily
    where every word fits a line, else by :func:`_fill_cutting`."""
    words = text.split(" ")
    # Single spaces, as summaries have them, need no regular expression to split.
    if "" in words or _OTHER_BLANK.search(text):
        words = _BLANKS.split(text)
    if words == [""]:
        return ""
    room = width - len(first)
    room_rest = width - len(rest)
    if max(map(len, words)) > min(room, room_rest) or any(map(str.isspace, words)):
        # textwrap drops a "word" of other blanks (no-break spaces) at a line's end.
        return _fill_cutting(words, width, first, rest)
    lines: list[str] = []
    line = [words[0]]
    length = len(words[0])
    for word in islice(words, 1, None):
        if length + 1 + len(word) <= room:
            line.append(word)
            length += 1 + len(word)
        else:
            lines.append((rest if lines else first) + " ".join(line))
            line = [word]
            length = len(word)
            room = room_rest
    lines.append((rest if lines else first) + " ".join(line))
    return "\n".join(lines)


def _fill_cutting(words: list[str], width: int, first: str, rest: str) -> str:
    """textwrap's own line-filling loop over ``words``, without its general
    chunking (a regular expression with look-aheads, tab expansion)."""
    chunks: list[str] = []
    for word in reversed(words):
        chunks.append(word)
        chunks.append(" ")
    chunks.pop()
    lines: list[str] = []
    while chunks:
        indent = rest if lines else first
        room = max(width - len(indent), 1)  # textwrap would loop forever below 1
        if lines and chunks[-1] == " ":
            chunks.pop()
        line: list[str] = []
        length = 0
        while chunks and length + len(chunks[-1]) <= room:
            chunk = chunks.pop()
            line.append(chunk)
            length += len(chunk)
        if chunks and len(chunks[-1]) > room:
            # A word longer than a line is cut to fill this one.
            cut = 1 if room < 1 else room - length
            chunk = chunks[-1]
            line.append(chunk[:cut])
            chunks[-1] = chunk[cut:]
        if line and not line[-1].strip():
            line.pop()
        if line:
            lines.append(indent + "".join(line))
    return "\n".join(lines)


# Inline styles only: mail clients drop <style> blocks and external resources.
# No text or background colour is set, so dark mode keeps its own; the coloured
# border only helps, the words say it all.
_BOX = (
    "margin:0 0 16px 0;padding:12px 16px;border:3px solid {colour};"
    "border-radius:4px;font-family:Arial,Helvetica,sans-serif;font-size:15px;"
    "line-height:1.45;"
)
_VERDICT = "margin:0 0 8px 0;font-size:17px;font-weight:bold;"
_HEADING = "margin:12px 0 4px 0;font-weight:bold;"
_LIST = "margin:0;padding:0 0 0 20px;"
_ITEM = "margin:0 0 4px 0;"
_PROBLEM = "#c62828"
_FINE = "#2e7d32"


def render_html(report: Report, *, locale: str = DEFAULT_LOCALE) -> str:
    """The summary as a self-contained HTML fragment for the top of a mail."""
    return summarize(report, locale=locale).html()


def _layout_html(summary: Summary) -> str:
    e = html.escape
    colour = _FINE if summary.complete else _PROBLEM
    parts = [
        f'<div lang="{summary.locale}" data-confirmcheck="summary" '
        f'style="{_BOX.format(colour=colour)}">',
        f'<p style="{_VERDICT}">{e(summary.verdict)}</p>',
    ]
    for section in summary.sections:
        parts.append(f'<p style="{_HEADING}">{e(section.heading)}</p>')
        parts.append(f'<ul style="{_LIST}">')
        parts.extend(f'<li style="{_ITEM}">{e(item)}</li>' for item in section.items)
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)
