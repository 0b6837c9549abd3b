"""Imports point one way: webhook uses confirmcheck's public API, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
LIBRARY = sorted((ROOT / "confirmcheck").rglob("*.py"))
WEBHOOK = sorted((ROOT / "webhook").rglob("*.py"))
# What a pure library has no business importing: the web layer and HTTP.
FORBIDDEN = {"flask", "werkzeug", "gunicorn", "webhook", "http", "urllib", "socket"}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_imports_nothing_of_the_web(path: Path) -> None:
    found = {name.split(".")[0] for name in imported_modules(path)}
    assert found & FORBIDDEN == set()


@pytest.mark.parametrize("path", WEBHOOK, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_webhook_uses_only_the_public_api(path: Path) -> None:
    private = [
        name
        for name in imported_modules(path)
        if name.split(".")[0] == "confirmcheck"
        and any(part.startswith("_") for part in name.split("."))
    ]
    assert private == []
