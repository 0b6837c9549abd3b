"""Fixtures for the iCalendar tests: the data files, reachable by name."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


class Calendars:
    """The .ics files under ``data/`` as attributes: ``calendars.year_end`` is the
    bytes of ``data/year-end.ics``. A new case is a new file."""

    def __getattr__(self, name: str) -> bytes:
        path = DATA / (name.replace("_", "-") + ".ics")
        if not path.is_file():
            raise AttributeError(f"no calendar {path.name} in {DATA}")
        return path.read_bytes()


@pytest.fixture
def calendars() -> Calendars:
    return Calendars()
