"""Importing the library stays light: the heavy stacks load only when needed.

``import confirmcheck`` is what a mail pipeline and the command line pay on every
start, so it must not pull in the web layer (Flask, Werkzeug), the iCalendar stack
(icalendar, recurring_ical_events), Babel or the XML reader (defusedxml). Each
check runs in a fresh interpreter, since this test process may have imported them
already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "flask",
    "werkzeug",
    "icalendar",
    "recurring_ical_events",
    "babel",
    "defusedxml",
)


def _imported_after(statement: str) -> set[str]:
    """Top-level packages in sys.modules after running ``statement`` afresh."""
    script = (
        f"{statement}\n"
        "import json, sys\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    "statement",
    [
        "import confirmcheck",
        "from confirmcheck import Stay, Series, Report, expand",
        "import confirmcheck.diff",
        "import confirmcheck.cli",
    ],
)
def test_import_does_not_pull_in_heavy_packages(statement: str) -> None:
    heavy = _imported_after(statement) & set(HEAVY)
    assert not heavy, f"{statement!r} imports {sorted(heavy)}"


def test_the_check_sees_a_heavy_import() -> None:
    # The check itself works: a heavy package that is imported is seen.
    assert "babel" in _imported_after("import babel")
