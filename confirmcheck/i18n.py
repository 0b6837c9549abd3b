"""Languages: which locales confirmcheck speaks, their catalogs, dates and numbers.

Sentences are gettext messages (English message ids, a catalog per language under
``confirmcheck/locales``); dates, plurals and numbers come from Babel's CLDR data.
Nothing here reads the process locale: every function takes the locale it uses.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from confirmcheck.errors import LocaleError

if TYPE_CHECKING:
    import babel

__all__ = [
    "DEFAULT_LOCALE",
    "SUPPORTED_LOCALES",
    "format_date",
    "format_number",
    "pick_locale",
    "resolve_locale",
    "translations",
]

SUPPORTED_LOCALES = ("de", "en")
"""The languages a summary can be written in (regional variants fall back)."""

DEFAULT_LOCALE = "en"

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")

# How a date looks in a summary, per language (CLDR date patterns): the weekday
# says at a glance which stay is meant ("Mon 9 Mar 2026", "Mo., 9. März 2026").
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
    """A date with its weekday, as the language writes it: ``Mon 9 Mar 2026``.

    Written by Babel from CLDR's data for the language.
    """
    # Babel is loaded with the first date: ``import confirmcheck`` stays light.
    from babel.dates import format_date as babel_format_date

    language = resolve_locale(locale)
    return babel_format_date(day, _DATE_PATTERNS[language], locale=_cldr(language))


def format_number(number: int, locale: str) -> str:
    """A whole number with the language's grouping: ``12,345`` / ``12.345``."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=_cldr(resolve_locale(locale)))


@cache
def _cldr(language: str) -> babel.Locale:
    """Babel's CLDR data of a supported language, looked up once."""
    from babel import Locale

    return Locale.parse(language)


def pick_locale(requested: str | None, languages: Sequence[str]) -> str:
    """The language to write in: ``requested`` when given, else the first of
    ``languages`` (a mail's Content-Language tags, say) that is supported, else
    English.

    An unsupported ``requested`` locale is an error (:class:`LocaleError`); an
    unsupported or malformed tag in ``languages`` is passed over. A caller with
    a default of its own puts it last in ``languages``.

    >>> pick_locale(None, ["fr-CH", "de-AT"])
    'de'
    >>> pick_locale("en-GB", ["de"])
    'en'
    """
    if requested is not None:
        return resolve_locale(requested)
    for tag in languages:
        try:
            return resolve_locale(tag)
        except LocaleError:
            continue
    return DEFAULT_LOCALE
