"""The message catalogs: extract the sentences, update and compile the catalogs.

Run from the repository's root, ``uv run python scripts/catalogs.py COMMAND``:

- ``extract``: the code's sentences into ``confirmcheck/locales/confirmcheck.pot``;
- ``update``: the template into each language's ``.po`` (new languages created);
- ``compile``: each ``.po`` into its ``.mo``;
- ``all`` (also with no command): the three in turn;
- ``check``: exit 1 if any of them would change a file or a sentence is
  untranslated (CI).

A file is written only when its content changes: on a clean tree every command
leaves every file alone. ``tests/test_catalogs.py`` extracts with the same
:data:`KEYWORDS`. Works with the Babel of ``uv.lock`` and with the newest one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "confirmcheck"
LOCALES = PACKAGE / "locales"
DOMAIN = "confirmcheck"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"

KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "counted": (1, 2),
    "counted_kept": (1, 2),
    "_n": (1, 2),
    "_plural": (1, 2),
}
"""The functions whose arguments are sentences: ``name: None`` takes the first
argument; ``(1, 2)`` the singular and plural of a plural message."""


def languages() -> tuple[str, ...]:
    """The languages with a catalog: every supported one but English, the
    language of the message ids."""
    sys.path.insert(0, str(ROOT))
    from confirmcheck.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES

    return tuple(locale for locale in SUPPORTED_LOCALES if locale != DEFAULT_LOCALE)


def source_messages() -> dict[str | tuple[str, str], list[str]]:
    """Every sentence in the code, in order of first appearance, with the
    translator comments found with it.

    Only real messages: an empty id (Babel 2.19 reports a call like
    ``_(name)`` or ``_("")`` as one) is no sentence.
    """
    found: dict[str | tuple[str, str], list[str]] = {}
    extracted = extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for entry in extracted:
        message, comments = entry[2], entry[3]
        if isinstance(message, list | tuple):
            parts = tuple(message)
            if len(parts) < 2 or not parts[0] or not parts[1]:
                continue
            key: str | tuple[str, str] = (parts[0], parts[1])
        else:
            if not message:
                continue
            key = message
        found.setdefault(key, []).extend(comments)
    return found


def template() -> Catalog:
    """The catalog of the code's sentences (no translations)."""
    catalog = Catalog(project=DOMAIN, domain=DOMAIN, fuzzy=False)
    for message, comments in source_messages().items():
        catalog.add(message, auto_comments=comments)
    return catalog


def po_bytes(catalog: Catalog, *, header: bool = True) -> bytes:
    """The catalog as a .po file; without the Babel version that wrote it, so
    that another Babel does not rewrite an unchanged catalog."""
    out = BytesIO()
    write_po(
        out,
        catalog,
        omit_header=not header,
        no_location=True,
        include_previous=False,
        sort_output=False,
    )
    return re.sub(rb'"Generated-By: [^"]*"\n', b"", out.getvalue())


def mo_bytes(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, domain=DOMAIN)


def put(path: Path, data: bytes, *, dry_run: bool) -> bool:
    """Write ``data`` to ``path`` unless it holds it already; True if it did not."""
    if path.exists() and path.read_bytes() == data:
        return False
    print(f"{'would change' if dry_run else 'wrote'} {path.relative_to(ROOT)}")
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return True


def extract(*, dry_run: bool = False) -> bool:
    return put(TEMPLATE, po_bytes(template(), header=False), dry_run=dry_run)


def updated(language: str, pot: Catalog) -> Catalog:
    """The language's catalog with the template's sentences: new ones empty,
    gone ones dropped, no fuzzy guesses."""
    path = po_path(language)
    catalog = (
        read(path)
        if path.exists()
        else Catalog(
            locale=language,
            domain=DOMAIN,
            project=DOMAIN,
            header_comment=f"# {language} messages of confirmcheck.",
            fuzzy=False,
        )
    )
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    # The header keeps what it had: the template's dates are not the catalog's.
    if path.exists():
        catalog.creation_date = read(path).creation_date
        catalog.revision_date = read(path).revision_date
    return catalog


def update(*, dry_run: bool = False) -> bool:
    pot = template()
    changed = False
    for language in languages():
        catalog = updated(language, pot)
        changed |= put(po_path(language), po_bytes(catalog), dry_run=dry_run)
    return changed


def translations_in(mo: bytes) -> tuple[object, ...]:
    """What a compiled catalog says: its plural rule and every translation.
    (Babel releases lay out the same catalog in different bytes.)"""
    catalog = read_mo(BytesIO(mo))
    return (
        catalog.plural_expr,
        sorted((repr(m.id), repr(m.string)) for m in catalog if m.id),
    )


def compile_all(*, dry_run: bool = False) -> bool:
    changed = False
    for language in languages():
        path = po_path(language)
        if not path.exists():
            continue
        mo = path.with_suffix(".mo")
        data = mo_bytes(read(path))
        if mo.exists() and translations_in(mo.read_bytes()) == translations_in(data):
            continue
        changed |= put(mo, data, dry_run=dry_run)
    return changed


def untranslated() -> list[str]:
    """``language: message`` for every sentence without a translation."""
    missing: list[str] = []
    for language in languages():
        path = po_path(language)
        if not path.exists():
            missing.append(f"{language}: no catalog")
            continue
        for message in read(path):
            if not message.id:
                continue
            strings = (
                message.string
                if isinstance(message.string, tuple)
                else (message.string,)
            )
            if message.fuzzy or not all(strings):
                missing.append(f"{language}: {message.id!r}")
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Extract, update and compile confirmcheck's message catalogs."
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=("extract", "update", "compile", "all", "check"),
    )
    command = parser.parse_args(argv).command
    if command in ("extract", "all"):
        extract()
    if command in ("update", "all"):
        update()
    if command in ("compile", "all"):
        compile_all()
    if command == "check":
        stale = extract(dry_run=True) | update(dry_run=True) | compile_all(dry_run=True)
        missing = untranslated()
        for line in missing:
            print(f"untranslated: {line}")
        if stale or missing:
            print(
                "run: uv run python scripts/catalogs.py all, then translate",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
