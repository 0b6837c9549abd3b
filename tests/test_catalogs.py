"""The message catalogs: every sentence translated, and the compiled files current.

The catalogs are made with ``scripts/catalogs.py``; these tests use its keyword
list and its reading of the code, so that what they check is what it writes.
"""

from __future__ import annotations

import gettext
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from confirmcheck.i18n import SUPPORTED_LOCALES
from scripts import catalogs

TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def test_the_script_and_the_tests_share_one_keyword_list() -> None:
    assert catalogs.KEYWORDS["counted"] == (1, 2)
    assert "count" not in catalogs.KEYWORDS  # a dict named count is no message


def message_ids() -> set[str]:
    return {m if isinstance(m, str) else m[0] for m in catalogs.source_messages()}


def test_every_message_is_a_sentence() -> None:
    # Babel 2.19 reads `count[...] += 1` as a call; the script's keywords
    # avoid names the code uses for other things, and empty ids are dropped.
    for message in message_ids():
        assert message.strip()
        assert "\n" not in message


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_sentence_in_the_code_is_translated(locale: str) -> None:
    with catalogs.po_path(locale).open("rb") as handle:
        po = read_po(handle)
    in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in po if m.id}
    hint = "run: uv run python scripts/catalogs.py all"
    assert message_ids() - in_catalog == set(), hint
    assert in_catalog - message_ids() == set(), f"obsolete entries; {hint}"
    untranslated = [
        m.id
        for m in po
        if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert untranslated == []
    assert not [m.id for m in po if m.fuzzy and m.id]


def test_polish_has_three_plural_forms() -> None:
    with catalogs.po_path("pl").open("rb") as handle:
        po = read_po(handle)
    assert po.num_plurals == 3
    stays = po[("{count} stay", "{count} stays")]
    assert stays is not None
    assert stays.string == ("{count} pobyt", "{count} pobyty", "{count} pobytów")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalog_is_current(locale: str) -> None:
    with catalogs.po_path(locale).open("rb") as handle:
        po = read_po(handle)
    compiled = BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with catalogs.po_path(locale).with_suffix(".mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in (1, 2, 5, 22):
                assert shipped.ngettext(
                    message.id[0], message.id[1], n
                ) == fresh.ngettext(message.id[0], message.id[1], n), (
                    "run: uv run python scripts/catalogs.py compile"
                )
        else:
            assert isinstance(message.id, str)
            assert shipped.gettext(message.id) == fresh.gettext(message.id)


def test_the_script_changes_nothing_on_a_clean_tree() -> None:
    assert not catalogs.extract(dry_run=True)
    assert not catalogs.update(dry_run=True)
    assert not catalogs.compile_all(dry_run=True)
