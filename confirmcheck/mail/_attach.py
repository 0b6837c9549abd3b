"""The high-level change: render a report in the mail's language and put it in."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from confirmcheck.errors import InputError
from confirmcheck.mail._change import insert_summary
from confirmcheck.mail._structure import parse_header_fields

if TYPE_CHECKING:
    from confirmcheck.report import Report

__all__ = ["attach_summary", "mail_languages"]


def mail_languages(message: bytes) -> tuple[str, ...]:
    """The language tags of the mail's ``Content-Language`` header, in order."""
    tags: list[str] = []
    for name, value in parse_header_fields(bytes(message)):
        if name == "content-language":
            tags.extend(t for t in re.split(r"[\s,]+", value) if t)
    return tuple(tags)


def _calendar_writer() -> Callable[..., bytes]:
    # confirmcheck.calendar is imported when needed, by name: the mail change works
    # without it (attach_calendar=False) and the module stays out of import cycles.
    module = importlib.import_module("confirmcheck.calendar")
    writer: Callable[..., bytes] = module.report_to_ics
    return writer


def _pick_locale(message: bytes, locale: str | None) -> str:
    from confirmcheck.i18n import resolve_locale

    if locale is not None:
        return resolve_locale(locale)
    for tag in mail_languages(message):
        try:
            return resolve_locale(tag)
        except InputError:
            continue
    return "en"


def attach_summary(
    message: bytes,
    report: Report,
    *,
    locale: str | None = None,
    attach_calendar: bool = True,
    subject_prefix: str | None = None,
    allow_dkim: bool = False,
) -> bytes:
    """Put the report's summary at the top of a confirmation mail; returns its bytes.

    The summary is written in ``locale``; without one, in the first language of the
    mail's ``Content-Language`` that confirmcheck supports, else in English. The
    report's calendar is attached as ``booking-summary.ics`` unless
    ``attach_calendar`` is False. ``subject_prefix`` (off by default) goes in front
    of the Subject. A mail that already carries a DKIM-Signature is refused unless
    ``allow_dkim`` is True. Everything else: :func:`insert_summary`.
    Raises :class:`MailError` for a mail that cannot be changed safely and
    :class:`~confirmcheck.errors.LocaleError` for an unsupported ``locale``.
    """
    from confirmcheck.render import render_html, render_text

    if not isinstance(message, bytes | bytearray | memoryview):
        raise TypeError(f"message must be bytes, not {type(message).__name__}")
    data = bytes(message)
    chosen = _pick_locale(data, locale)
    calendar: bytes | None = None
    if attach_calendar:
        calendar = _calendar_writer()(report, locale=chosen)
    return insert_summary(
        data,
        text=render_text(report, locale=chosen),
        html=render_html(report, locale=chosen),
        calendar=calendar,
        complete=report.complete,
        subject_prefix=subject_prefix,
        allow_dkim=allow_dkim,
    )
