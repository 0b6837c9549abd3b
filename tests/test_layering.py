"""Imports point one way: no cycles; the readers and the diff know nothing of how a
report is shown or delivered; webhook uses confirmcheck's public API, never the
reverse."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest

import confirmcheck
import confirmcheck.mail
import confirmcheck.registry

ROOT = Path(__file__).parent.parent
LIBRARY = sorted((ROOT / "confirmcheck").rglob("*.py"))
WEBHOOK = sorted((ROOT / "webhook").rglob("*.py"))
# What a pure library has no business importing: the web layer and HTTP.
FORBIDDEN = {"flask", "werkzeug", "gunicorn", "webhook", "http", "urllib", "socket"}
# What reading stays and comparing them must not depend on: the outputs and edges.
OUTPUTS = ("confirmcheck.render", "confirmcheck.calendar", "confirmcheck.mail")
EDGES = ("confirmcheck.cli",)


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


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Each module of confirmcheck and webhook, and the modules of both it imports
    (at the top or inside a function: a deferred import is still a dependency)."""
    paths = {module_name(path): path for path in LIBRARY + WEBHOOK}
    graph: dict[str, frozenset[str]] = {}
    for name, path in paths.items():
        found = {_known_module(imported, paths) for imported in _imports(path)}
        graph[name] = frozenset(found - {"", name})
    return graph


def _imports(path: Path) -> Iterator[str]:
    """What ``path`` imports: "from a import b" imports module a.b if there is
    one, else a name of module a (a package's own __init__ is not counted as a
    dependency of its submodules, as Python imports it first in any case)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _known_module(name: str, known: Iterable[str]) -> str:
    """The module ``name`` is in ("from a.b import c" names a module a.b.c or a
    name in a.b), or "" for one outside confirmcheck and webhook."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def reachable(start: str, graph: Mapping[str, frozenset[str]]) -> Iterator[str]:
    """Every module ``start`` imports, directly or not; itself only in a cycle."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for imported in graph[todo.pop()]:
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
                yield imported


def test_there_are_no_import_cycles() -> None:
    graph = import_graph()
    cycles = [name for name in graph if name in set(reachable(name, graph))]
    assert cycles == []


def test_the_cycle_check_sees_a_cycle() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}
    assert set(reachable("a", graph)) == {"a", "b", "c"}
    assert set(reachable("b", {**graph, "c": frozenset()})) == {"c"}


@pytest.mark.parametrize(
    "package", ["confirmcheck.readers", "confirmcheck.diff", "confirmcheck.stay"]
)
def test_reading_and_comparing_know_nothing_of_outputs_and_edges(package: str) -> None:
    modules = [
        name
        for name in import_graph()
        if name == package or name.startswith(package + ".")
    ]
    assert modules
    for module in modules:
        used = {module, *reachable(module, import_graph())}
        assert [m for m in used if m.startswith(OUTPUTS + EDGES)] == [], module


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_imports_nothing_of_the_web(path: Path) -> None:
    found = {name.split(".")[0] for name in imported_modules(path)}
    assert found & FORBIDDEN == set()


# The edge's state and its mail server: the pure core (readers, diff, report,
# rendering, mail) imports nothing of them, nor what they are built on.
EDGE = {"registry", "relay", "cli"}
EDGE_LIBRARIES = {"sqlite3", "psycopg", "psycopg_pool", "aiosmtpd", "aiosmtplib",
                  "smtplib", "asyncio"}  # fmt: skip
CORE = [
    path
    for path in LIBRARY
    if path.relative_to(ROOT / "confirmcheck").parts[0] not in EDGE
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


PUBLIC = {
    "confirmcheck": set(confirmcheck.__all__),
    "confirmcheck.mail": set(confirmcheck.mail.__all__),
    # The request registry is the edge's state, a public submodule like mail:
    # the webhook stores requests through it.
    "confirmcheck.registry": set(confirmcheck.registry.__all__),
}


@pytest.mark.parametrize("path", WEBHOOK, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_webhook_uses_only_the_public_api(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    private: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            private += [
                alias.name
                for alias in node.names
                if alias.name.split(".")[0] == "confirmcheck"
                and alias.name not in PUBLIC
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "confirmcheck"
        ):
            public = PUBLIC.get(node.module or "", set())
            private += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name not in public
            ]
    assert private == []


def test_the_diff_knows_nothing_of_the_readers() -> None:
    """The diff compares stays, wherever they were read from."""
    diff = [name for name in import_graph() if name.startswith("confirmcheck.diff")]
    assert diff
    for module in diff:
        used = set(reachable(module, import_graph()))
        assert [m for m in used if m.startswith("confirmcheck.readers")] == [], module
