"""Bring the message catalogs up to date with the code, in one command:

    uv run python scripts/catalogs.py

extracts the sentences of the summary from ``confirmcheck/``, updates each
locale's ``confirmcheck.po`` (new sentences added untranslated, gone ones
removed) and compiles its ``confirmcheck.mo``. A file is written only when what
it says changes: on a tree whose catalogs are current nothing is rewritten (the
three ``pybabel`` commands this replaces stamped the catalogs with a new date
and header on every run). It prints the files it wrote; the tests say which
sentences still need a translation.
"""

from __future__ import annotations

import gettext
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

#: The keywords the summary's sentences are marked with (confirmcheck.i18n).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "count": (1, 2),
    "unit": (1, 2),
    "_n": (1, 2),
    "_plural": (1, 2),
}
PACKAGE = Path(__file__).resolve().parent.parent / "confirmcheck"


def template(package: Path) -> Catalog:
    """The sentences in the code, as a catalog without translations."""
    found = Catalog()
    for _name, _line, message, comments, context in extract_from_dir(
        package, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message, None, auto_comments=comments, context=context)
    return found


def _says(catalog: Catalog) -> list[tuple[object, ...]]:
    return sorted(
        (repr(m.id), repr(m.string), m.fuzzy, m.context or "") for m in catalog if m.id
    )


def update(package: Path = PACKAGE) -> list[Path]:
    """Update every catalog under ``package/locales``; the files written."""
    written: list[Path] = []
    sentences = template(package)
    for po_path in sorted(package.glob("locales/*/LC_MESSAGES/confirmcheck.po")):
        locale = po_path.parts[-3]
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        before = _says(catalog)
        catalog.update(sentences, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        if _says(catalog) != before:
            out = BytesIO()
            write_po(out, catalog, no_location=True, width=88)
            po_path.write_bytes(out.getvalue())
            written.append(po_path)
        mo_path = po_path.with_suffix(".mo")
        compiled = BytesIO()
        write_mo(compiled, catalog)
        if not mo_path.exists() or _translations(mo_path.read_bytes()) != (
            _translations(compiled.getvalue())
        ):
            mo_path.write_bytes(compiled.getvalue())
            written.append(mo_path)
    return written


def _translations(mo: bytes) -> dict[object, object]:
    """What a compiled catalog translates, its header (dates, tool) left out."""
    found = gettext.GNUTranslations(BytesIO(mo))._catalog  # type: ignore[attr-defined]
    return {k: v for k, v in found.items() if k not in ("", ("", 0))}


def main() -> int:
    for path in update():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
