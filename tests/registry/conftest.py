"""The registry's stores: every test here runs on SQLite and on a real PostgreSQL.

The PostgreSQL server is a throw-away cluster started once per test session (see
tests/postgres_cluster.py); each test gets a database of its own. Without the
PostgreSQL binaries the PostgreSQL runs are skipped on a developer's machine, but
fail where the variable CI is set: CI installs them (.ci/run), and a registry
that is never tested on PostgreSQL must not pass there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_cluster import Cluster, find_binaries, running_cluster


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    binaries = find_binaries()
    if binaries is None:
        message = "PostgreSQL (initdb, pg_ctl) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message + ", and CI is set: .ci/run installs it")
        pytest.skip(message + " (apt-get install postgresql)")
    with running_cluster(binaries) as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty registry, on each store in turn."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'requests.db'}"
    cluster: Cluster = request.getfixturevalue("postgres")
    return cluster.create_database("t_" + uuid.uuid4().hex[:12])
