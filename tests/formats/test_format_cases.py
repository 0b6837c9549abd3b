"""Reservation messages and pages as data: every file under data/ota/ and
data/schemaorg/ reads into the stays of the .json beside it, and every file under
data/refused/ is refused with the one-line error given there. A new case is a new
file."""

from __future__ import annotations

from pathlib import Path

import pytest

from confirmcheck.errors import InputError
from tests.formats.support import DATA, as_json, expected, read

READ = sorted(
    p
    for folder in ("ota", "schemaorg")
    for p in (DATA / folder).iterdir()
    if p.suffix in (".xml", ".html", ".eml")
)
REFUSED = sorted(p for p in (DATA / "refused").iterdir() if p.suffix != ".json")


def test_there_are_cases() -> None:
    assert len(READ) >= 8
    assert len(REFUSED) >= 12


@pytest.mark.parametrize("path", READ, ids=lambda path: path.name)
def test_reads(path: Path) -> None:
    assert as_json(read(path)) == expected(path)


@pytest.mark.parametrize("path", REFUSED, ids=lambda path: path.name)
def test_refused(path: Path) -> None:
    message = expected(path)["error"]
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
