"""The registry in one SQLite file: WAL mode, one table, ``user_version`` as the
schema version.

WAL lets readers go on while one process writes; writers from several processes
wait for each other up to :data:`BUSY_TIMEOUT_SECONDS`. The connection is opened on
first use and again in a forked child (a gunicorn worker must not share its
parent's file handle), and one lock serialises its use by threads.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from typing import Final

from confirmcheck.registry.store import Entry, Listed, RegistryError

__all__ = ["BUSY_TIMEOUT_SECONDS", "MIGRATIONS", "SQLiteRegistry"]

BUSY_TIMEOUT_SECONDS: Final = 30.0

#: ``MIGRATIONS[n]`` takes a file from schema version ``n`` to ``n + 1``.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE requests (
            ref TEXT PRIMARY KEY,
            requested BLOB NOT NULL,
            confirmed BLOB,
            last_night TEXT NOT NULL,
            stored_at TEXT NOT NULL
        )""",
        "CREATE INDEX requests_by_last_night ON requests (last_night)",
    ),
)

_PUT = """INSERT INTO requests (ref, requested, confirmed, last_night, stored_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (ref) DO UPDATE SET requested = excluded.requested,
    confirmed = excluded.confirmed, last_night = excluded.last_night,
    stored_at = excluded.stored_at"""


class SQLiteRegistry:
    """The registry in the SQLite file at ``path`` (created when missing)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        with self._lock:
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        try:
            connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # statements commit themselves
                check_same_thread=False,  # self._lock serialises the threads
            )
        except sqlite3.Error as error:
            raise RegistryError(f"sqlite:{self.path}: cannot open: {error}") from None
        try:
            _use_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
            _migrate(connection, self.path)
        except sqlite3.Error as error:
            connection.close()
            raise RegistryError(f"sqlite:{self.path}: {error}") from None
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        self._pid = os.getpid()
        return connection

    def put(self, entry: Entry) -> None:
        """Store ``entry``, replacing whatever was stored under its reference."""
        with self._lock:
            self._connect().execute(
                _PUT,
                (
                    entry.ref,
                    entry.requested,
                    entry.confirmed,
                    entry.last_night.isoformat(),
                    entry.stored_at.isoformat(),
                ),
            )

    def get(self, ref: str) -> Entry | None:
        """The entry stored under ``ref``, or None."""
        with self._lock:
            row = (
                self._connect()
                .execute(
                    "SELECT requested, confirmed, last_night, stored_at "
                    "FROM requests WHERE ref = ?",
                    (ref,),
                )
                .fetchone()
            )
        if row is None:
            return None
        requested, confirmed, last_night, stored_at = row
        return Entry(
            ref=ref,
            requested=bytes(requested),
            confirmed=None if confirmed is None else bytes(confirmed),
            last_night=dt.date.fromisoformat(last_night),
            stored_at=dt.datetime.fromisoformat(stored_at),
        )

    def delete(self, ref: str) -> bool:
        """Remove the entry of ``ref``; whether there was one."""
        with self._lock:
            cursor = self._connect().execute(
                "DELETE FROM requests WHERE ref = ?", (ref,)
            )
        return cursor.rowcount > 0

    def last_night_before(self, day: dt.date) -> list[Listed]:
        """The entries whose last requested night is before ``day``, oldest first."""
        with self._lock:
            rows = (
                self._connect()
                .execute(
                    "SELECT ref, last_night FROM requests WHERE last_night < ? "
                    "ORDER BY last_night, ref",
                    (day.isoformat(),),
                )
                .fetchall()
            )
        return [Listed(ref, dt.date.fromisoformat(night)) for ref, night in rows]

    def purge(self, day: dt.date) -> int:
        """Remove the entries whose last requested night is before ``day``."""
        with self._lock:
            cursor = self._connect().execute(
                "DELETE FROM requests WHERE last_night < ?", (day.isoformat(),)
            )
        return cursor.rowcount

    def close(self) -> None:
        """Close the file (the registry opens it again if used afterwards)."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None

    def __repr__(self) -> str:
        return f"SQLiteRegistry({self.path!r})"


def _use_wal(connection: sqlite3.Connection) -> None:
    """Put the file in WAL mode (a setting of the file, kept once made).

    Switching a new file to WAL needs it to itself for a moment, and SQLite answers
    "database is locked" at once, without its busy timeout, to a second process
    switching at the same time: so the switch is tried again, for as long as the
    busy timeout allows.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        else:
            return


def _migrate(connection: sqlite3.Connection, path: str) -> None:
    # BEGIN IMMEDIATE takes the write lock first: of two processes opening a new
    # file at once, one migrates and the other then finds the current version.
    connection.execute("BEGIN IMMEDIATE")
    try:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise RegistryError(
                f"sqlite:{path}: has schema version {version}, made by a newer "
                f"confirmcheck (this one knows up to {len(MIGRATIONS)})"
            )
        for step in MIGRATIONS[version:]:
            for statement in step:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
