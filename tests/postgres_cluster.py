"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temporary
folder, a server listening only on a Unix socket in that folder, removed afterwards.

PostgreSQL refuses to run as root, so as root (as CI runs) the server runs as the
``postgres`` user that Debian's package creates, through ``runuser``. The binaries
are found on PATH or under /usr/lib/postgresql/*/bin (Debian keeps them there).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cluster", "find_binaries", "running_cluster"]

USER = "confirmcheck"


def find_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is missing."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(Path(folder) / "initdb", os.X_OK):
            return Path(folder)
    return None


@dataclass
class Cluster:
    """A running server: its folder, binaries and the user commands run as."""

    folder: Path
    binaries: Path
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """A libpq URI for ``database`` over the cluster's Unix socket."""
        host = urllib.parse.quote(str(self.folder), safe="")
        return f"postgresql://{USER}@/{database}?host={host}"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.binaries / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Start the server and wait (pg_ctl -w, bounded) until it takes connections."""
        options = f"-k {self.folder} -c listen_addresses='' -F"
        self.pg_ctl("-w", "-t", "60", "-o", options, "-l", str(self.folder / "log"),
                    "start")  # fmt: skip

    def stop(self) -> None:
        self.pg_ctl("-w", "-t", "60", "-m", "fast", "stop")

    def create_database(self, name: str) -> str:
        """Create an empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def running_cluster(binaries: Path) -> Iterator[Cluster]:
    """A new cluster in a temporary folder, running while the block runs."""
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="confirmcheck-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    cluster = Cluster(folder, binaries, as_user)
    try:
        subprocess.run(
            [*as_user, str(binaries / "initdb"), "-D", str(cluster.data), "-U", USER,
             "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
        cluster.start()
        try:
            yield cluster
        finally:
            # Not checked: a test may have stopped it already.
            subprocess.run(
                [*as_user, str(binaries / "pg_ctl"), "-D", str(cluster.data), "-w",
                 "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
                timeout=120,
            )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
