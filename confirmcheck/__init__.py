"""confirmcheck: say plainly what a hotel confirmation did NOT book."""

from confirmcheck.errors import ConfirmcheckError, InputError, LocaleError, Problem
from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    Totals,
    report_from_json,
    report_to_json,
)
from confirmcheck.stay import MAX_OCCURRENCES, Series, Stay, expand

__all__ = [
    "MAX_OCCURRENCES",
    "ConfirmcheckError",
    "DifferentRange",
    "InputError",
    "LocaleError",
    "Problem",
    "Range",
    "Report",
    "Series",
    "Status",
    "Stay",
    "StayResult",
    "Totals",
    "expand",
    "report_from_json",
    "report_to_json",
]
