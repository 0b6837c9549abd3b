"""Series in a request: the regular runs of stays a guest asked for as one.

A guest asks for "a room every week, Monday to Friday, until May", and the
summary says it back to him that way. A run is found from the requested side
only, whatever was confirmed: stays of the same length, rooms, room type and
guests whose check-ins follow each other at one fixed interval (a series given
as an RRULE expands to just that), at least :data:`MIN_STAYS` of them. The
longest runs are taken first, reading the stays in date order; a stay in no
run is a single stay and is spoken of on its own.

The diff never looks at runs: they only shape how a summary words the report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from confirmcheck.report import StayResult

__all__ = ["MIN_STAYS", "Run", "find_runs"]

MIN_STAYS = 3
"""How many stays make a run: two stays a week apart are just two stays."""


@dataclass(frozen=True, slots=True)
class Run:
    """Requested stays that repeat at a fixed interval: ``stays`` (their numbers,
    in date order) check in every ``step`` days from ``first`` to ``last``,
    each for ``nights`` nights."""

    stays: tuple[int, ...]
    first: dt.date
    last: dt.date
    step: int
    nights: int

    @property
    def check_ins(self) -> Iterator[dt.date]:
        """The check-in of every stay of the run, in order."""
        day = self.first
        while day <= self.last:
            yield day
            day += dt.timedelta(days=self.step)

    @property
    def weekly(self) -> bool:
        """True for a run every week or every few weeks."""
        return self.step % 7 == 0

    @property
    def check_out(self) -> dt.date:
        """The check-out of the run's last stay."""
        return self.last + dt.timedelta(days=self.nights)


def _shape(stay: StayResult) -> tuple[int, int, str | None, int | None]:
    room_type = None if stay.room_type is None else stay.room_type.casefold()
    return stay.nights, stay.rooms, room_type, stay.guests


def find_runs(
    stays: Iterable[StayResult],
) -> tuple[tuple[Run, ...], tuple[StayResult, ...]]:
    """The runs among ``stays`` (in the order of their first check-in) and the
    stays in none (in date order)."""
    alike: defaultdict[tuple[int, int, str | None, int | None], list[StayResult]]
    alike = defaultdict(list)
    for stay in stays:
        alike[_shape(stay)].append(stay)
    runs: list[Run] = []
    single: list[StayResult] = []
    for group in alike.values():
        group.sort(key=lambda stay: (stay.check_in, stay.stay))
        found, rest = _runs_of(group)
        runs += found
        single += rest
    runs.sort(key=lambda run: (run.first, run.stays))
    single.sort(key=lambda stay: (stay.check_in, stay.stay))
    return tuple(runs), tuple(single)


def _runs_of(group: Sequence[StayResult]) -> tuple[list[Run], list[StayResult]]:
    """Runs of stays alike, sorted by check-in: each as long as it goes."""
    runs: list[Run] = []
    rest: list[StayResult] = []
    start = 0
    while start < len(group):
        end = start + 1
        if end < len(group):
            step = (group[end].check_in - group[start].check_in).days
            while (
                step > 0
                and end + 1 < len(group)
                and (group[end + 1].check_in - group[end].check_in).days == step
            ):
                end += 1
            if step > 0 and end - start + 1 >= MIN_STAYS:
                members = group[start : end + 1]
                runs.append(
                    Run(
                        stays=tuple(stay.stay for stay in members),
                        first=members[0].check_in,
                        last=members[-1].check_in,
                        step=step,
                        nights=members[0].nights,
                    )
                )
                start = end + 1
                continue
        rest.append(group[start])
        start += 1
    return runs, rest
