"""The request registry: what guests asked for, kept until their confirmation passes.

A booking engine stores the guest's request when he asks (``PUT /v1/requests/{ref}``
or ``confirmcheck requests put REF FILE``), long before any confirmation exists;
the relay finds it by the reservation's reference when the confirmation mail goes
out. The registry is the edge's state, never the core's: the readers, the diff and
the renderers import nothing from here.

Each entry holds the requested stays document exactly as it was given (any format
:func:`stays_of` reads), optionally the confirmed stays document, the last
requested night (for retention) and when it was stored. Two stores implement the
same :class:`Registry`, chosen by URL (:func:`open_registry`):

* ``sqlite:///var/lib/confirmcheck/requests.db`` (``sqlite:requests.db`` for a
  relative path): one file, WAL mode, for one machine;
* ``postgresql://user@host/db`` (any libpq connection URI): psycopg 3 with a
  connection pool, for several relays or webhook replicas sharing one registry
  (``pip install "confirmcheck[postgres]"``).

Retention: :func:`retention_cutoff` gives the first last-night that is kept; an
entry whose last requested night is before it is removed by
:meth:`Registry.purge`. Nothing here logs, and no error message quotes a document:
they hold guests' data.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from confirmcheck.errors import InputError, Path
from confirmcheck.readers.json import StaysFile
from confirmcheck.registry.store import Entry, Listed, Registry, RegistryError, redact
from confirmcheck.stay import Series, Stay, expand

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "ENV_REGISTRY",
    "MAX_DOCUMENT_BYTES",
    "MAX_ENTRIES",
    "MAX_STAYS",
    "Entry",
    "Listed",
    "Registry",
    "RegistryError",
    "check_ref",
    "for_reservation",
    "make_entries",
    "make_entry",
    "open_registry",
    "read_document",
    "references",
    "retention_cutoff",
]

#: The environment variable that names the registry's URL at the edges.
ENV_REGISTRY: Final = "CONFIRMCHECK_REGISTRY"
#: Requests are kept this many days after their last requested night.
DEFAULT_RETENTION_DAYS: Final = 30
#: A stored document (requested or confirmed) may have at most this many bytes.
MAX_DOCUMENT_BYTES: Final = 4 * 1024 * 1024
#: Entries (stays or series) a stored document may list, and stays once its
#: series are expanded: the webhook's bounds for one side of a check.
MAX_ENTRIES: Final = 1000
MAX_STAYS: Final = 20_000
#: A reference: 1 to 128 visible ASCII characters (no blanks, no control codes).
_REF = re.compile(r"[\x21-\x7e]{1,128}")


def retention_cutoff(today: dt.date, days: int = DEFAULT_RETENTION_DAYS) -> dt.date:
    """The earliest last night that is still kept on ``today`` after ``days``.

    >>> retention_cutoff(dt.date(2026, 6, 30), 30)
    datetime.date(2026, 5, 31)
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    return today - dt.timedelta(days=days)


def check_ref(ref: str, *, path: Path = ("ref",)) -> str:
    """``ref`` if it can be a reservation reference, else an :class:`InputError`."""
    if not _REF.fullmatch(ref):
        raise InputError(
            "must be 1 to 128 visible ASCII characters (letters, digits, "
            "punctuation; no blanks)",
            path=path,
        )
    return ref


def read_document(document: bytes, *, path: Path = ()) -> StaysFile:
    """A stored document as what it holds, in any format
    :func:`~confirmcheck.read_stays` recognises. Errors are :class:`InputError`
    naming ``path``."""
    from confirmcheck.readers import read_stays

    if len(document) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"has {len(document)} bytes; at most {MAX_DOCUMENT_BYTES} are stored",
            path=path,
        )
    found = read_stays(document, max_entries=MAX_ENTRIES, path=path)
    count = 0
    for item in found.stays:
        count += len(item.stays) if isinstance(item, Series) else 1
        if count > MAX_STAYS:
            raise InputError(
                f"has more than {MAX_STAYS} stays once its series are expanded",
                path=path,
            )
    return found


def for_reservation(requested: StaysFile, ref: str) -> StaysFile:
    """What ``requested`` asks for under ``ref``: a document of several
    reservations (an AlpineBits GuestRequests message) is stored whole under each
    of its references, and each reservation is checked against its own requests
    only; a document whose requests carry no such reference is taken whole."""
    stays = [s for s in requested.stays if _ref_of(s) == ref.casefold()]
    flexible = [
        f for f in requested.flexible if (f.ref or "").casefold() == ref.casefold()
    ]
    if not stays and not flexible:
        return requested
    return StaysFile(
        stays,
        hotel=requested.hotel,
        timezone=requested.timezone,
        room_types=requested.room_types,
        cancelled=requested.cancelled,
        flexible=flexible,
    )


def _ref_of(item: Stay | Series) -> str:
    stay = item.first if isinstance(item, Series) else item
    return (stay.ref or "").casefold()


def references(document: StaysFile) -> list[str]:
    """The distinct references of a document's requests, in order of appearance."""
    found: dict[str, None] = {}
    for item in document.stays:
        stay = item.first if isinstance(item, Series) else item
        if stay.ref:
            found.setdefault(stay.ref, None)
    for flexible in document.flexible:
        if flexible.ref:
            found.setdefault(flexible.ref, None)
    return list(found)


def make_entry(
    ref: str,
    requested: bytes,
    *,
    stored_at: dt.datetime,
    confirmed: bytes | None = None,
) -> Entry:
    """An entry for ``ref`` after reading its documents: a document that does not
    read as stays, or a request without a night, is refused here, not later when
    its confirmation passes."""
    check_ref(ref)
    asked = for_reservation(read_document(requested, path=("requested",)), ref)
    last_nights = [stay.check_out for stay in expand(asked.stays)] + [
        flexible.latest + dt.timedelta(days=flexible.nights)
        for flexible in asked.flexible
    ]
    if not last_nights:
        raise InputError("holds no stay", path=("requested",))
    if confirmed is not None:
        read_document(confirmed, path=("confirmed",))
    return Entry(
        ref=ref,
        requested=requested,
        confirmed=confirmed,
        last_night=max(last_nights) - dt.timedelta(days=1),
        stored_at=stored_at,
    )


def make_entries(requested: bytes, *, stored_at: dt.datetime) -> list[Entry]:
    """One entry per reservation of a document that names its references (an
    AlpineBits GuestRequests message: every reservation under its UniqueID)."""
    refs = references(read_document(requested, path=("requested",)))
    if not refs:
        raise InputError(
            "names no reservation reference: store it under one (put REF FILE)",
            path=("requested",),
        )
    return [make_entry(ref, requested, stored_at=stored_at) for ref in refs]


def open_registry(url: str) -> Registry:
    """The registry at ``url``: ``sqlite:///path``, ``sqlite:path`` or
    ``postgresql://...``. Opening creates the store or migrates it to the
    current schema; nothing else is read or written yet."""
    if url.startswith("sqlite:"):
        from confirmcheck.registry.sqlite import SQLiteRegistry

        path = url.removeprefix("sqlite:")
        if path.startswith("//"):
            path = path[2:]
        if not path or path.endswith("/"):
            raise RegistryError(
                f"{redact(url)}: give a file, as sqlite:///var/lib/requests.db"
            )
        return SQLiteRegistry(path)
    if url.startswith(("postgresql://", "postgres://")):
        from confirmcheck.registry.postgres import PostgresRegistry

        return PostgresRegistry(url)
    raise RegistryError(
        f"{redact(url)}: a registry URL starts with sqlite: or postgresql://"
    )
