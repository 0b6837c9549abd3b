"""The message catalogs: every sentence translated, and the compiled files current."""

from __future__ import annotations

import gettext
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from confirmcheck.i18n import SUPPORTED_LOCALES
from scripts import catalogs

PACKAGE = Path(__file__).parent.parent / "confirmcheck"
KEYWORDS = catalogs.KEYWORDS
TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def source_messages() -> set[str]:
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str) -> Path:
    return PACKAGE / "locales" / locale / "LC_MESSAGES" / "confirmcheck.po"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_sentence_in_the_code_is_translated(locale: str) -> None:
    with catalog(locale).open("rb") as handle:
        po = read_po(handle)
    in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in po if m.id}
    assert source_messages() - in_catalog == set(), (
        "run scripts/catalogs.py (CONTRIBUTING)"
    )
    assert in_catalog - source_messages() == set(), "obsolete entries in the catalog"
    untranslated = [
        m.id
        for m in po
        if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert untranslated == []
    assert not [m.id for m in po if m.fuzzy and m.id]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalog_is_current(locale: str) -> None:
    with catalog(locale).open("rb") as handle:
        po = read_po(handle)
    compiled = BytesIO()
    write_mo(compiled, po)
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    shipped_path = catalog(locale).with_suffix(".mo")
    with shipped_path.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in (1, 2, 5):
                assert shipped.ngettext(
                    message.id[0], message.id[1], n
                ) == fresh.ngettext(message.id[0], message.id[1], n), (
                    "run scripts/catalogs.py (CONTRIBUTING)"
                )
        else:
            assert isinstance(message.id, str)
            assert shipped.gettext(message.id) == fresh.gettext(message.id)


def test_the_catalog_command_changes_nothing_on_a_clean_tree(tmp_path: Path) -> None:
    # Issue 11, item 24: the README's pybabel commands rewrote the German .po and
    # .mo (a new header and date) on a clean tree.
    copy = tmp_path / "confirmcheck"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = {p: p.read_bytes() for p in copy.glob("locales/**/*") if p.is_file()}
    assert catalogs.update(copy) == []
    assert {p: p.read_bytes() for p in before} == before
