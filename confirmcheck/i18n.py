"""Languages: which locales confirmcheck speaks, their catalogs, dates and numbers.

Sentences are gettext messages (English message ids, a catalog per language under
``confirmcheck/locales``); dates, plurals and numbers come from Babel's CLDR data.
Nothing here reads the process locale: every function takes the locale it uses.
"""

from __future__ import annotations

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
    "cldr_locale",
    "format_number",
    "pick_locale",
    "regional_locale",
    "resolve_locale",
    "translations",
]

SUPPORTED_LOCALES = ("de", "en", "es", "fr", "it", "nl", "pl")
"""The languages a summary can be written in (regional variants fall back to
their language's sentences and keep their region's dates: ``de-AT``)."""

DEFAULT_LOCALE = "en"

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")

# The CLDR data a bare language writes its dates with. English hotels in Europe
# put the day first ("Mon, 9 Mar 2026"); "en-US" asks for the month first.
_DEFAULT_REGION = {"en": "en_GB"}


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


def regional_locale(tag: str) -> str:
    """A supported locale tag with its region kept: ``de_at`` → ``de-AT``.

    The language picks the sentences (:func:`resolve_locale`); the region, when
    CLDR knows it, the dates (``de-AT`` writes "Jänner"). An unknown region is
    dropped: ``de-XY`` → ``de``.

    >>> regional_locale("de_at"), regional_locale("fr-CH"), regional_locale("en")
    ('de-AT', 'fr-CH', 'en')
    """
    language = resolve_locale(tag)
    parts = re.split(r"[-_]", tag.strip())
    if len(parts) < 2 or len(parts[1]) != 2 or not parts[1].isalpha():
        return language
    regional = f"{language}-{parts[1].upper()}"
    return regional if _known(regional) else language


def cldr_locale(locale: str) -> babel.Locale:
    """Babel's CLDR data for a locale's dates, numbers and units (``de-AT`` →
    ``de_AT``; a bare ``en`` → ``en_GB``)."""
    tag = regional_locale(locale)
    return _cldr(_DEFAULT_REGION.get(tag, tag.replace("-", "_")))


def format_number(number: int, locale: str) -> str:
    """A whole number with the language's grouping: ``12,345`` / ``12.345``."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=cldr_locale(locale))


@cache
def _known(tag: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


@cache
def _cldr(name: str) -> babel.Locale:
    """Babel's CLDR data of a locale, looked up once."""
    from babel import Locale

    return Locale.parse(name)


def pick_locale(requested: str | None, languages: Sequence[str]) -> str:
    """The locale to write in: ``requested`` when given, else the first of
    ``languages`` (a mail's Content-Language tags, say) whose language is
    supported, else English; the region is kept (:func:`regional_locale`).

    An unsupported ``requested`` locale is an error (:class:`LocaleError`); an
    unsupported or malformed tag in ``languages`` is passed over. A caller with
    a default of its own puts it last in ``languages``.

    >>> pick_locale(None, ["sv-SE", "de-AT"])
    'de-AT'
    >>> pick_locale("en-GB", ["de"])
    'en-GB'
    """
    if requested is not None:
        return regional_locale(requested)
    for tag in languages:
        try:
            return regional_locale(tag)
        except LocaleError:
            continue
    return DEFAULT_LOCALE
