"""Cancelled reservations: what a confirmation withdrew, so a report can say why.

A cancellation contributes no confirmed nights. It is kept so that a request it
cancelled is reported as not booked *because cancelled*: the request's ``ref``
is the cancellation's (compared without regard to case), or the cancellation's
own stays, where the message still lists them, share a night with the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from confirmcheck.stay import Stay

__all__ = ["Cancellation"]


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A cancelled reservation: its reference, and its stays where they are known."""

    ref: str | None = None
    stays: tuple[Stay, ...] = ()

    def cancels(self, requested: Stay) -> bool:
        """Whether this cancellation is why ``requested`` is not (fully) booked.

        >>> import datetime as dt
        >>> week = Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13), ref="A-1")
        >>> Cancellation("a-1").cancels(week), Cancellation("B-2").cancels(week)
        (True, False)
        """
        if (
            self.ref is not None
            and requested.ref is not None
            and self.ref.casefold() == requested.ref.casefold()
        ):
            return True
        return any(
            s.check_in < requested.check_out and requested.check_in < s.check_out
            for s in self.stays
        )
