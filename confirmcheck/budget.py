"""What reading one input may cost, all of it together: how many stays it may give
and how long its recurrence rules may be searched.

A limit per rule does not bound an input: a thousand rules that each stay within
their own limit can still build millions of stays or search for centuries. A
:class:`Budget` is made once per input (one side of a check, one calendar) and
every series read from it draws on it *before* the work is done: a rule's
``COUNT`` is checked against the stays left before a date is computed, and a
search that could run longer than what is left is refused before it starts.
"""

from __future__ import annotations

from typing import Final

from confirmcheck.errors import InputError

__all__ = ["MAX_INPUT_STAYS", "SEARCH_BUDGET", "SEARCH_COST", "Budget"]

MAX_INPUT_STAYS: Final = 100_000
"""How many stays one input may give once its series are expanded."""

SEARCH_COST: Final = {"DAILY": 3, "WEEKLY": 5, "MONTHLY": 9, "YEARLY": 41}
"""What looking at one day, week, month or year of a rule costs: about as many
microseconds as python-dateutil spends on it when the rule's BY parts leave most
of them out (measured; they are weights, not a clock)."""

SEARCH_BUDGET: Final = 1_000_000
"""How much searching one input's rules may cost together (see SEARCH_COST): a
century of days for a rule that never matches, but not two of them."""


class Budget:
    """The stays and the search one input has left; drawn on as it is read."""

    __slots__ = ("max_stays", "search_left", "stays_left")

    def __init__(
        self, *, max_stays: int = MAX_INPUT_STAYS, search: int = SEARCH_BUDGET
    ) -> None:
        self.max_stays = max_stays
        self.stays_left = max_stays
        self.search_left = search

    def check_stays(self, count: int) -> None:
        """Refuse ``count`` more stays, before they are made, when fewer are left."""
        if count > self.stays_left:
            raise InputError(
                f"with it the stays reach more than the {self.max_stays} one input "
                "may have (series expanded)"
            )

    def take_stays(self, count: int) -> None:
        """Draw ``count`` stays; an :class:`InputError` (no place: the caller
        adds it) when fewer are left."""
        self.check_stays(count)
        self.stays_left -= count

    def check_search(self, cost: int) -> None:
        """Refuse, before it starts, a search that could cost more than is left."""
        if cost > self.search_left:
            raise InputError(
                "the rule could take more searching than is left for this input: "
                "its rules (with those before it) rarely or never give a date"
            )

    def spend_search(self, cost: int) -> None:
        """Draw what a search did cost."""
        self.search_left -= min(cost, self.search_left)
