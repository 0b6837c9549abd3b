"""Every hostile input in ``data/`` is refused cleanly, and in bounded time, by
the command line (a real process: exit 2, one line, no traceback) and by the
webhook (a 4xx problem document that names the place, no traceback logged).

Each run is a process of its own with a timeout: running past it is a failure
(a worker would have been killed). Nothing else about time is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.recipes import DATA, GOOD_STAYS, Recipe, all_recipes

ROOT = Path(__file__).resolve().parents[2]
#: Seconds one input may take, start-up included, on a busy 2-core machine.
TIME_BOUND = 60

RECIPES = all_recipes()


@pytest.fixture(params=RECIPES, ids=[r.name for r in RECIPES])
def recipe(request: pytest.FixtureRequest) -> Recipe:
    given: Recipe = request.param
    return given


@pytest.fixture
def hostile_input(recipe: Recipe, tmp_path: Path) -> Path:
    path = tmp_path / f"{recipe.name}.input"
    path.write_bytes(recipe.content())
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, *args],
            check=False,
            capture_output=True,
            text=True,
            errors="backslashreplace",
            timeout=TIME_BOUND,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {TIME_BOUND} s: {' '.join(args[:3])} ...")


def test_the_command_line_refuses_it_in_one_line(
    recipe: Recipe, hostile_input: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(GOOD_STAYS, "utf-8")
    if recipe.kind == "mail":
        args = ["attach", str(hostile_input), str(good), str(good)]
    else:
        args = ["check", str(hostile_input), str(good)]
    result = _run(["-m", "confirmcheck", *args, *recipe.cli])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr[:500]
    assert len(lines) == 1, result.stderr[:500]
    assert lines[0].startswith("confirmcheck: ")
    assert len(lines[0]) < 600, "the line quotes too much of the input"
    if recipe.place is not None:
        assert recipe.place in lines[0]


def test_the_webhook_answers_a_problem_that_names_the_place(
    recipe: Recipe, hostile_input: Path
) -> None:
    result = _run(
        [
            "-m",
            "tests.hostile.http_probe",
            str(DATA / f"{recipe.name}.json"),
            str(hostile_input),
        ]
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    answer = json.loads(result.stdout)
    assert 400 <= answer["status"] < 500, answer["body"][:500]
    assert answer["content_type"] == "application/problem+json"
    problem = json.loads(answer["body"])
    assert problem["status"] == answer["status"]
    assert problem["detail"]
    if recipe.pointer is not None:
        assert recipe.pointer in answer["body"], answer["body"][:500]
    assert not any("Traceback" in line for line in answer["log"])
