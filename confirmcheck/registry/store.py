"""The registry's values and the interface every store implements."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol

from confirmcheck.errors import ConfirmcheckError

__all__ = ["Entry", "Listed", "Registry", "RegistryError", "redact"]


class RegistryError(ConfirmcheckError):
    """The registry cannot be opened or reached; the message names the store,
    never a stored document."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One reservation's request as stored: the documents exactly as given."""

    ref: str
    requested: bytes = field(repr=False)
    last_night: dt.date
    stored_at: dt.datetime
    confirmed: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Listed:
    """A stored reference and its last requested night, as listings show them."""

    ref: str
    last_night: dt.date


class Registry(Protocol):
    """Where requests are kept, keyed by reservation reference.

    Every method is safe to call from several threads; ``put`` of the same
    reference from several processes keeps one of the documents whole.
    """

    def put(self, entry: Entry) -> None:
        """Store ``entry``, replacing whatever was stored under its reference."""

    def get(self, ref: str) -> Entry | None:
        """The entry stored under ``ref``, or None."""

    def delete(self, ref: str) -> bool:
        """Remove the entry of ``ref``; whether there was one."""

    def last_night_before(self, day: dt.date) -> list[Listed]:
        """The entries whose last requested night is before ``day``, oldest first."""

    def purge(self, day: dt.date) -> int:
        """Remove the entries whose last requested night is before ``day``; how many."""

    def close(self) -> None:
        """Let go of files and connections."""


def redact(url: str) -> str:
    """The URL without a password, for messages."""
    return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)
