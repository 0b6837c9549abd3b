"""Compare what a guest asked for with what a hotel confirmed, as the files say it.

:func:`diff` compares stays. The formats say more than stays: a request may be
flexible ("4 nights arriving between 3 and 8 Oct"), a confirmation may cancel a
reservation. :func:`compare` takes both :class:`StaysFile` values and runs three
pure steps around the diff:

1. each flexible request becomes the concrete stay it stands for
   (:func:`~confirmcheck.flexible.resolve_flexible`), numbered after the
   requested stays;
2. :func:`diff` compares the stays;
3. the result of each flexible request carries its arrival window, and the
   result of each request that a cancellation cancelled, and that is not
   (fully) booked, is marked ``cancelled``: the reason its nights are not booked.
"""

from __future__ import annotations

from dataclasses import replace

from confirmcheck.diff import diff
from confirmcheck.errors import InputError
from confirmcheck.flexible import resolve_flexible
from confirmcheck.readers.json import StaysFile
from confirmcheck.report import Report, Status, StayResult
from confirmcheck.stay import Stay, expand

__all__ = ["compare"]

_NOT_ALL_BOOKED = frozenset({Status.PARTLY_BOOKED, Status.NOT_BOOKED})


def compare(requested: StaysFile, confirmed: StaysFile) -> Report:
    """The report of ``requested`` against ``confirmed``, flexible requests and
    cancellations included.

    A guest's request (``confirmed.is_request``) or a flexible request on the
    confirmed side is an :class:`InputError`: a confirmation names its dates.

    >>> import datetime as dt
    >>> from confirmcheck.cancellation import Cancellation
    >>> from confirmcheck.stay import Stay
    >>> asked = StaysFile([Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13), ref="A")])
    >>> compare(asked, StaysFile([], cancelled=[Cancellation("A")])).stays[0].cancelled
    True
    """
    if confirmed.is_request:
        raise InputError(
            'is a guest\'s request (ResStatus="Requested"), not a confirmation'
        )
    if confirmed.flexible:
        first = confirmed.flexible[0]
        raise InputError(
            f"holds a flexible request ({first.nights} nights arriving from "
            f"{first.earliest} to {first.latest}): a confirmation names its dates"
        )
    fixed = expand(requested.stays)
    asked = [*fixed, *resolve_flexible(requested.flexible, confirmed.stays)]
    report = diff(asked, confirmed.stays)
    results = [
        _with_reasons(stay, result, requested, confirmed, index - len(fixed))
        for index, (stay, result) in enumerate(zip(asked, report.stays, strict=True))
    ]
    return replace(report, stays=tuple(results))


def _with_reasons(
    stay: Stay,
    result: StayResult,
    requested: StaysFile,
    confirmed: StaysFile,
    flexible_index: int,
) -> StayResult:
    """``result`` with its arrival window (for the flexible request of that
    index, if it is one) and whether a cancellation is why it is not booked."""
    window = requested.flexible[flexible_index] if flexible_index >= 0 else None
    cancelled = result.status in _NOT_ALL_BOOKED and any(
        c.cancels(stay) for c in confirmed.cancelled
    )
    if window is None and not cancelled:
        return result
    return replace(
        result,
        earliest_arrival=window.earliest if window else None,
        latest_arrival=window.latest if window else None,
        cancelled=cancelled,
    )
