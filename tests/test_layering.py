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


# The edge's state and its mail server: the pure core (readers, diff, report,
# rendering, mail) imports nothing of them, nor what they are built on.
EDGE = {"registry", "relay", "_cli_relay", "_cli_requests", "cli", "cli.py"}
EDGE_LIBRARIES = {"sqlite3", "psycopg", "psycopg_pool", "aiosmtpd", "aiosmtplib",
                  "smtplib", "asyncio"}  # fmt: skip
CORE = [
    path
    for path in LIBRARY
    if path.relative_to(ROOT / "confirmcheck").parts[0] not in EDGE
    and path.stem not in EDGE
]


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_neither_the_registry_nor_the_relay(path: Path) -> None:
    names = imported_modules(path)
    edge = [
        name
        for name in names
        if name.startswith(("confirmcheck.registry", "confirmcheck.relay"))
        or name.split(".")[0] in EDGE_LIBRARIES
    ]
    assert edge == []


@pytest.mark.parametrize("path", WEBHOOK, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_webhook_uses_only_the_public_api(path: Path) -> None:
    private = [
        name
        for name in imported_modules(path)
        if name.split(".")[0] == "confirmcheck"
        and any(part.startswith("_") for part in name.split("."))
    ]
    assert private == []
