"""Cancelled reservations: what a confirmation withdrew, so a report can say why.

A cancellation contributes no confirmed nights. It is kept so that the nights of
a request it cancelled are reported as not booked *because cancelled*: the
request's ``ref`` is the cancellation's, or the cancellation's own stays (where
the message still lists them) cover the night.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from confirmcheck.stay import Stay

__all__ = ["Cancellation"]


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A cancelled reservation: its reference, and its stays where they are known."""

    ref: str | None = None
    stays: tuple[Stay, ...] = ()

    def cancels(self, requested: Stay, night: dt.date) -> bool:
        """Whether this cancellation explains why ``night`` of ``requested`` is
        not booked."""
        if (
            self.ref is not None
            and requested.ref is not None
            and self.ref.casefold() == requested.ref.casefold()
        ):
            return True
        return any(s.check_in <= night < s.check_out for s in self.stays)


def is_cancelled(
    cancellations: Sequence[Cancellation], requested: Stay, night: dt.date
) -> bool:
    """Whether any of ``cancellations`` cancels ``night`` of ``requested``."""
    return any(c.cancels(requested, night) for c in cancellations)
