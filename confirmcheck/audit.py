"""Audit many reservations at once: one verdict per reservation key.

A hotel group or a channel manager matches every reservation one party requested
with what the other confirmed. :func:`check_many` takes the pairs, already grouped
by reservation key, and yields one :class:`AuditResult` per key, in the order given,
as it goes: a million keys never become a list of a million reports.

>>> import datetime as dt
>>> from confirmcheck import Stay
>>> week = [Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))]
>>> [(r.key, r.verdict.value) for r in check_many([("A-1", week, week),
...                                               ("A-2", week, [])])]
[('A-1', 'complete'), ('A-2', 'only_requested')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from confirmcheck.diff import diff
from confirmcheck.errors import InputError
from confirmcheck.render.summary import VerdictFacts, say_verdict, verdict_facts
from confirmcheck.report import Report
from confirmcheck.stay import Series, Stay

__all__ = ["AuditResult", "Pair", "Verdict", "check_many"]

Side = Iterable[Stay | Series] | InputError
"""The stays of one side of a key, or the error that made them unreadable."""

Pair = tuple[str | None, Side, Side]
"""``(key, requested, confirmed)``: one reservation's two sides."""


class Verdict(StrEnum):
    """What the audit of one reservation key found."""

    COMPLETE = "complete"
    """Everything is booked as requested, and nothing else."""
    DIFFERS = "differs"
    """Both sides hold stays, and something is not booked as requested."""
    ONLY_REQUESTED = "only_requested"
    """Requested, but nothing at all is confirmed under this key."""
    ONLY_CONFIRMED = "only_confirmed"
    """Confirmed, but nothing was requested under this key."""
    INVALID = "invalid"
    """A record of this key could not be read: ``AuditResult.error`` says why."""


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The audit of one reservation key.

    ``report`` is the diff of the key's stays (None only for an invalid key, whose
    ``error`` says what is wrong). ``headline`` is the first paragraph of the
    summary in the locale asked for, or None when no locale was asked for.
    """

    key: str | None
    verdict: Verdict
    report: Report | None = None
    headline: str | None = None
    error: InputError | None = None

    @property
    def first_affected(self) -> dt.date | None:
        """The first night that is not booked as requested, if any."""
        if self.report is None:
            return None
        report = self.report
        ranges = (*report.not_booked, *report.booked_differently, *report.unrequested)
        return min((r.check_in for r in ranges), default=None)


def check_many(
    pairs: Iterable[Pair], *, locale: str | None = None
) -> Iterator[AuditResult]:
    """Audit each ``(key, requested, confirmed)`` pair, lazily and in order.

    A side given as an :class:`InputError` (its records could not be read) makes
    the key ``invalid``; a side without stays makes it ``only_requested`` or
    ``only_confirmed``. With a ``locale``, each result carries the summary's first
    paragraph in it (``headline``). Raises :class:`~confirmcheck.LocaleError`
    before the first result for a locale without a translation.
    """
    headlines = None if locale is None else _Headlines(locale)
    for key, requested, confirmed in pairs:
        yield _check_one(key, requested, confirmed, headlines)


class _Headlines:
    """The first paragraph of each report's summary in one locale.

    That paragraph reads only the report's
    :class:`~confirmcheck.render.summary.VerdictFacts` (its totals, whether its
    stays are weekly, how many stays are booked differently, which problems it
    has), and the summary module says what those are and words them: so it is
    written once per facts, without the rest of a summary (every range's dates
    in words), and a million keys share few facts. ``tests/test_audit.py``
    holds the summary to that.
    """

    #: Facts remembered at most; past that, the memory starts afresh.
    LIMIT = 10_000

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.known: dict[VerdictFacts, str] = {}
        # Checked before any work, not at the first key.
        say_verdict(verdict_facts(diff((), ())), locale=locale)

    def of(self, report: Report) -> str:
        facts = verdict_facts(report)
        headline = self.known.get(facts)
        if headline is None:
            if len(self.known) >= self.LIMIT:
                self.known.clear()
            headline = say_verdict(facts, locale=self.locale)
            self.known[facts] = headline
        return headline


def _check_one(
    key: str | None, requested: Side, confirmed: Side, headlines: _Headlines | None
) -> AuditResult:
    errors = [side for side in (requested, confirmed) if isinstance(side, InputError)]
    if errors:
        return AuditResult(key, Verdict.INVALID, error=InputError.collect(errors))
    assert not isinstance(requested, InputError)
    assert not isinstance(confirmed, InputError)
    report = diff(requested, confirmed)
    headline = None if headlines is None else headlines.of(report)
    if report.complete:
        verdict = Verdict.COMPLETE
    elif not report.stays:
        verdict = Verdict.ONLY_CONFIRMED
    elif not report.booked and not report.booked_differently and not report.unrequested:
        verdict = Verdict.ONLY_REQUESTED
    else:
        verdict = Verdict.DIFFERS
    return AuditResult(key, verdict, report, headline)
