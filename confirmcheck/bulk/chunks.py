"""Merge two sides' rows, each sorted by key, into chunks of whole keys.

A merge join: a chunk ends below the smallest key that may still continue on a
side that is not read to its end, so every key is in exactly one chunk with all
its records from both sides. Each side is an iterator of batches sorted by key
(records without a key are set aside: they belong to no key). Memory holds a
batch or two per side, whatever the size of the files.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from confirmcheck.bulk.sources import SCHEMA

__all__ = ["Chunk", "chunks"]

#: How a chunk is compressed on its way to a worker.
COMPRESSION: Literal["lz4", "zstd"] = "zstd"


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole keys, in key order: their requested and confirmed rows."""

    requested: pl.DataFrame
    confirmed: pl.DataFrame

    def __reduce__(self) -> tuple[Callable[[bytes, bytes], Chunk], tuple[bytes, bytes]]:
        """A chunk travels to a worker (of a process pool or a Dask cluster) as
        compressed Arrow IPC. Pickled as they are, Polars' text columns take 16
        bytes a value, empty or not: a million keys made 447 MB of pickles out of
        118 MB of CSV, and copying them was most of what a second process added."""
        return _unpacked, (_packed(self.requested), _packed(self.confirmed))


def _packed(rows: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    rows.write_ipc(buffer, compression=COMPRESSION)
    return buffer.getvalue()


def _unpacked(requested: bytes, confirmed: bytes) -> Chunk:
    return Chunk(pl.read_ipc(io.BytesIO(requested)), pl.read_ipc(io.BytesIO(confirmed)))


@dataclass(slots=True)
class _Side:
    batches: Iterator[pl.DataFrame]
    keyless: list[pl.DataFrame]
    rows: pl.DataFrame | None = None
    done: bool = False
    _parts: list[pl.DataFrame] = field(default_factory=list)

    def fill(self, size: int) -> None:
        """Read on until ``size`` rows are held and the last key is not the first
        (so that rows below the last key can go), or the side is read to its end."""
        while not self.done and (
            self.rows is None
            or self.rows.height < size
            or self.rows["key"][0] == self.rows["key"][-1]
        ):
            batch = next(self.batches, None)
            if batch is None:
                self.done = True
                break
            missing = batch["key"].is_null()
            if missing.any():
                self.keyless.append(batch.filter(missing))
                batch = batch.filter(~missing)
            if batch.height:
                self.rows = (
                    batch if self.rows is None else pl.concat([self.rows, batch])
                )

    @property
    def empty(self) -> bool:
        return self.rows is None or self.rows.height == 0

    def take_below(self, bound: str | None, *, inclusive: bool) -> pl.DataFrame:
        """The rows of keys below ``bound`` (None: all), removed from the side."""
        assert self.rows is not None
        if bound is None:
            index = self.rows.height
        else:
            index = self.rows["key"].search_sorted(
                bound, side="right" if inclusive else "left"
            )
        taken, self.rows = self.rows.slice(0, index), self.rows.slice(index)
        return taken


def chunks(
    requested: Iterator[pl.DataFrame],
    confirmed: Iterator[pl.DataFrame],
    *,
    size: int,
    keyless: tuple[list[pl.DataFrame], list[pl.DataFrame]] = ([], []),
) -> Iterator[Chunk]:
    """Chunks of about ``size`` rows a side, in key order, until both sides end.

    Rows without a key are appended to ``keyless`` (a list for each side) as the
    batches are read.
    """
    sides = (_Side(requested, keyless[0]), _Side(confirmed, keyless[1]))
    while True:
        for side in sides:
            side.fill(size)
        if all(side.empty for side in sides):
            break
        # A key below every side's last key (of a side still being read) is whole.
        open_ends = [
            side.rows["key"][-1]
            for side in sides
            if not side.done and side.rows is not None
        ]
        bound: str | None = min(open_ends) if open_ends else None
        # And a chunk holds about `size` rows a side: the key at row `size`.
        cuts = [
            side.rows["key"][size]
            for side in sides
            if side.rows is not None and side.rows.height > size
        ]
        cut = min(cuts) if cuts else None
        if cut is not None and (bound is None or cut < bound):
            parts = [side_part(side, cut, inclusive=True) for side in sides]
        else:
            parts = [side_part(side, bound, inclusive=False) for side in sides]
        yield Chunk(parts[0], parts[1])


def side_part(side: _Side, bound: str | None, *, inclusive: bool) -> pl.DataFrame:
    """The rows of one side below ``bound``, or an empty frame of its columns."""
    if side.rows is None:
        return _EMPTY
    return side.take_below(bound, inclusive=inclusive)


_EMPTY = pl.DataFrame(schema=SCHEMA)
