"""confirmcheck: say plainly what a hotel confirmation did NOT book.

>>> import datetime as dt
>>> from confirmcheck import Stay, diff, render_text
>>> requested = [Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))]
>>> print(render_text(diff(requested, [])), end="")
NOT BOOKED: your requested stay.
  Mon, 9 Mar – Fri, 13 Mar 2026 (4 nights): no room is reserved.
"""

from typing import TYPE_CHECKING, Any

from confirmcheck.audit import AuditResult, Verdict, check_many
from confirmcheck.cancellation import Cancellation
from confirmcheck.compare import compare
from confirmcheck.diff import diff
from confirmcheck.errors import ConfirmcheckError, InputError, LocaleError, Problem
from confirmcheck.flexible import FlexibleStay
from confirmcheck.i18n import SUPPORTED_LOCALES, pick_locale, resolve_locale
from confirmcheck.readers import (
    StaysFile,
    hotel_of,
    load_stays,
    read_stays,
    room_types_of,
    stays_schema,
)
from confirmcheck.render import (
    Section,
    Summary,
    describe_differences,
    render_html,
    render_text,
    summarize,
)
from confirmcheck.report import (
    DifferentRange,
    Range,
    Report,
    Status,
    StayResult,
    Totals,
)
from confirmcheck.report_json import (
    report_from_dict,
    report_from_json,
    report_schema,
    report_to_dict,
    report_to_json,
)
from confirmcheck.stay import MAX_OCCURRENCES, Series, Stay, expand

if TYPE_CHECKING:
    from confirmcheck.mail import MailError, attach_summary, insert_summary
    from confirmcheck.readers.ics import (
        MAX_CALENDAR_BYTES,
        CalendarError,
        looks_like_calendar,
        read_calendar,
    )
    from confirmcheck.render.ics import report_to_ics

# Calendars and mails are loaded when first used: a command line that only
# checks JSON starts without them (PEP 562).
_LAZY = {
    "MAX_CALENDAR_BYTES": "confirmcheck.readers.ics",
    "CalendarError": "confirmcheck.readers.ics",
    "looks_like_calendar": "confirmcheck.readers.ics",
    "read_calendar": "confirmcheck.readers.ics",
    "report_to_ics": "confirmcheck.render.ics",
    "MailError": "confirmcheck.mail",
    "attach_summary": "confirmcheck.mail",
    "insert_summary": "confirmcheck.mail",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'confirmcheck' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def _version() -> str:
    # The installed distribution's metadata is the one source of the version;
    # read on first use, as it costs a look through sys.path.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("confirmcheck")
    except PackageNotFoundError:  # pragma: no cover - a checkout never installed
        return "0+unknown"


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "MAX_CALENDAR_BYTES",
    "MAX_OCCURRENCES",
    "SUPPORTED_LOCALES",
    "AuditResult",
    "CalendarError",
    "Cancellation",
    "ConfirmcheckError",
    "DifferentRange",
    "FlexibleStay",
    "InputError",
    "LocaleError",
    "MailError",
    "Problem",
    "Range",
    "Report",
    "Section",
    "Series",
    "Status",
    "Stay",
    "StayResult",
    "StaysFile",
    "Summary",
    "Totals",
    "Verdict",
    "attach_summary",
    "check_many",
    "compare",
    "describe_differences",
    "diff",
    "expand",
    "hotel_of",
    "insert_summary",
    "load_stays",
    "looks_like_calendar",
    "pick_locale",
    "read_calendar",
    "read_stays",
    "render_html",
    "render_text",
    "report_from_dict",
    "report_from_json",
    "report_schema",
    "report_to_dict",
    "report_to_ics",
    "report_to_json",
    "resolve_locale",
    "room_types_of",
    "stays_schema",
    "summarize",
]
