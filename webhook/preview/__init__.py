"""The preview page for hotel staff: check a confirmation before it goes out.

``GET /preview`` shows the form; ``POST /preview`` shows the verdict, the guest's
summary as the mail will show it, and the nights as month calendars;
``POST /preview/download/<what>`` answers the same form with a file (the report
JSON, the calendar, the changed mail). Nothing is stored, logged or cached: a
download posts the whole form again. Plain HTML forms, no script.

Served only when ``CONFIRMCHECK_PREVIEW`` is on (or with ``--dev``), behind HTTP
Basic auth (:mod:`webhook.preview.guard`).
"""

from __future__ import annotations

import datetime as dt

import babel
from flask import Blueprint, Response, current_app, g, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from confirmcheck import (
    SUPPORTED_LOCALES,
    InputError,
    MailError,
    Report,
    Stay,
    attach_summary,
    compare,
    render_html,
    render_text,
    report_to_ics,
    report_to_json,
    room_types_of,
    summarize,
)
from confirmcheck.mail import mail_date

from ..config import Config
from .builder import WEEKDAYS
from .form import FormResult, Inputs, read_form
from .grid import OUTCOMES, months
from .guard import (
    authenticated_user,
    csrf_token,
    csrf_valid,
    protect,
)

__all__ = ["DOWNLOADS", "bp"]

bp = Blueprint(
    "preview",
    __name__,
    url_prefix="/preview",
    template_folder="templates",
    static_folder="static",
)

#: What can be downloaded: file name and media type. The mail goes as bytes
#: (octet-stream): Chromium does not download a message/rfc822 answer even when
#: it is marked as an attachment (it tries to show it as MHTML, and shows
#: nothing); the .eml name tells the computer what it is.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "report": ("confirmcheck-report.json", "application/json"),
    "calendar": ("booking-summary.ics", "text/calendar; charset=utf-8"),
    "mail": ("confirmation-with-summary.eml", "application/octet-stream"),
}


def _language_name(tag: str) -> str:
    """A language as its speakers name it ("Deutsch"), from CLDR."""
    name = babel.Locale.parse(tag).get_display_name(tag) or tag
    return name[:1].upper() + name[1:]


def _config() -> Config:
    found: Config = current_app.extensions["confirmcheck"]
    return found


@bp.before_request
def _guard() -> Response | None:
    config = _config()
    user = authenticated_user(config, request.headers.get("Authorization"))
    if user is None:
        response = Response(
            "Sign in with a name and password from CONFIRMCHECK_PREVIEW_USERS.\n",
            status=401,
            mimetype="text/plain",
        )
        response.headers["WWW-Authenticate"] = (
            'Basic realm="confirmcheck preview", charset="UTF-8"'
        )
        return response
    g.preview_user = user
    if request.method == "POST":
        # Pasted mails are as large as the API's bodies; Flask's own limit for
        # form fields (500 kB) would refuse them.
        request.max_form_memory_size = config.max_body_bytes
        declared = request.content_length
        if declared is not None and declared > config.max_body_bytes:
            raise RequestEntityTooLarge()
        if not csrf_valid(config, user, request.form.get("csrf")):
            return _page(
                FormResult({}, []),
                status=400,
                notice="The form was not accepted: it is older than a working shift "
                "or was not sent from this page. Nothing was checked; fill it in "
                "again.",
            )
    return None


@bp.after_request
def _protect(response: Response) -> Response:
    return protect(response)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Response:
    limit = _config().max_body_bytes
    return _page(
        FormResult({}, []),
        status=413,
        notice=f"The form was too large: at most {limit:,} bytes are accepted "
        "(files and pasted text together). Nothing was checked.",
    )


def _page(
    result: FormResult,
    *,
    status: int = 200,
    notice: str | None = None,
    outcome: dict[str, object] | None = None,
) -> Response:
    config = _config()
    values = result.values
    html = render_template(
        "preview/page.html",
        values=values,
        days=result.days,
        errors=result.errors,
        built=result.built,
        notice=notice,
        outcome=outcome,
        csrf=csrf_token(config, g.get("preview_user", "")),
        locales=[(tag, _language_name(tag)) for tag in SUPPORTED_LOCALES],
        default_locale=config.default_locale,
        weekdays=WEEKDAYS,
        outcomes=OUTCOMES,
        downloads=DOWNLOADS,
        max_bytes=config.max_body_bytes,
        stay_dates=_stay_dates,
    )
    return Response(html, status=status, mimetype="text/html")


def _stay_dates(stay: Stay) -> str:
    """``Mon 5 Jan 2026 – Fri 9 Jan 2026 (4 nights)``, for the series builder."""
    nights = stay.nights
    return (
        f"{_day(stay.check_in)} – {_day(stay.check_out)} "
        f"({nights} night{'s' if nights != 1 else ''})"
    )


_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def _day(day: dt.date) -> str:
    # English words whatever the process's C locale says (strftime would ask it).
    return (
        f"{_WEEKDAY_ABBR[day.weekday()]} {day.day} {_MONTH_ABBR[day.month - 1]} "
        f"{day.year}"
    )


@bp.get("")
def form() -> Response:
    """The empty form."""
    return _page(FormResult({}, ["MO", "TU", "WE", "TH", "FR"]))


def _read() -> FormResult:
    return read_form(
        request.form, request.files, default_locale=_config().default_locale
    )


@bp.post("")
def check() -> Response:
    """The verdict, the guest's summary and the nights, for the posted form."""
    result = _read()
    if result.inputs is None:
        return _page(result, status=422)
    try:
        outcome = _outcome(result.inputs)
    except InputError as error:  # the sides cannot be compared
        result.add(error)
        return _page(result, status=422)
    return _page(result, outcome=outcome)


def _compare(inputs: Inputs) -> Report:
    """The report, as the API makes it (flexible requests, cancellations)."""
    try:
        return compare(inputs.requested, inputs.confirmed)
    except InputError as error:  # a request given as the confirmation
        raise error.under(("confirmed",)) from None


def _outcome(inputs: Inputs) -> dict[str, object]:
    report = _compare(inputs)
    summary = summarize(
        report,
        locale=inputs.locale,
        confirmed=inputs.confirmed.stays,
        room_types=room_types_of(inputs.requested, inputs.confirmed),
    )
    return {
        "complete": report.complete,
        # The staff's verdict, in the page's language; the guest's is below.
        "verdict": summarize(report).verdict,
        "totals": report.totals,
        "locale": summary.locale,
        "text": render_text(summary),
        "frame": _frame(render_html(summary), summary.locale),
        "months": months(report),
        "has_mail": inputs.mail is not None,
    }


def _frame(fragment: str, locale: str) -> str:
    """The summary as a document of its own, for the sandboxed frame."""
    return (
        f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
        "<title>Summary</title></head>"
        f'<body style="margin:8px;background:#fff;color:#000">{fragment}</body></html>'
    )


@bp.post("/download/<what>")
def download(what: str) -> Response:
    """One of :data:`DOWNLOADS`, computed again from the posted form."""
    if what not in DOWNLOADS:
        return _page(FormResult({}, []), status=404, notice="No such download.")
    result = _read()
    inputs = result.inputs
    if inputs is None:
        return _page(result, status=422)
    try:
        report = _compare(inputs)
    except InputError as error:  # the sides cannot be compared
        result.add(error)
        return _page(result, status=422)
    if what == "mail" and inputs.mail is None:
        result.errors["mail"] = ["mail: upload the confirmation mail to change it"]
        return _page(result, status=422, outcome=_outcome(inputs))
    try:
        content = _file(what, inputs, report)
    except MailError as error:
        result.errors["mail"] = [str(problem) for problem in error.problems]
        return _page(result, status=422, outcome=_outcome(inputs))
    name, media_type = DOWNLOADS[what]
    response = Response(content, mimetype=media_type.split(";")[0])
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file(what: str, inputs: Inputs, report: Report) -> bytes:
    config = _config()
    now = dt.datetime.fromtimestamp(config.now(), dt.UTC)
    if what == "report":
        return report_to_json(report).encode("utf-8")
    if what == "calendar":
        return report_to_ics(
            report, stamp=now, locale=inputs.locale, hotel=inputs.hotel
        )
    assert inputs.mail is not None
    return attach_summary(
        inputs.mail,
        report,
        locale=inputs.locale,
        attach_calendar=config.attach_calendar,
        # The mail's own Date, as the API does, so a second download is the same.
        stamp=None if mail_date(inputs.mail) is not None else now,
        hotel=inputs.hotel,
        confirmed=inputs.confirmed.stays,
        room_types=room_types_of(inputs.requested, inputs.confirmed),
        subject_prefix=config.subject_prefix,
        allow_dkim=config.allow_dkim,
    )
