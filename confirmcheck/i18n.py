"""Languages: which locales confirmcheck speaks, their catalogs, dates and numbers.

Sentences are gettext messages (English message ids, a catalog per language under
``confirmcheck/locales``); dates, plurals and numbers come from Babel's CLDR data.
Nothing here reads the process locale: every function takes the locale it uses.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from functools import cache
from importlib.resources import files

from confirmcheck.errors import LocaleError

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "format_date",
    "format_number",
    "resolve_locale",
    "translations",
]

SUPPORTED_LOCALES = ("de", "en")
"""The languages a summary can be written in (regional variants fall back)."""

DEFAULT_LOCALE = "en"

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")

# How a date looks in a summary, per language: the weekday says at a glance
# which stay is meant ("Mon 9 Mar 2026", "Mo., 9. März 2026").
_DATE_PATTERNS = {"en": "EEE d MMM y", "de": "EEE, d. MMMM y"}


def resolve_locale(tag: str) -> str:
    """The supported language for a locale tag: ``de-AT`` → ``de``, ``en_GB`` → ``en``.

    Raises :class:`LocaleError`, listing the supported languages, for any other.

    >>> resolve_locale("de-CH")
    'de'
    """
    if not isinstance(tag, str) or not _TAG.fullmatch(tag.strip()):
        raise LocaleError(
            f"{tag!r} is not a locale; supported: {', '.join(SUPPORTED_LOCALES)}"
        )
    language = re.split(r"[-_]", tag.strip())[0].lower()
    if language not in SUPPORTED_LOCALES:
        raise LocaleError(
            f"{tag} is not supported; supported: {', '.join(SUPPORTED_LOCALES)}"
        )
    return language


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The message catalog of a supported locale (English needs none)."""
    language = resolve_locale(locale)
    if language == DEFAULT_LOCALE:
        return gettext.NullTranslations()
    catalog = files("confirmcheck").joinpath(
        "locales", language, "LC_MESSAGES", "confirmcheck.mo"
    )
    with catalog.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def format_date(day: dt.date, locale: str) -> str:
    """A date with its weekday, as the language writes it: ``Mon 9 Mar 2026``."""
    language = locale if locale in SUPPORTED_LOCALES else resolve_locale(locale)
    layout = _date_layout(language)
    if layout is None:
        from babel.dates import format_date as babel_format_date

        return babel_format_date(day, _DATE_PATTERNS[language], locale=language)
    template, weekdays, months = layout
    return template % {
        "EEE": weekdays[day.weekday()],
        "d": day.day,
        "MMM": months[3][day.month],
        "MMMM": months[4][day.month],
        "y": day.year,
    }


# The fields of the date patterns that format_date fills itself, from the
# language's CLDR names read once: Babel applies a pattern field by field
# (10 us a date, 40 dates a summary), and what it writes for these fields is
# the name (E, M) or the plain number (d, y: '%0*d' % (1, value)).
_OWN_FIELDS = frozenset({"EEE", "d", "MMM", "MMMM", "y"})


@cache
def _date_layout(
    language: str,
) -> tuple[str, tuple[str, ...], dict[int, dict[int, str]]] | None:
    """The pattern of ``language`` as a %-template, its abbreviated weekday
    names (Monday first) and month names (abbreviated: 3, wide: 4); None when
    the pattern has a field Babel must fill."""
    from babel import Locale
    from babel.dates import get_day_names, get_month_names, parse_pattern

    template = str(parse_pattern(_DATE_PATTERNS[language]).format)
    if not set(re.findall(r"%\((\w+)\)", template)) <= _OWN_FIELDS:
        return None  # pragma: no cover - the patterns above have only these
    where = Locale.parse(language)
    names = get_day_names("abbreviated", "format", where)
    months = {
        3: dict(get_month_names("abbreviated", "format", where)),
        4: dict(get_month_names("wide", "format", where)),
    }
    return template, tuple(names[i] for i in range(7)), months


def format_number(number: int, locale: str) -> str:
    """A whole number with the language's grouping: ``12,345`` / ``12.345``."""
    if -1000 < number < 1000:
        return str(number)
    from babel.numbers import format_decimal

    return format_decimal(number, locale=resolve_locale(locale))
