"""The request registry, the same tests on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from confirmcheck import InputError
from confirmcheck.registry import (
    Entry,
    Listed,
    Registry,
    RegistryError,
    make_entry,
    open_registry,
    retention_cutoff,
)
from tests.postgres_cluster import Cluster

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "story"
STORED_AT = dt.datetime(2025, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def registry(registry_url: str) -> Iterator[Registry]:
    opened = open_registry(registry_url)
    yield opened
    opened.close()


def entry(ref: str, requested: bytes, confirmed: bytes | None = None) -> Entry:
    return make_entry(ref, requested, stored_at=STORED_AT, confirmed=confirmed)


def one_stay(check_in: str, check_out: str) -> bytes:
    return f'[{{"check_in": "{check_in}", "check_out": "{check_out}"}}]'.encode()


def test_a_request_is_kept_exactly_as_given(registry: Registry) -> None:
    requested = (STORY / "requested.json").read_bytes()
    confirmed = (STORY / "confirmed.ics").read_bytes()
    registry.put(entry("A-1234", requested, confirmed))
    found = registry.get("A-1234")
    assert found is not None
    assert found.requested == requested
    assert found.confirmed == confirmed
    # The story's series: 20 weeks Monday to Friday from 5 January 2026.
    assert found.last_night == dt.date(2026, 5, 21)
    assert found.stored_at == STORED_AT


def test_an_ics_request_is_kept_too(registry: Registry) -> None:
    requested = (STORY / "requested.ics").read_bytes()
    registry.put(entry("ics-1", requested))
    found = registry.get("ics-1")
    assert found is not None
    assert (found.requested, found.confirmed) == (requested, None)


def test_a_put_replaces_and_a_delete_removes(registry: Registry) -> None:
    registry.put(entry("R/1", one_stay("2026-03-09", "2026-03-13")))
    registry.put(entry("R/1", one_stay("2026-04-01", "2026-04-03")))
    found = registry.get("R/1")
    assert found is not None
    assert found.last_night == dt.date(2026, 4, 2)
    assert registry.delete("R/1") is True
    assert registry.get("R/1") is None
    assert registry.delete("R/1") is False


def test_an_unknown_reference_is_none(registry: Registry) -> None:
    assert registry.get("nobody") is None


def test_purge_removes_what_is_past_retention(registry: Registry) -> None:
    registry.put(entry("old", one_stay("2026-01-05", "2026-01-09")))  # last: 8 Jan
    registry.put(entry("edge", one_stay("2026-01-08", "2026-01-10")))  # last: 9 Jan
    registry.put(entry("new", one_stay("2026-02-01", "2026-02-03")))
    cutoff = retention_cutoff(dt.date(2026, 2, 8), 30)
    assert cutoff == dt.date(2026, 1, 9)
    assert registry.last_night_before(cutoff) == [Listed("old", dt.date(2026, 1, 8))]
    assert registry.purge(cutoff) == 1
    assert registry.get("old") is None
    assert registry.get("edge") is not None
    assert registry.purge(cutoff) == 0


def test_a_document_that_is_not_stays_is_refused_before_storing() -> None:
    with pytest.raises(InputError) as caught:
        entry("A-1", b'[{"check_in": "2026-03-09", "check_out": "2026-03-01"}]')
    assert caught.value.problems[0].place.startswith("requested")
    with pytest.raises(InputError) as caught:
        entry("A-1", one_stay("2026-03-09", "2026-03-13"), b"BEGIN:VEVENT\r\n")
    assert caught.value.problems[0].place.startswith("confirmed")
    with pytest.raises(InputError, match="holds no stay"):
        entry("A-1", b"[]")


@pytest.mark.parametrize("ref", ["", "two words", "x" * 129, "tab\there", "ümlaut"])
def test_a_reference_must_be_visible_ascii(ref: str) -> None:
    with pytest.raises(InputError) as caught:
        entry(ref, one_stay("2026-03-09", "2026-03-13"))
    assert caught.value.problems[0].place == "ref"


@pytest.mark.parametrize(
    "url", ["mysql://x/y", "sqlite:", "sqlite:///", "https://example.com/db"]
)
def test_an_unknown_url_says_what_is_known(url: str) -> None:
    with pytest.raises(RegistryError, match="sqlite"):
        open_registry(url)


def test_a_password_in_the_url_is_not_repeated() -> None:
    with pytest.raises(RegistryError) as caught:
        open_registry("mysql://user:s3cret@host/db")
    assert "s3cret" not in str(caught.value)


def test_closing_and_opening_again_keeps_the_data(registry_url: str) -> None:
    first = open_registry(registry_url)
    first.put(entry("keep", one_stay("2026-03-09", "2026-03-13")))
    first.close()
    second = open_registry(registry_url)
    try:
        assert second.get("keep") is not None
    finally:
        second.close()


def test_a_postgresql_restart_keeps_the_data_and_the_registry_reconnects(
    postgres: Cluster,
) -> None:
    url = postgres.create_database("restart")
    registry = open_registry(url)
    try:
        registry.put(entry("keep", one_stay("2026-03-09", "2026-03-13")))
        postgres.stop()
        postgres.start()
        found = registry.get("keep")
        assert found is not None
        assert found.last_night == dt.date(2026, 3, 12)
    finally:
        registry.close()


def test_a_store_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requests.db"
    open_registry(f"sqlite://{path}").close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(RegistryError, match="schema version 99"):
        open_registry(f"sqlite://{path}")


def test_a_postgresql_database_of_a_newer_schema_is_refused(
    postgres: Cluster,
) -> None:
    import psycopg

    url = postgres.create_database("newer")
    open_registry(url).close()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("UPDATE confirmcheck_schema SET version = 99")
    with pytest.raises(RegistryError, match="schema version 99"):
        open_registry(url)


PUTTER = textwrap.dedent(
    """
    import datetime as dt, sys
    from confirmcheck.registry import make_entry, open_registry

    url, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    document = (
        '[{"check_in": "2026-03-09", "check_out": "2026-03-13", "ref": "%s"}]' % name
    ).encode()
    registry = open_registry(url)
    stamp = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    for _ in range(rounds):
        registry.put(make_entry("SAME", document, stored_at=stamp))
        assert registry.get("SAME") is not None
    registry.close()
    """
)


def test_concurrent_puts_of_one_reference_from_two_processes(registry_url: str) -> None:
    open_registry(registry_url).close()  # both then find the schema made
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PUTTER, registry_url, name, "150"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for name in ("first", "second")
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors.decode()
    registry = open_registry(registry_url)
    try:
        found = registry.get("SAME")
        assert found is not None
        assert found.requested in {
            b'[{"check_in": "2026-03-09", "check_out": "2026-03-13", "ref": "first"}]',
            b'[{"check_in": "2026-03-09", "check_out": "2026-03-13", "ref": "second"}]',
        }
    finally:
        registry.close()


def test_two_processes_opening_a_new_file_at_once_migrate_once(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'fresh.db'}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PUTTER, url, name, "5"],
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for name in ("first", "second")
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors.decode()


def test_a_document_of_too_many_entries_is_refused_before_it_is_expanded() -> None:
    week = '{"check_in": "2026-03-09", "check_out": "2026-03-13"}'
    with pytest.raises(InputError, match="1000"):
        entry("A-1", ("[" + ", ".join([week] * 1001) + "]").encode())
    series = (
        '{"check_in": "2026-01-05", "check_out": "2026-01-06", '
        '"rrule": "FREQ=DAILY;COUNT=4000"}'
    )
    with pytest.raises(InputError, match="20000 stays"):
        entry("A-1", ("[" + ", ".join([series] * 6) + "]").encode())
