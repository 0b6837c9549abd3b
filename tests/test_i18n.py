"""Choosing the language of a summary: one rule for the mail and the webhook."""

from __future__ import annotations

import datetime as dt

import pytest

from confirmcheck import LocaleError, Stay, diff, pick_locale, render_text
from confirmcheck.i18n import regional_locale, resolve_locale


@pytest.mark.parametrize(
    ("requested", "languages", "expected"),
    [
        ("de-AT", ["en"], "de-AT"),  # an explicit locale comes first, region kept
        (None, ["de-CH", "en"], "de-CH"),  # then the mail's Content-Language tags
        (None, ["sv", "x y", "", "en-GB"], "en-GB"),  # unsupported or malformed: passed
        (None, ["sv", "de"], "de"),
        (None, [], "en"),  # else English
        (None, ["sv", "de"][:1], "en"),
        (None, ["fr-CH"], "fr-CH"),
        (None, ["de-XY"], "de"),  # a region CLDR does not know is dropped
    ],
)
def test_the_explicit_locale_then_the_mails_languages_then_english(
    requested: str | None, languages: list[str], expected: str
) -> None:
    assert pick_locale(requested, languages) == expected


def test_an_unsupported_explicit_locale_is_an_error() -> None:
    with pytest.raises(LocaleError, match="supported: de, en, es, fr, it, nl, pl"):
        pick_locale("sv", ["de"])


@pytest.mark.parametrize(
    ("tag", "language", "regional"),
    [
        ("de-AT", "de", "de-AT"),
        ("de_at", "de", "de-AT"),
        ("fr-CH", "fr", "fr-CH"),
        ("pl", "pl", "pl"),
        ("en-GB", "en", "en-GB"),
        ("NL-be", "nl", "nl-BE"),
    ],
)
def test_a_regional_locale_keeps_its_region_for_dates_and_its_language_for_words(
    tag: str, language: str, regional: str
) -> None:
    assert resolve_locale(tag) == language
    assert regional_locale(tag) == regional


def test_austrian_dates_say_jaenner() -> None:
    report = diff([Stay(dt.date(2027, 1, 4), dt.date(2027, 1, 8))], [])
    assert "Jän." in render_text(report, locale="de-AT")
    assert "Jän." not in render_text(report, locale="de")
    assert "Jan." in render_text(report, locale="de")
