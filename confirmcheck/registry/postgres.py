"""The registry on PostgreSQL: psycopg 3 with a connection pool, for several relays
or webhook replicas sharing one registry (``pip install "confirmcheck[postgres]"``).

One table of requests, ``confirmcheck_requests``, and a one-row table
``confirmcheck_schema`` holding the schema version; migrations run under an
advisory lock, so replicas starting together migrate once. Connections are checked
before use, so a server restart costs a reconnect, not an error; the pool is made
again in a forked child (a gunicorn worker must not share its parent's sockets).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from confirmcheck.registry.store import Entry, Listed, RegistryError, redact

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

__all__ = ["MIGRATIONS", "POOL_MAX_SIZE", "PostgresRegistry"]

#: Connections one process keeps open at most.
POOL_MAX_SIZE: Final = 8
#: Seconds to wait for a connection before the registry counts as unreachable.
CONNECT_TIMEOUT_SECONDS: Final = 10.0
# Any constant of our own: the key of the advisory lock that migrations take.
_MIGRATION_LOCK: Final = 0x636F6E6669726D

#: ``MIGRATIONS[n]`` takes a database from schema version ``n`` to ``n + 1``.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE confirmcheck_requests (
            ref TEXT PRIMARY KEY,
            requested BYTEA NOT NULL,
            confirmed BYTEA,
            last_night DATE NOT NULL,
            stored_at TIMESTAMPTZ NOT NULL
        )""",
        "CREATE INDEX confirmcheck_requests_by_last_night "
        "ON confirmcheck_requests (last_night)",
    ),
)

_PUT = """INSERT INTO confirmcheck_requests
    (ref, requested, confirmed, last_night, stored_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (ref) DO UPDATE SET requested = excluded.requested,
    confirmed = excluded.confirmed, last_night = excluded.last_night,
    stored_at = excluded.stored_at"""


class PostgresRegistry:
    """The registry in the PostgreSQL database at ``url`` (a libpq URI)."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg  # noqa: F401 - only to say what is missing
            import psycopg_pool  # noqa: F401
        except ImportError:
            raise RegistryError(
                "a postgresql:// registry needs psycopg and psycopg-pool: "
                'pip install "confirmcheck[postgres]"'
            ) from None
        self.url = url
        self._lock = threading.Lock()
        self._pool: ConnectionPool[Any] | None = None
        self._pid = 0
        try:
            with self._connection() as connection:
                _migrate(connection, self.label)
        except BaseException:
            self.close()
            raise

    @property
    def label(self) -> str:
        """The URL without its password, for messages."""
        return redact(self.url)

    def _get_pool(self) -> ConnectionPool[Any]:
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=POOL_MAX_SIZE,
                    open=True,
                    timeout=CONNECT_TIMEOUT_SECONDS,
                    check=ConnectionPool.check_connection,
                    name="confirmcheck-registry",
                )
                self._pid = os.getpid()
            return self._pool

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._get_pool().connection() as connection:
                yield connection
        except PoolTimeout:
            raise RegistryError(
                f"{self.label}: no connection within {CONNECT_TIMEOUT_SECONDS:g} s"
            ) from None
        except psycopg.OperationalError as error:
            first = str(error).strip().splitlines()[:1]
            raise RegistryError(f"{self.label}: {' '.join(first)}") from None

    def put(self, entry: Entry) -> None:
        """Store ``entry``, replacing whatever was stored under its reference."""
        with self._connection() as connection:
            connection.execute(
                _PUT,
                (
                    entry.ref,
                    entry.requested,
                    entry.confirmed,
                    entry.last_night,
                    entry.stored_at,
                ),
            )

    def get(self, ref: str) -> Entry | None:
        """The entry stored under ``ref``, or None."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT requested, confirmed, last_night, stored_at "
                "FROM confirmcheck_requests WHERE ref = %s",
                (ref,),
            ).fetchone()
        if row is None:
            return None
        requested, confirmed, last_night, stored_at = row
        return Entry(
            ref=ref,
            requested=bytes(requested),
            confirmed=None if confirmed is None else bytes(confirmed),
            last_night=last_night,
            stored_at=stored_at.astimezone(dt.UTC),
        )

    def delete(self, ref: str) -> bool:
        """Remove the entry of ``ref``; whether there was one."""
        with self._connection() as connection:
            cursor = connection.execute(
                "DELETE FROM confirmcheck_requests WHERE ref = %s", (ref,)
            )
            return cursor.rowcount > 0

    def last_night_before(self, day: dt.date) -> list[Listed]:
        """The entries whose last requested night is before ``day``, oldest first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT ref, last_night FROM confirmcheck_requests "
                "WHERE last_night < %s ORDER BY last_night, ref",
                (day,),
            ).fetchall()
        return [Listed(ref, night) for ref, night in rows]

    def purge(self, day: dt.date) -> int:
        """Remove the entries whose last requested night is before ``day``."""
        with self._connection() as connection:
            cursor = connection.execute(
                "DELETE FROM confirmcheck_requests WHERE last_night < %s", (day,)
            )
            return cursor.rowcount

    def close(self) -> None:
        """Close the pool's connections (a later use opens a new pool)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None and self._pid == os.getpid():
            pool.close()

    def __repr__(self) -> str:
        return f"PostgresRegistry({self.label!r})"


def _migrate(connection: psycopg.Connection[Any], label: str) -> None:
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS confirmcheck_schema (version INTEGER NOT NULL)"
        )
        row = connection.execute("SELECT version FROM confirmcheck_schema").fetchone()
        version = 0 if row is None else int(row[0])
        if version > len(MIGRATIONS):
            raise RegistryError(
                f"{label}: has schema version {version}, made by a newer "
                f"confirmcheck (this one knows up to {len(MIGRATIONS)})"
            )
        for step in MIGRATIONS[version:]:
            for statement in step:
                connection.execute(statement)
        if row is None:
            connection.execute(
                "INSERT INTO confirmcheck_schema (version) VALUES (%s)",
                (len(MIGRATIONS),),
            )
        else:
            connection.execute(
                "UPDATE confirmcheck_schema SET version = %s", (len(MIGRATIONS),)
            )
