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


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in LIBRARY}


def library_imports(path: Path) -> set[str]:
    """The confirmcheck modules a module imports, anywhere in it (``from
    package import module`` is the module); a module's own packages, which
    Python imports before it, left out."""
    name = _module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                module = f"{node.module}.{alias.name}"
                found.add(module if module in MODULES else node.module)
    return {
        module
        for module in found
        if module in MODULES and not (name + ".").startswith(module + ".")
    }


GRAPH = {name: library_imports(path) for name, path in MODULES.items()}

# The command line's two modules import each other until the cli package of issue
# 9 replaces them; remove this entry then (the test below fails until it is).
KNOWN_CYCLES = {frozenset({"confirmcheck.cli", "confirmcheck._cli_attach"})}


def reachable(starts: list[str]) -> set[str]:
    """The modules that ``starts`` import, directly or not."""
    seen: set[str] = set()
    todo = [module for start in starts for module in GRAPH[start]]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH[module])
    return seen


def test_the_library_has_no_import_cycles() -> None:
    in_cycles = {name for name in GRAPH if name in reachable([name])}
    known = set().union(*KNOWN_CYCLES)
    assert in_cycles == known
    for cycle in KNOWN_CYCLES:
        for module in cycle:
            assert reachable([module]) & in_cycles <= cycle


def test_the_diff_imports_nothing_of_rendering_mail_cli_or_readers() -> None:
    diff = [name for name in GRAPH if name.split(".")[:2] == ["confirmcheck", "diff"]]
    # The calendar module and loading.py are readers (and a writer) until issue 9
    # moves them into readers/ and render/.
    outer = {"render", "mail", "cli", "_cli_attach", "readers", "calendar", "loading"}
    assert {m for m in reachable(diff) if m.split(".")[1] in outer} == set()
