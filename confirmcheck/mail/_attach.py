"""The high-level change: render a report in the mail's language and put it in."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import TYPE_CHECKING

from confirmcheck.i18n import pick_locale
from confirmcheck.mail._change import insert_summary
from confirmcheck.mail._structure import MailError, header_values
from confirmcheck.render import render_html, render_text, summarize
from confirmcheck.render.ics import report_to_ics

if TYPE_CHECKING:
    from collections.abc import Iterable

    from confirmcheck.render.summary import RoomTypes
    from confirmcheck.report import Report
    from confirmcheck.stay import Series, Stay

__all__ = ["attach_summary", "mail_date", "mail_languages"]


def mail_languages(message: bytes) -> tuple[str, ...]:
    """The language tags of the mail's ``Content-Language`` header, in order."""
    tags: list[str] = []
    for _, value in header_values(bytes(message), "content-language"):
        tags.extend(t for t in re.split(r"[\s,]+", value) if t)
    return tuple(tags)


def mail_date(message: bytes) -> dt.datetime | None:
    """The mail's ``Date`` as an aware date-time, or None when it has no usable one.

    A date with the zone ``-0000`` (zone unknown) is taken as UTC.
    """
    for _, value in header_values(bytes(message), "date"):
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return None


def attach_summary(
    message: bytes,
    report: Report,
    *,
    locale: str | None = None,
    attach_calendar: bool = True,
    stamp: dt.datetime | None = None,
    hotel: str | None = None,
    confirmed: Iterable[Stay | Series] = (),
    room_types: RoomTypes | None = None,
    subject_prefix: str | None = None,
    allow_dkim: bool = False,
) -> bytes:
    """Put the report's summary at the top of a confirmation mail; returns its bytes.

    The summary is written in ``locale``; without one, in the first language of the
    mail's ``Content-Language`` that confirmcheck supports, else in English. The
    report's calendar is attached as ``booking-summary.ics`` unless
    ``attach_calendar`` is False; its ``DTSTAMP`` is ``stamp``, else the mail's own
    ``Date`` (so that a retry gives the same bytes), and ``hotel`` names the hotel
    in its events; the summary names the references of the ``confirmed`` stays
    and the hotel's ``room_types`` (see :func:`~confirmcheck.summarize`).
    ``subject_prefix`` (off by default) goes in front
    of the Subject. A mail that already carries a DKIM-Signature is refused unless
    ``allow_dkim`` is True. Everything else: :func:`insert_summary`.
    Raises :class:`MailError` for a mail that cannot be changed safely and
    :class:`~confirmcheck.errors.LocaleError` for an unsupported ``locale``.
    """
    if not isinstance(message, bytes | bytearray | memoryview):
        raise TypeError(f"message must be bytes, not {type(message).__name__}")
    data = bytes(message)
    chosen = pick_locale(locale, mail_languages(data))
    summary = summarize(
        report, locale=chosen, confirmed=confirmed, room_types=room_types
    )
    calendar: bytes | None = None
    if attach_calendar:
        when = stamp if stamp is not None else mail_date(data)
        if when is None:
            raise MailError(
                "has no usable Date header to stamp the calendar with; pass the "
                "time the report was made (stamp=) or leave the calendar out",
                path=("mail",),
            )
        calendar = report_to_ics(
            report, stamp=when, locale=chosen, hotel=hotel, summary=summary
        )
    return insert_summary(
        data,
        text=render_text(summary),
        html=render_html(summary),
        calendar=calendar,
        complete=report.complete,
        subject_prefix=subject_prefix,
        allow_dkim=allow_dkim,
    )
