"""Choosing the language of a summary: one rule for the mail and the webhook."""

from __future__ import annotations

import pytest

from confirmcheck import LocaleError, pick_locale


@pytest.mark.parametrize(
    ("requested", "languages", "expected"),
    [
        ("de-AT", ["en"], "de"),  # an explicit locale comes first
        (None, ["de-CH", "en"], "de"),  # then the mail's Content-Language tags
        (None, ["fr", "x y", "", "en-GB"], "en"),  # unsupported or malformed: passed
        (None, ["fr", "de"], "de"),
        (None, [], "en"),  # else English
        (None, ["fr", "de"][:1], "en"),
    ],
)
def test_the_explicit_locale_then_the_mails_languages_then_english(
    requested: str | None, languages: list[str], expected: str
) -> None:
    assert pick_locale(requested, languages) == expected


def test_an_unsupported_explicit_locale_is_an_error() -> None:
    with pytest.raises(LocaleError, match="supported: de, en"):
        pick_locale("fr", ["de"])
