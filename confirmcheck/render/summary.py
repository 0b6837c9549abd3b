"""What a summary says: the words of every output, decided once per locale.

The text and HTML layouts and the calendar writer lay these words out; none of
them words anything on its own. A summary says the verdict first (what is NOT
BOOKED, booked differently or booked but not requested; or, just as explicitly,
that everything is booked as requested), then one section per outcome in order
of severity, one sentence and one short title per range.

Counts and dates are joined to their words by no-break spaces ("4 nights",
"Mon 9 Mar 2026"): a hint for layouts that wrap lines, which plain text turns
back into spaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from confirmcheck.i18n import (
    DEFAULT_LOCALE,
    format_date,
    format_number,
    resolve_locale,
    translations,
)
from confirmcheck.report import DifferentRange, Range, Report, StayResult

__all__ = [
    "KEEP",
    "Section",
    "Summary",
    "as_summary",
    "describe_differences",
    "summarize",
]

KEEP = "\u00a0"
"""The no-break space that joins words a layout must not split."""


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a summary: a heading and, per range, a sentence and a title."""

    kind: str
    """``not_booked``, ``booked_differently``, ``unrequested`` or ``booked``."""
    heading: str
    items: tuple[str, ...]
    """One sentence per range of the report's bucket, in the report's order."""
    label: str
    """The outcome in a word or two (``NOT BOOKED``), e.g. a calendar category."""
    titles: tuple[str, ...]
    """One short title per range (``NOT BOOKED — no room reserved``), as a
    calendar event names it; in the order of :attr:`items`."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a summary says, before it is laid out as text, HTML or a calendar.

    Make it once with :func:`summarize` and lay it out as often as needed
    (:func:`~confirmcheck.render_text`, :func:`~confirmcheck.render_html`,
    :func:`~confirmcheck.report_to_ics`).
    """

    locale: str
    complete: bool
    verdict: str
    """The first paragraph: the outcome in one or a few sentences."""
    sections: tuple[Section, ...]


def _keep(text: str) -> str:
    """Join the words of ``text`` with no-break spaces, so no line splits it."""
    return text.replace(" ", KEEP)


def _room_type(text: str) -> str:
    """A room type as people typed it, its runs of blanks said as one space."""
    return " ".join(text.split())


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; it is translated where it is used."""
    return singular, plural


class _Words:
    """The sentences of one locale, with its dates, numbers and plurals.

    A summary names the same few numbers (1 room, 4 nights, stay 7 of 20) and
    dates again and again: each is written by Babel once per summary.
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
        self._: Callable[[str], str] = catalog.gettext
        self._n: Callable[[str, str, int], str] = catalog.ngettext
        self.total = total
        self._numbers: dict[int, str] = {}
        self._dates: dict[dt.date, str] = {}

    def number(self, n: int) -> str:
        if n not in self._numbers:
            self._numbers[n] = format_number(n, self.locale)
        return self._numbers[n]

    def date(self, day: dt.date) -> str:
        if day not in self._dates:
            self._dates[day] = _keep(format_date(day, self.locale))
        return self._dates[day]

    def count(self, singular: str, plural: str, n: int, **more: str) -> str:
        return self._n(singular, plural, n).format(count=self.number(n), **more)

    def unit(self, singular: str, plural: str, n: int) -> str:
        # "4 nights" is kept on one line: a summary is read at a glance.
        return _keep(self.count(singular, plural, n))

    def nights(self, n: int) -> str:
        return self.unit("{count} night", "{count} nights", n)

    def rooms(self, n: int) -> str:
        return self.unit("{count} room", "{count} rooms", n)

    def guests(self, n: int) -> str:
        return self.unit("{count} guest", "{count} guests", n)

    def dates(self, item: Range | StayResult) -> str:
        return self._("{check_in} – {check_out}").format(
            check_in=self.date(item.check_in), check_out=self.date(item.check_out)
        )

    def rooms_of(
        self, item: Range, *, room_type: str | None, guests: int | None
    ) -> str:
        """``1 room, double, 2 guests``: what a range holds."""
        words = [self.rooms(item.rooms)]
        if room_type is not None:
            words.append(_room_type(room_type))
        if guests is not None:
            words.append(self.guests(guests))
        return ", ".join(words)

    def where(self, item: Range, *, room_type: str | None, guests: int | None) -> str:
        """``Stay 2 of 4, Mon 9 Mar 2026 – Fri 13 Mar 2026 (4 nights, 1 room)``."""
        details = ", ".join(
            [
                self.nights(item.nights),
                self.rooms_of(item, room_type=room_type, guests=guests),
            ]
        )
        window = self._windows.get(item.stay) if item.stay is not None else None
        if window is not None:
            details = self._(
                "{details}; arriving between {earliest} and {latest}"
            ).format(
                details=details,
                earliest=self.date(window[0]),
                latest=self.date(window[1]),
            )
        text = self._("{dates} ({details})").format(
            dates=self.dates(item), details=details
        )
        if item.stay is None:
            return text
        return self._("Stay {number} of {total}, {place}").format(
            place=text,
            number=self.number(item.stay),
            total=self.number(self.total),
        )


def summarize(report: Report, *, locale: str = DEFAULT_LOCALE) -> Summary:
    """What the summary of ``report`` says in ``locale``, before layout."""
    locale = resolve_locale(locale)
    w = _Words(locale, report.totals.requested_stays, report.stays)
    sections: list[Section] = []
    if report.not_booked:
        sections.append(_not_booked(w, report))
    if report.booked_differently:
        sections.append(_booked_differently(w, report))
    if report.unrequested:
        sections.append(_unrequested(w, report))
    if report.booked:
        sections.append(_booked(w, report))
    return Summary(locale, report.complete, _verdict(w, report), tuple(sections))


def _verdict(w: _Words, report: Report) -> str:
    _ = w._
    totals = report.totals
    total = totals.requested_stays
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
    # The plural follows the total ("1 of 1 requested stay", "1 of 20 ... stays").
    verdict: list[str] = [
        w._n(*message, total).format(count=w.number(n), total=w.number(total))
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
    return " ".join(verdict)


def _not_booked(w: _Words, report: Report) -> Section:
    _ = w._
    by_number = {result.stay: result for result in report.stays}
    items: list[str] = []
    titles: list[str] = []
    for item in report.not_booked:
        stay = by_number.get(item.stay) if item.stay is not None else None
        if stay is None or item.rooms == stay.rooms:
            what = _("no room is reserved.")
            title = _("NOT BOOKED — no room reserved")
        else:
            what = w.count(
                "{count} of {rooms} rooms is not reserved.",
                "{count} of {rooms} rooms are not reserved.",
                item.rooms,
                rooms=w.number(stay.rooms),
            )
            title = _("NOT BOOKED — {count} of {rooms} rooms not reserved").format(
                count=w.number(item.rooms), rooms=w.number(stay.rooms)
            )
        if stay is not None and stay.cancelled:
            what = _("{what} The reservation is cancelled.").format(what=what)
            title = _("NOT BOOKED — cancelled")
        where = w.where(item, room_type=item.room_type, guests=item.guests)
        items.append(_("{where}: {what}").format(where=where, what=what))
        titles.append(title)
    return Section(
        "not_booked", _("NOT BOOKED"), tuple(items), _("NOT BOOKED"), tuple(titles)
    )


def _booked_differently(w: _Words, report: Report) -> Section:
    _ = w._
    items: list[str] = []
    titles: list[str] = []
    for item in report.booked_differently:
        differences = _differences(w, item)
        if differences:
            what = _("booked differently: {differences}.").format(
                differences=differences
            )
        else:
            what = _("booked, but not as requested.")
        where = w.where(
            item, room_type=item.requested_room_type, guests=item.requested_guests
        )
        items.append(_("{where}: {what}").format(where=where, what=what))
        titles.append(
            _("BOOKED DIFFERENTLY: {differences}").format(
                differences=differences
                or w.rooms_of(item, room_type=item.room_type, guests=item.guests)
            )
        )
    label = _("BOOKED DIFFERENTLY")
    return Section("booked_differently", label, tuple(items), label, tuple(titles))


def _unrequested(w: _Words, report: Report) -> Section:
    _ = w._
    items = [
        _("{where}: {what}").format(
            where=w.where(item, room_type=item.room_type, guests=item.guests),
            what=_("booked, but not requested."),
        )
        for item in report.unrequested
    ]
    titles = [
        _("BOOKED BUT NOT REQUESTED: {rooms}").format(
            rooms=w.rooms_of(item, room_type=item.room_type, guests=item.guests)
        )
        for item in report.unrequested
    ]
    label = _("BOOKED BUT NOT REQUESTED")
    return Section("unrequested", label, tuple(items), label, tuple(titles))


def _booked(w: _Words, report: Report) -> Section:
    _ = w._
    stays = {item.stay for item in report.booked}
    heading = _("Booked as requested: {stays}, {nights}.").format(
        stays=w.count("{count} stay", "{count} stays", len(stays)),
        nights=w.nights(sum(item.nights for item in report.booked)),
    )
    items = [
        w.where(item, room_type=item.room_type, guests=item.guests)
        for item in report.booked
    ]
    titles = [
        _("Booked: {rooms}").format(
            rooms=w.rooms_of(item, room_type=item.room_type, guests=item.guests)
        )
        for item in report.booked
    ]
    return Section("booked", heading, tuple(items), _("BOOKED"), tuple(titles))


def as_summary(what: Report | Summary, locale: str | None) -> Summary:
    """``what`` summarized in ``locale`` (English by default), or, for a summary
    made already, that summary (a ``locale`` other than its own is an error)."""
    if not isinstance(what, Summary):
        return summarize(what, locale=DEFAULT_LOCALE if locale is None else locale)
    if locale is not None and resolve_locale(locale) != what.locale:
        raise ValueError(f"the summary is in {what.locale}, not in {locale}")
    return what


def describe_differences(item: DifferentRange, *, locale: str = DEFAULT_LOCALE) -> str:
    """What differs in a booked-differently range, in words: ``room type single
    instead of double; 1 guest instead of 2`` (empty if nothing is known to)."""
    return _differences(_Words(resolve_locale(locale), 0), item)


def _differences(w: _Words, item: DifferentRange) -> str:
    _ = w._
    out: list[str] = []
    if "room_type" in item.differences:
        requested = item.requested_room_type
        if requested is not None:
            requested = _room_type(requested)
        if item.room_type is None:
            out.append(
                _("a room of no stated type instead of {requested}").format(
                    requested=requested
                )
            )
        else:
            out.append(
                _("room type {booked} instead of {requested}").format(
                    booked=_room_type(item.room_type), requested=requested
                )
            )
    if "guests" in item.differences and item.guests is not None:
        out.append(
            w.count(
                "{count} guest instead of {requested}",
                "{count} guests instead of {requested}",
                item.guests,
                requested=w.number(item.requested_guests or 0),
            )
        )
    return "; ".join(out)
