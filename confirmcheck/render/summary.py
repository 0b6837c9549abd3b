"""What a summary says: the words of every output, decided once per locale.

The text and HTML layouts and the calendar writer lay these words out; none of
them words anything on its own.

A summary speaks the way the guest asked. Its sections come in order of
severity, each headed by its verdict (``NOT BOOKED: 1 of your 20 weekly
stays.``) with the exceptions under it in date order; what is booked as
requested comes last, a regular run of stays said as one series ("every week
Mon–Fri, 5 Jan – 22 May 2026, except 9–13 Mar") with the hotel's room names and
references. Stays in no series are listed one by one. The full per-stay list
(:attr:`Summary.details`, on request) and the calendar's words per range
(:attr:`Summary.events`) say every range on its own.

Dates are Babel's: date intervals from CLDR skeletons, weekday names and night
counts (``duration-night``) from CLDR data of the locale's region, so that
``de-AT`` writes "Jän." where ``de`` writes "Jan.". Counts and dates are joined
to their words by no-break spaces: a hint for layouts that wrap lines, which
plain text turns back into spaces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from confirmcheck.i18n import (
    DEFAULT_LOCALE,
    cldr_locale,
    regional_locale,
    resolve_locale,
    translations,
)
from confirmcheck.render.series import Run, find_runs
from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    Totals,
)
from confirmcheck.stay import Series, Stay, expand

if TYPE_CHECKING:
    import babel

__all__ = [
    "KEEP",
    "RoomTypes",
    "Section",
    "SeriesPlan",
    "Summary",
    "VerdictFacts",
    "as_summary",
    "describe_differences",
    "plan_series",
    "say_verdict",
    "summarize",
    "verdict_facts",
]

KEEP = "\u00a0"
"""The no-break space that joins words a layout must not split."""

RoomTypes = Mapping[str, Mapping[str, str]]
"""The hotel's names of its room codes, per language:
``{"EZ": {"de": "Einzelzimmer", "en": "Single room"}}``."""

# How the dates of a stay, of a series and of an exception in a series are
# written (CLDR skeletons): the weekday says at a glance which stay is meant.
_STAY = "yMMMEd"
_SPAN = "yMMMd"
_IN_YEAR = "MMMd"
_DAY = "yMMMEd"


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a summary: a heading and its sentences.

    In :attr:`Summary.sections` the heading of a problem is its verdict and the
    items are its exceptions; in :attr:`Summary.events` and
    :attr:`Summary.details` there is one item per range of the report's bucket,
    in the report's order.
    """

    kind: str
    """``not_booked``, ``booked_differently``, ``unrequested`` or ``booked``."""
    heading: str
    items: tuple[str, ...]
    label: str
    """The outcome in a word or two (``NOT BOOKED``), e.g. a calendar category."""
    titles: tuple[str, ...] = ()
    """In :attr:`Summary.events`: one short title per range (``NOT BOOKED — no
    room reserved``), as a calendar event names it; in the order of
    :attr:`items`."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What a summary says, before it is laid out as text, HTML or a calendar.

    Make it once with :func:`summarize` and lay it out as often as needed
    (:func:`~confirmcheck.render_text`, :func:`~confirmcheck.render_html`,
    :func:`~confirmcheck.report_to_ics`).
    """

    locale: str
    """The locale written in, its region kept (``de-AT``)."""
    complete: bool
    verdict: str
    """The outcome in one or a few sentences: the headings of the problems, or
    that everything is booked as requested."""
    sections: tuple[Section, ...]
    """What the guest reads first, in order of severity."""
    events: tuple[Section, ...] = ()
    """Per bucket, one title and one sentence (without dates) per range: the
    calendar's events."""
    details: tuple[Section, ...] = ()
    """Per bucket, every range with its dates (``summarize(..., detail=True)``)."""


_SPACES = re.compile(r"[ \u2000-\u200a\u202f]")


def _keep(text: str) -> str:
    """Join the words of ``text`` with no-break spaces, so no line splits it.

    CLDR's thin and narrow spaces ("9\u2009–\u200913 Mar", "1\u202f234") are
    said as one too: a plain-text reader sees an ordinary space."""
    return _SPACES.sub(KEEP, text)


def _plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction; it is translated where it is used."""
    return singular, plural


_REF = re.compile(r"(.*?)([0-9]+)")


def compact_refs(refs: Iterable[str]) -> str:
    """References, each once, sorted, three or more in sequence as one range:
    ``AB-4711 – AB-4719, AB-4721``."""
    numbered: list[tuple[str, int, int, str]] = []
    other: list[str] = []
    for ref in set(refs):
        match = _REF.fullmatch(ref)
        if match:
            prefix, digits = match.groups()
            numbered.append((prefix, len(digits), int(digits), ref))
        else:
            other.append(ref)
    numbered.sort()
    out: list[str] = []
    start = 0
    while start < len(numbered):
        end = start
        while end + 1 < len(numbered) and numbered[end + 1][:3] == (
            numbered[end][0],
            numbered[end][1],
            numbered[end][2] + 1,
        ):
            end += 1
        if end - start >= 2:
            out.append(f"{numbered[start][3]}{KEEP}–{KEEP}{numbered[end][3]}")
        else:
            out.extend(item[3] for item in numbered[start : end + 1])
        start = end + 1
    return ", ".join(out + sorted(other))


class _Refs:
    """The hotel's references of the confirmed stays that book given nights.

    The report does not say which confirmed stay booked which range: a range
    is given the references of confirmed stays with its dates and room type,
    each room of a confirmed stay given once; else (a range cut from a longer
    stay) of as many confirmed stays of its room type on its first night as
    it has rooms. A reference is named, never made up.
    """

    def __init__(self, confirmed: Iterable[Stay | Series]) -> None:
        self._exact: defaultdict[
            tuple[dt.date, dt.date, str | None], list[list[Any]]
        ] = defaultdict(list)
        self._stays = [stay for stay in expand(confirmed) if stay.ref is not None]
        for stay in self._stays:
            key = (stay.check_in, stay.check_out, stay.room_type_key)
            self._exact[key].append([stay.ref, stay.rooms])
        self._found: dict[Range, set[str]] = {}

    def of(self, item: Range) -> set[str]:
        """The references for ``item`` (its room type: the confirmed one)."""
        if not self._stays:
            return set()
        if item not in self._found:
            self._found[item] = self._find(item)
        return self._found[item]

    def _find(self, item: Range) -> set[str]:
        key = None if item.room_type is None else item.room_type.casefold()
        found: set[str] = set()
        wanted = item.rooms
        for entry in self._exact.get((item.check_in, item.check_out, key), ()):
            if wanted <= 0:
                break
            if entry[1] > 0:
                taken = min(entry[1], wanted)
                entry[1] -= taken
                wanted -= taken
                found.add(entry[0])
        if found:
            return found
        same_type = sorted(
            stay.ref
            for stay in self._stays
            if stay.ref is not None
            and stay.check_in <= item.check_in < stay.check_out
            and (key is None or stay.room_type_key in (None, key))
        )
        return set(same_type[: item.rooms])


class _Words:
    """The sentences of one locale, with its dates, numbers, plurals and the
    hotel's names of its rooms."""

    def __init__(
        self,
        locale: str,
        total: int,
        room_types: RoomTypes | None,
        stays: Iterable[StayResult] = (),
    ) -> None:
        # A flexible request's window, said wherever its stay is named.
        self._windows = {
            s.stay: (s.earliest_arrival, s.latest_arrival)
            for s in stays
            if s.earliest_arrival is not None and s.latest_arrival is not None
        }
        self.locale = regional_locale(locale)
        self.language = resolve_locale(locale)
        self.cldr: babel.Locale = cldr_locale(self.locale)
        catalog = translations(self.language)
        self._: Callable[[str], str] = catalog.gettext
        self._n: Callable[[str, str, int], str] = catalog.ngettext
        self.total = total
        self._room_types = room_types or {}
        self._numbers: dict[int, str] = {}
        self._nights: dict[int, str] = {}
        self._folded = {
            code.casefold(): names for code, names in self._room_types.items()
        }

    def number(self, n: int) -> str:
        if n not in self._numbers:
            from babel.numbers import format_decimal

            self._numbers[n] = format_decimal(n, locale=self.cldr)
        return self._numbers[n]

    def counted(self, singular: str, plural: str, n: int, **more: str) -> str:
        return self._n(singular, plural, n).format(count=self.number(n), **more)

    def counted_kept(self, singular: str, plural: str, n: int) -> str:
        # "4 nights" is kept on one line: a summary is read at a glance.
        return _keep(self.counted(singular, plural, n))

    def nights(self, n: int) -> str:
        from babel.units import format_unit

        # A summary names the same few night counts again and again.
        if n not in self._nights:
            self._nights[n] = _keep(format_unit(n, "duration-night", locale=self.cldr))
        return self._nights[n]

    def stays(self, n: int) -> str:
        return self.counted_kept("{count} stay", "{count} stays", n)

    def rooms(self, n: int) -> str:
        return self.counted_kept("{count} room", "{count} rooms", n)

    def guests(self, n: int) -> str:
        return self.counted_kept("{count} guest", "{count} guests", n)

    def room_name(self, code: str) -> str:
        """The hotel's name of a room code in this locale, else the code."""
        names = self._room_types.get(code) or self._folded.get(code.casefold())
        if names:
            # The regional name, the language's, else one given without a
            # language ("").
            for key in (
                self.locale,
                self.locale.replace("-", "_"),
                self.language,
                "",
            ):
                if names.get(key):
                    return names[key]
        return " ".join(code.split())

    def interval(self, start: dt.date, end: dt.date, skeleton: str) -> str:
        from babel.dates import format_interval

        return _keep(format_interval(start, end, skeleton, locale=self.cldr))

    def stay_dates(self, item: Range | StayResult) -> str:
        """``Mon, 9 – Fri, 13 Mar 2026``: check-in to check-out."""
        return self.interval(item.check_in, item.check_out, _STAY)

    def weekday(self, day: dt.date) -> str:
        return str(self.cldr.days["format"]["abbreviated"][day.weekday()])

    def room(self, rooms: int, room_type: str | None, guests: int | None) -> list[str]:
        """``2 rooms``, ``Single room``, ``1 guest``: what is said of the rooms
        (one room goes without saying)."""
        words = [self.rooms(rooms)] if rooms > 1 else []
        if room_type is not None:
            words.append(self.room_name(room_type))
        if guests is not None:
            words.append(self.guests(guests))
        return words

    def with_details(
        self, what: str, details: Sequence[str], stay: int | None = None
    ) -> str:
        """``what (details)``; for a flexible request, with its window."""
        joined = ", ".join(details)
        window = self._windows.get(stay) if stay is not None else None
        if window is not None:
            from babel.dates import format_skeleton

            earliest, latest = (
                _keep(format_skeleton(_DAY, day, locale=self.cldr)) for day in window
            )
            joined = self._(
                "{details}; arriving between {earliest} and {latest}"
            ).format(details=joined, earliest=earliest, latest=latest)
        return self._("{what} ({details})").format(what=what, details=joined)


def summarize(
    report: Report,
    *,
    locale: str = DEFAULT_LOCALE,
    room_types: RoomTypes | None = None,
    confirmed: Iterable[Stay | Series] = (),
    detail: bool = False,
) -> Summary:
    """What the summary of ``report`` says in ``locale``, before layout.

    ``room_types`` gives the hotel's names of its room codes per language (a
    code without one is shown as given); the references (``ref``) of the
    ``confirmed`` stays are named with what they book. ``detail`` adds every
    range, one by one (:attr:`Summary.details`).
    """
    w = _Words(locale, report.totals.requested_stays, room_types, report.stays)
    refs = _Refs(confirmed)
    by_number = {result.stay: result for result in report.stays}
    plan = plan_series(report)
    # verdict_facts(report), but with the series found once: the plan's weekly
    # is found as verdict_facts finds it (_all_weekly).
    facts = _facts(report, weekly=plan.weekly)
    context = _Context(
        w,
        report,
        facts,
        refs,
        plan.booked,
        plan.lost,
        plan.single,
        by_number,
        frozenset(n for run in (*plan.booked, *plan.lost) for n in run.stays),
    )

    sections: list[Section] = []
    if facts.not_booked:
        sections.append(_not_booked(context))
    if facts.booked_differently:
        sections.append(_booked_differently(context))
    if facts.unrequested:
        sections.append(_unrequested(context))
    if report.stays and report.totals.stays_booked:
        sections.append(_booked(context))
    return Summary(
        w.locale,
        report.complete,
        _verdict(w, facts),
        tuple(sections),
        events=_events(w, report),
        details=_range_words(w, report, dates=True) if detail else (),
    )


# --- the verdict: what the first paragraph reads of a report, and its words -------


@dataclass(frozen=True, slots=True)
class VerdictFacts:
    """All that the first paragraph of a summary (:attr:`Summary.verdict`), and
    the section headings it is made of, read of a report.

    Reports with equal facts get the same verdict in every locale, word for
    word, whatever their dates, rooms and references: a verdict can be worded
    once per facts (:func:`say_verdict`) and reused. Made by
    :func:`verdict_facts`; :func:`summarize` words its verdict and headings
    from these facts, and from nothing else.
    """

    totals: Totals
    weekly: bool
    """:attr:`SeriesPlan.weekly` (every requested stay is in a weekly series)
    where a heading counts stays and so says it (``NOT BOOKED: 1 of your 20
    weekly stays.``); False where no heading would."""
    not_booked: bool
    """Some requested room-nights are not booked: a NOT BOOKED heading."""
    booked_differently: int
    """How many requested stays have nights booked differently, partly booked
    ones too: the BOOKED DIFFERENTLY heading's count (0: no such heading)."""
    unrequested: bool
    """Some confirmed room-nights were not requested: a BOOKED BUT NOT
    REQUESTED heading."""

    @property
    def complete(self) -> bool:
        """True when everything is booked as requested and nothing else."""
        return not (self.not_booked or self.booked_differently or self.unrequested)


def verdict_facts(report: Report) -> VerdictFacts:
    """What the verdict of ``report``'s summary reads of it (see
    :class:`VerdictFacts`)."""
    return _facts(report, weekly=_counts_stays(report) and _weekly(report))


def _facts(report: Report, *, weekly: bool) -> VerdictFacts:
    """The facts of ``report``, its ``weekly`` as :func:`_weekly` finds it."""
    return VerdictFacts(
        totals=report.totals,
        weekly=weekly and _counts_stays(report),
        not_booked=bool(report.not_booked),
        # Stays partly booked differently count too: each is one to look at.
        booked_differently=len({item.stay for item in report.booked_differently}),
        unrequested=bool(report.unrequested),
    )


def _counts_stays(report: Report) -> bool:
    """True when a heading of the verdict counts stays ("1 of your 20 weekly
    stays"), and so says whether they are weekly."""
    return bool(report.not_booked or report.booked_differently)


def say_verdict(facts: VerdictFacts, *, locale: str = DEFAULT_LOCALE) -> str:
    """The verdict of a summary with these ``facts`` in ``locale``: the
    :attr:`Summary.verdict` of every report whose :func:`verdict_facts` they are.
    """
    return _verdict(_Words(locale, facts.totals.requested_stays, None), facts)


def _verdict(w: _Words, facts: VerdictFacts) -> str:
    """The headings of the problems, or that everything is booked as requested
    (or that nothing was requested)."""
    if facts.complete:
        if facts.totals.requested_stays:
            return _complete_heading(w, facts)
        return w._("No stays were requested and none are booked.")
    headings = (
        (facts.not_booked, _not_booked_heading),
        (facts.booked_differently, _booked_differently_heading),
        (facts.unrequested, _unrequested_heading),
    )
    return " ".join(heading(w, facts) for shown, heading in headings if shown)


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """How a summary groups the requested stays: which series it speaks of."""

    booked: tuple[Run, ...]
    """The series said as booked as requested: each stands for its stays, but
    for those of them not booked as requested (its exceptions, fewer than the
    rest), which are listed under their verdict."""
    lost: tuple[Run, ...]
    """The series of which nothing is booked, said as one under NOT BOOKED."""
    single: tuple[StayResult, ...]
    """The stays booked as requested in no series, listed one by one."""
    weekly: bool
    """True when every requested stay is in a weekly series."""


def plan_series(report: Report) -> SeriesPlan:
    """The series a summary of ``report`` speaks of (see :class:`SeriesPlan`).

    A series found in the request (:func:`~confirmcheck.render.series.find_runs`)
    is said with its exceptions while they are fewer than its stays booked as
    requested; else its stays are told apart by outcome, and each outcome's
    regular runs are series of their own.
    """
    runs, single = _requested_runs(report)
    by_number = {result.stay: result for result in report.stays}
    told: list[Run] = []
    loose: list[StayResult] = list(single) + [
        s for s in report.stays if s.earliest_arrival is not None or s.cancelled
    ]
    for run in runs:
        members = [by_number[n] for n in run.stays]
        booked = sum(stay.status is Status.BOOKED for stay in members)
        if booked > len(members) - booked:
            told.append(run)
        else:
            loose += members
    booked_runs, booked_single = find_runs(
        stay for stay in loose if stay.status is Status.BOOKED
    )
    lost, _rest = find_runs(stay for stay in loose if stay.status is Status.NOT_BOOKED)
    return SeriesPlan(
        booked=tuple(sorted((*told, *booked_runs), key=lambda run: run.first)),
        lost=lost,
        single=booked_single,
        weekly=_all_weekly(runs, single),
    )


def _requested_runs(report: Report) -> tuple[tuple[Run, ...], tuple[StayResult, ...]]:
    """The series found in the request, and its regular stays in none."""
    # A flexible request or a cancelled reservation is said on its own.
    regular = [
        s for s in report.stays if s.earliest_arrival is None and not s.cancelled
    ]
    return find_runs(regular)


def _all_weekly(runs: Sequence[Run], single: Sequence[StayResult]) -> bool:
    """True when every regular requested stay is in a series, and each is weekly."""
    return bool(runs) and not single and all(run.weekly for run in runs)


def _weekly(report: Report) -> bool:
    """:attr:`SeriesPlan.weekly` of ``report``, without the rest of its plan."""
    return _all_weekly(*_requested_runs(report))


@dataclass(frozen=True, slots=True)
class _Context:
    w: _Words
    report: Report
    facts: VerdictFacts
    refs: _Refs
    runs: tuple[Run, ...]
    """The series said as booked as requested (with their exceptions)."""
    lost: tuple[Run, ...]
    """The series of which nothing is booked."""
    single: tuple[StayResult, ...]
    """The stays booked as requested that are in no series."""
    by_number: Mapping[int, StayResult]
    in_run: frozenset[int]

    def series(self, run: Run, *, booked_only: bool = False) -> str:
        """``every week Mon–Fri, 5 Jan – 22 May 2026, except 9–13 Mar``."""
        w = self.w
        span = w.interval(run.first, run.check_out, _SPAN)
        if run.weekly:
            weekdays = w._("{first}–{last}").format(
                first=w.weekday(run.first),
                last=w.weekday(run.first + dt.timedelta(days=run.nights)),
            )
            text = w.counted(
                "every week {weekdays}, {dates}",
                "every {count} weeks {weekdays}, {dates}",
                run.step // 7,
                weekdays=weekdays,
                dates=span,
            )
        else:
            text = w.counted(
                "every day, {dates}",
                "every {count} days, {dates}",
                run.step,
                dates=span,
            )
        if not booked_only:
            return text
        exceptions = [
            self.by_number[number]
            for number in run.stays
            if self.by_number[number].status is not Status.BOOKED
        ]
        if not exceptions:
            return text
        skeleton = _IN_YEAR if run.first.year == run.check_out.year else _SPAN
        return w._("{series}, except {dates}").format(
            series=text,
            dates=", ".join(
                w.interval(stay.check_in, stay.check_out, skeleton)
                for stay in exceptions
            ),
        )

    def whole(self, stays: Sequence[StayResult], *, booked: bool) -> list[str]:
        """``19 stays, 76 nights, Single room, 1 guest, AB-4711 – AB-4730``."""
        w = self.w
        first = stays[0]
        words = [
            w.stays(len(stays)),
            w.nights(sum(stay.nights for stay in stays)),
        ]
        if not booked:
            return words + w.room(first.rooms, first.room_type, first.guests)
        numbers = {stay.stay for stay in stays}
        ranges = [r for r in self.report.booked if r.stay in numbers]
        words += w.room(first.rooms, first.room_type, first.guests)
        refs = compact_refs(ref for item in ranges for ref in self.refs.of(item))
        return [*words, refs] if refs else words

    def stay_details(
        self, item: Range, *, room_type: str | None, guests: int | None
    ) -> list[str]:
        """What to say of one range: its nights, and its rooms unless its series
        says them already."""
        w = self.w
        words = [w.nights(item.nights)]
        if item.stay is not None and item.stay in self.in_run:
            if item.rooms > 1:
                words.append(w.rooms(item.rooms))
            return words
        return words + w.room(item.rooms, room_type, guests)


def _in_order(ranges: Iterable[Range]) -> list[Range]:
    return sorted(ranges, key=lambda item: (item.check_in, item.stay or 0))


def _of_total(
    w: _Words, facts: VerdictFacts, messages: Sequence[tuple[str, str]], n: int
) -> str:
    """``NOT BOOKED: 1 of your 20 weekly stays.`` (the plural follows the
    total: "1 of 1 requested stay", "1 of 20 ... stays")."""
    total = facts.totals.requested_stays
    weekly, requested = messages
    return w._n(*(weekly if facts.weekly else requested), total).format(
        count=w.number(n), total=w.number(total)
    )


def _not_booked_heading(w: _Words, facts: VerdictFacts) -> str:
    totals = facts.totals
    headings = [
        _of_total(w, facts, messages, n)
        for n, messages in (
            (
                totals.stays_not_booked,
                (
                    _plural(
                        "NOT BOOKED: your weekly stay.",
                        "NOT BOOKED: {count} of your {total} weekly stays.",
                    ),
                    _plural(
                        "NOT BOOKED: your requested stay.",
                        "NOT BOOKED: {count} of your {total} requested stays.",
                    ),
                ),
            ),
            (
                totals.stays_partly_booked,
                (
                    _plural(
                        "PARTLY BOOKED: your weekly stay.",
                        "PARTLY BOOKED: {count} of your {total} weekly stays.",
                    ),
                    _plural(
                        "PARTLY BOOKED: your requested stay.",
                        "PARTLY BOOKED: {count} of your {total} requested stays.",
                    ),
                ),
            ),
        )
        if n
    ]
    return " ".join(headings) or w._("NOT BOOKED")


def _not_booked(c: _Context) -> Section:
    w = c.w
    _ = w._
    # A series of which nothing is booked is said as one.
    lost = c.lost
    lost_stays = {n for run in lost for n in run.stays}
    entries: list[tuple[dt.date, str]] = [
        (
            run.first,
            _("{where}: {what}").format(
                where=w.with_details(
                    c.series(run),
                    c.whole([c.by_number[n] for n in run.stays], booked=False),
                ),
                what=_("no room is reserved."),
            ),
        )
        for run in lost
    ]
    for item in c.report.not_booked:
        if item.stay in lost_stays:
            continue
        stay = c.by_number.get(item.stay) if item.stay is not None else None
        if stay is None or item.rooms == stay.rooms:
            what = _("no room is reserved.")
        else:
            what = w.counted(
                "{count} of {rooms} rooms is not reserved.",
                "{count} of {rooms} rooms are not reserved.",
                item.rooms,
                rooms=w.number(stay.rooms),
            )
        if stay is not None and stay.cancelled:
            what = _("{what} The reservation is cancelled.").format(what=what)
        where = w.with_details(
            w.stay_dates(item),
            c.stay_details(item, room_type=item.room_type, guests=item.guests),
            item.stay,
        )
        entries.append(
            (item.check_in, _("{where}: {what}").format(where=where, what=what))
        )
    entries.sort(key=lambda entry: entry[0])
    return Section(
        "not_booked",
        _not_booked_heading(w, c.facts),
        tuple(text for _day, text in entries),
        _("NOT BOOKED"),
    )


def _booked_differently_heading(w: _Words, facts: VerdictFacts) -> str:
    return _of_total(
        w,
        facts,
        (
            _plural(
                "BOOKED DIFFERENTLY: your weekly stay.",
                "BOOKED DIFFERENTLY: {count} of your {total} weekly stays.",
            ),
            _plural(
                "BOOKED DIFFERENTLY: your requested stay.",
                "BOOKED DIFFERENTLY: {count} of your {total} requested stays.",
            ),
        ),
        facts.booked_differently,
    )


def _booked_differently(c: _Context) -> Section:
    w = c.w
    _ = w._
    items: list[str] = []
    for item in _in_order(c.report.booked_differently):
        assert isinstance(item, DifferentRange)
        differences = _differences(w, item)
        if differences:
            what = _("booked differently: {differences}.").format(
                differences=differences
            )
        else:
            what = _("booked, but not as requested.")
        details = c.stay_details(
            item, room_type=item.requested_room_type, guests=item.requested_guests
        )
        refs = compact_refs(c.refs.of(item))
        where = w.with_details(
            w.stay_dates(item), [*details, refs] if refs else details, item.stay
        )
        items.append(_("{where}: {what}").format(where=where, what=what))
    return Section(
        "booked_differently",
        _booked_differently_heading(w, c.facts),
        tuple(items),
        _("BOOKED DIFFERENTLY"),
    )


def _unrequested_heading(w: _Words, facts: VerdictFacts) -> str:
    return w.counted(
        "BOOKED BUT NOT REQUESTED: {count} room-night.",
        "BOOKED BUT NOT REQUESTED: {count} room-nights.",
        facts.totals.unrequested_room_nights,
    )


def _unrequested(c: _Context) -> Section:
    w = c.w
    _ = w._
    items: list[str] = []
    for item in _in_order(c.report.unrequested):
        details = [
            w.nights(item.nights),
            *w.room(item.rooms, item.room_type, item.guests),
        ]
        refs = compact_refs(c.refs.of(item))
        where = w.with_details(
            w.stay_dates(item), [*details, refs] if refs else details
        )
        items.append(
            _("{where}: {what}").format(
                where=where, what=_("booked, but not requested.")
            )
        )
    return Section(
        "unrequested",
        _unrequested_heading(w, c.facts),
        tuple(items),
        _("BOOKED BUT NOT REQUESTED"),
    )


def _complete_heading(w: _Words, facts: VerdictFacts) -> str:
    totals = facts.totals
    return w.counted(
        "Your stay is booked as requested ({nights}).",
        "All {count} of your stays are booked as requested ({nights}).",
        totals.requested_stays,
        nights=w.nights(totals.requested_nights),
    )


def _booked(c: _Context) -> Section:
    w = c.w
    _ = w._
    descriptions: list[tuple[dt.date, str]] = []
    for run in c.runs:
        booked = [
            c.by_number[n] for n in run.stays if c.by_number[n].status is Status.BOOKED
        ]
        if booked:
            descriptions.append(
                (
                    run.first,
                    w.with_details(
                        c.series(run, booked_only=True), c.whole(booked, booked=True)
                    ),
                )
            )
    booked_single = [stay for stay in c.single if stay.status is Status.BOOKED]
    ranges: defaultdict[int, list[Range]] = defaultdict(list)
    for item in c.report.booked:
        if item.stay is not None:
            ranges[item.stay].append(item)
    for stay in booked_single:
        details = [
            w.nights(stay.nights),
            *w.room(stay.rooms, stay.room_type, stay.guests),
        ]
        refs = compact_refs(
            ref for item in ranges[stay.stay] for ref in c.refs.of(item)
        )
        descriptions.append(
            (
                stay.check_in,
                w.with_details(
                    w.stay_dates(stay), [*details, refs] if refs else details, stay.stay
                ),
            )
        )
    descriptions.sort(key=lambda entry: entry[0])
    items = tuple(text for _day, text in descriptions)
    label = _("BOOKED")
    if c.facts.complete:
        return Section("booked", _complete_heading(w, c.facts), items, label)
    if len(items) == 1:
        return Section(
            "booked", _("Booked as requested: {what}.").format(what=items[0]), (), label
        )
    booked = [stay for stay in c.report.stays if stay.status is Status.BOOKED]
    what = ", ".join(
        [w.stays(len(booked)), w.nights(sum(stay.nights for stay in booked))]
    )
    return Section(
        "booked", _("Booked as requested: {what}.").format(what=what), items, label
    )


# --- every range on its own: the calendar's events and the detail list --------------


def _place(w: _Words, item: Range, details: Sequence[str], *, dates: bool) -> str:
    """``Stay 10 of 20, Mon, 9 – Fri, 13 Mar 2026 (4 nights, 1 room)``; without
    ``dates``, ``Stay 10 of 20 (4 nights, 1 room)``."""
    if dates:
        text = w.with_details(w.stay_dates(item), details, item.stay)
        if item.stay is None:
            return text
        return w._("Stay {number} of {total}, {place}").format(
            place=text, number=w.number(item.stay), total=w.number(w.total)
        )
    if item.stay is None:
        return ", ".join(details)
    return w.with_details(
        w._("Stay {number} of {total}").format(
            number=w.number(item.stay), total=w.number(w.total)
        ),
        details,
        item.stay,
    )


def _range_words(w: _Words, report: Report, *, dates: bool) -> tuple[Section, ...]:
    """Per bucket that has ranges, a title and a sentence for each range."""
    _ = w._
    by_number = {result.stay: result for result in report.stays}
    sections: list[Section] = []

    def details(item: Range, room_type: str | None, guests: int | None) -> list[str]:
        return [w.nights(item.nights), *w.room(item.rooms, room_type, guests)]

    def rooms_of(item: Range) -> str:
        words = [w.rooms(item.rooms), *w.room(1, item.room_type, item.guests)]
        return ", ".join(words)

    if report.not_booked:
        items: list[str] = []
        titles: list[str] = []
        for item in report.not_booked:
            stay = by_number.get(item.stay) if item.stay is not None else None
            if stay is None or item.rooms == stay.rooms:
                what = _("no room is reserved.")
                title = _("NOT BOOKED — no room reserved")
            else:
                what = w.counted(
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
            where = _place(
                w, item, details(item, item.room_type, item.guests), dates=dates
            )
            items.append(_("{where}: {what}").format(where=where, what=what))
            titles.append(title)
        label = _("NOT BOOKED")
        sections.append(
            Section("not_booked", label, tuple(items), label, tuple(titles))
        )
    if report.booked_differently:
        items, titles = [], []
        for different in report.booked_differently:
            differences = _differences(w, different)
            if differences:
                what = _("booked differently: {differences}.").format(
                    differences=differences
                )
            else:
                what = _("booked, but not as requested.")
            where = _place(
                w,
                different,
                details(
                    different, different.requested_room_type, different.requested_guests
                ),
                dates=dates,
            )
            items.append(_("{where}: {what}").format(where=where, what=what))
            titles.append(
                _("BOOKED DIFFERENTLY: {differences}").format(
                    differences=differences or rooms_of(different)
                )
            )
        label = _("BOOKED DIFFERENTLY")
        sections.append(
            Section("booked_differently", label, tuple(items), label, tuple(titles))
        )
    if report.unrequested:
        items = [
            _("{where}: {what}").format(
                where=_place(
                    w, item, details(item, item.room_type, item.guests), dates=dates
                ),
                what=_("booked, but not requested."),
            )
            for item in report.unrequested
        ]
        titles = [
            _("BOOKED BUT NOT REQUESTED: {rooms}").format(rooms=rooms_of(item))
            for item in report.unrequested
        ]
        label = _("BOOKED BUT NOT REQUESTED")
        sections.append(
            Section("unrequested", label, tuple(items), label, tuple(titles))
        )
    if report.booked:
        items = [
            _place(w, item, details(item, item.room_type, item.guests), dates=dates)
            for item in report.booked
        ]
        titles = [
            _("Booked: {rooms}").format(rooms=rooms_of(item)) for item in report.booked
        ]
        sections.append(
            Section(
                "booked",
                _("Booked as requested"),
                tuple(items),
                _("BOOKED"),
                tuple(titles),
            )
        )
    return tuple(sections)


def _events(w: _Words, report: Report) -> tuple[Section, ...]:
    """The calendar's words: an event carries its dates, its words need none."""
    return _range_words(w, report, dates=False)


def as_summary(what: Report | Summary, locale: str | None) -> Summary:
    """``what`` summarized in ``locale`` (English by default), or, for a summary
    made already, that summary (a ``locale`` other than its own is an error)."""
    if not isinstance(what, Summary):
        return summarize(what, locale=DEFAULT_LOCALE if locale is None else locale)
    if locale is not None and regional_locale(locale) != what.locale:
        raise ValueError(f"the summary is in {what.locale}, not in {locale}")
    return what


def describe_differences(item: DifferentRange, *, locale: str = DEFAULT_LOCALE) -> str:
    """What differs in a booked-differently range, in words: ``single instead
    of double; 1 guest instead of 2`` (empty if nothing is known to)."""
    return _differences(_Words(locale, 0, None), item)


def _differences(w: _Words, item: DifferentRange) -> str:
    _ = w._
    out: list[str] = []
    if "room_type" in item.differences:
        requested = item.requested_room_type
        if requested is not None:
            requested = w.room_name(requested)
        if item.room_type is None:
            out.append(
                _("a room of no stated type instead of {requested}").format(
                    requested=requested
                )
            )
        else:
            out.append(
                _("{booked} instead of {requested}").format(
                    booked=w.room_name(item.room_type), requested=requested
                )
            )
    if "guests" in item.differences and item.guests is not None:
        out.append(
            w.counted(
                "{count} guest instead of {requested}",
                "{count} guests instead of {requested}",
                item.guests,
                requested=w.number(item.requested_guests or 0),
            )
        )
    return "; ".join(out)
