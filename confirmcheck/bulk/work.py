"""Audit one chunk of keys: a columnar first pass, then ``check_many`` for the rest.

Most reservations are confirmed exactly as requested, and proving that one by one
is most of the cost of a large audit. So a first pass over the chunk's rows, in
Polars, settles the keys whose records are *plain* (well-formed dates and counts,
no series) and the *same* on both sides (the same stays, in any order): such a key
is complete, as :func:`confirmcheck.diff` would find. Of the other keys, those
whose records are all plain are grouped by shape (see :func:`_differing_rows`):
the first key of each shape goes through :func:`confirmcheck.check_many`, the
others take its result. Every other key -- a series, anything unusual or wrong --
goes through ``check_many`` record by record, where each problem is named with
its file, line and field. The tests hold all three ways equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import polars as pl

from confirmcheck.audit import Pair, Side, Verdict, check_many
from confirmcheck.bulk.chunks import Chunk
from confirmcheck.bulk.records import placed, stays_of
from confirmcheck.bulk.results import (
    RESULT_SCHEMA,
    count_verdicts,
    format_rows,
    result_rows,
    worst_keys,
)
from confirmcheck.bulk.sources import CSV_FIELDS
from confirmcheck.errors import InputError, Problem
from confirmcheck.stay import MAX_COUNT, Series, Stay, expand

__all__ = ["ChunkOutcome", "Settings", "audit_chunk"]

# What a plain record looks like; anything else is read record by record.
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_COUNT = r"^[1-9][0-9]{0,4}$"
_TEXT = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
_REQUESTED, _CONFIRMED = 0, 1
_CHECK_IN = pl.col("check_in").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
_CHECK_OUT = pl.col("check_out").str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _count_or_null(name: str) -> pl.Expr:
    """The field is left out, or a count a stay may have (1 to MAX_COUNT)."""
    count = pl.col(name)
    return count.is_null() | (
        count.str.contains(_COUNT) & (count.cast(pl.Int64, strict=False) <= MAX_COUNT)
    )


#: A CSV record whose fields are all well-formed, and no series: its stay is made
#: from the values Polars read, and it may be settled by the first pass.
_PLAIN = (
    pl.col("record").is_null()
    & pl.col("error").is_null()
    & pl.col("check_in").str.contains(_DATE)
    & pl.col("check_out").str.contains(_DATE)
    & (_CHECK_OUT > _CHECK_IN)
    # Polars has a year 0; Python, and so a Stay, has none.
    & (_CHECK_IN.dt.year() >= 1)
    & _count_or_null("rooms")
    & _count_or_null("guests")
    & (pl.col("room_type").is_null() | pl.col("room_type").str.contains(_TEXT))
    & (pl.col("ref").is_null() | pl.col("ref").str.contains(_TEXT))
    & pl.col("rrule").is_null()
    & pl.col("exdate").is_null()
    & pl.col("rdate").is_null()
).fill_null(False)


@dataclass(frozen=True, slots=True)
class Settings:
    """What every chunk of one audit is audited with."""

    requested_label: str
    confirmed_label: str
    key: str
    locale: str
    format: str
    """``jsonl`` or ``csv``: how the result lines are written."""
    window: tuple[dt.date, dt.date] | None = None
    """Only keys with a requested night in ``[start, end)``; None: every key."""

    def label(self, side: int) -> str:
        return self.requested_label if side == _REQUESTED else self.confirmed_label


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    """A chunk's result lines, and what a summary needs to know of them."""

    text: str
    keys: int
    """Keys read (before ``--arriving-within`` left some out)."""
    counts: dict[str, int]
    worst: list[tuple[str, int]]
    """Up to :data:`WORST` ``(key, not booked room-nights)``, worst first."""


def audit_chunk(chunk: Chunk, settings: Settings) -> ChunkOutcome:
    """The result lines of a chunk's keys, in key order."""
    same, keys = _first_pass(chunk, settings.window)
    rows = pl.concat(
        [
            chunk.requested.with_columns(side=pl.lit(_REQUESTED, pl.Int8)),
            chunk.confirmed.with_columns(side=pl.lit(_CONFIRMED, pl.Int8)),
        ]
    )
    others = rows.join(same, on="key", how="anti")
    if settings.window is not None:
        same = same.filter("arriving")
    found = pl.concat(
        [_complete_rows(rows, same, settings), _differing_rows(others, settings)]
    ).sort("key", maintain_order=True)
    return ChunkOutcome(
        text=format_rows(found, settings.format),
        keys=keys,
        counts=count_verdicts(found),
        worst=worst_keys(found),
    )


def _first_pass(
    chunk: Chunk, window: tuple[dt.date, dt.date] | None
) -> tuple[pl.DataFrame, int]:
    """The keys whose records are plain and the same on both sides (with how
    many stays and nights they request, and whether one arrives in ``window``),
    and how many keys the chunk has."""
    requested, confirmed = (
        _described(side, window) for side in (chunk.requested, chunk.confirmed)
    )
    # Most keys have one record a side: those are compared record to record.
    ones = requested.filter("single").join(
        confirmed.filter("single"), on="key", suffix="_given", maintain_order="left"
    )
    same_ones = ones.filter(
        pl.col("plain")
        & pl.col("plain_given")
        & (pl.col("signature") == pl.col("signature_given"))
    ).select("key", stays=pl.lit(1, pl.UInt32), nights="nights", arriving="arriving")
    # The others by the sorted lists of their signatures.
    asked, given = (
        side.filter(~pl.col("single"))
        .sort("key", "signature", maintain_order=True)
        .group_by("key", maintain_order=True)
        .agg(
            "signature",
            pl.col("plain").all(),
            pl.len().alias("stays"),
            pl.col("nights").sum(),
            pl.col("arriving").any(),
        )
        for side in (requested, confirmed)
    )
    many = asked.join(given, on="key", suffix="_given", maintain_order="left")
    same_many = many.filter(
        pl.col("plain")
        & pl.col("plain_given")
        & (pl.col("signature") == pl.col("signature_given"))
    ).select("key", "stays", "nights", "arriving")
    same = pl.concat([same_ones, same_many]).sort("key")
    keys = pl.concat([requested["key"], confirmed["key"]]).n_unique()
    return same, keys


def _described(
    rows: pl.DataFrame, window: tuple[dt.date, dt.date] | None
) -> pl.DataFrame:
    """One side's rows (sorted by key) with what the first pass compares: are
    they plain, their signature, nights, arriving in ``window``, and is the row
    its key's only one."""
    check_in, check_out = _CHECK_IN, _CHECK_OUT
    # What the diff compares of a stay: nights, rooms, room type, guests. Room
    # types are compared as written, a stricter test than the diff's.
    signature = pl.concat_str(
        pl.col("check_in"),
        pl.col("check_out"),
        pl.col("rooms").fill_null("1"),
        pl.col("room_type").fill_null("\x00"),
        pl.col("guests").fill_null(""),
        separator="\x1f",
    )
    start, end = window if window is not None else (dt.date.min, dt.date.max)
    key = pl.col("key")
    return rows.select(
        "key",
        plain=_PLAIN,
        signature=signature,
        nights=(check_out - check_in).dt.total_days(),
        arriving=((check_in < end) & (check_out > start)).fill_null(False),
        single=(key != key.shift(1)).fill_null(True)
        & (key != key.shift(-1)).fill_null(True),
    )


def _complete_rows(
    rows: pl.DataFrame, same: pl.DataFrame, settings: Settings
) -> pl.DataFrame:
    """Result rows of the keys the first pass found complete.

    A complete report's summary depends on how many stays and nights were
    requested only: it is written once per count, from the diff of the first
    key with that count.
    """
    examples = same.unique(["stays", "nights"], keep="first", maintain_order=True)
    found = check_many(
        _pairs(rows.join(examples, on="key", how="semi"), settings),
        locale=settings.locale,
    )
    headlines = pl.DataFrame(
        [(r.key, r.headline) for r in found],
        schema={"key": pl.String, "summary": pl.String},
        orient="row",
    )
    summaries = examples.join(headlines, on="key").select("stays", "nights", "summary")
    zero = pl.lit(0, pl.Int64)
    text = pl.lit(None, pl.String)
    return same.join(summaries, on=["stays", "nights"], how="left").select(
        "key",
        verdict=pl.lit(Verdict.COMPLETE.value),
        not_booked_room_nights=zero,
        booked_differently_room_nights=zero,
        unrequested_room_nights=zero,
        first_affected=text,
        summary="summary",
        error=text,
    )


def _differing_rows(rows: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Result rows of the keys the first pass did not settle.

    A key's result depends on its stays only up to a shift in time and the order
    of its references: the diff compares dates with one another and references
    only to order identical stays, and the summary's first paragraph names no
    date. So keys of the same *shape* (see :func:`_shapes`) are audited once,
    through the diff, and the others of that shape take its result, their first
    affected night moved by as many days as their stays are. Most keys that
    differ do so in a few ways (a night short, another room type), so a million
    keys come down to a few thousand diffs. A key that is not plain, or whose
    shape's first key cannot be read (its error names its own line), is audited
    on its own.
    """
    shaped = _shapes(rows, settings.window)
    if settings.window is not None:
        left_out = shaped.filter(~pl.col("arriving"))
        rows = rows.join(left_out, on="key", how="anti")
        shaped = shaped.filter("arriving")
    examples = shaped.unique("shape", keep="first", maintain_order=True)
    audited = result_rows(
        list(
            check_many(
                _pairs(rows.join(examples, on="key", how="semi"), settings),
                locale=settings.locale,
            )
        )
    )
    first = pl.col("first_affected").str.to_date("%Y-%m-%d")
    by_shape = (
        examples.join(audited, on="key")
        .filter(pl.col("verdict") != Verdict.INVALID.value)
        .select(
            "shape",
            *[name for name in RESULT_SCHEMA if name not in ("key", "first_affected")],
            moved_by=(first - pl.col("anchor")).dt.total_days(),
        )
    )
    shared = shaped.join(by_shape, on="shape").select(
        *[
            (pl.col("anchor") + pl.duration(days="moved_by"))
            .dt.to_string("%Y-%m-%d")
            .alias(name)
            if name == "first_affected"
            else name
            for name in RESULT_SCHEMA
        ]
    )
    alone = rows.join(shared, on="key", how="anti")
    found = check_many(_pairs(alone, settings), locale=settings.locale)
    return pl.concat([shared, result_rows(list(found))])


def _shapes(rows: pl.DataFrame, window: tuple[dt.date, dt.date] | None) -> pl.DataFrame:
    """The keys whose records are all plain: the key, its shape, its anchor (the
    first check-in of either side) and whether it arrives in ``window``.

    The shape is the key's records in order, side by side, each with its dates
    as days after the anchor, its rooms, room type (as written) and guests, and
    the rank of its reference among the key's references: what the diff and the
    first paragraph read of the records, but for where they are in time.
    """
    check_in, check_out = _CHECK_IN, _CHECK_OUT
    anchor = check_in.min().over("key")
    start, end = window if window is not None else (dt.date.min, dt.date.max)
    token = pl.concat_str(
        pl.col("side").cast(pl.String),
        (check_in - anchor).dt.total_days().cast(pl.String),
        (check_out - anchor).dt.total_days().cast(pl.String),
        pl.col("rooms").fill_null("1"),
        pl.col("room_type").fill_null("\x00"),
        pl.col("guests").fill_null(""),
        # The diff orders identical stays by reference (None as ""): only the
        # order of a key's references matters, not what they say.
        pl.col("ref").fill_null("").rank("dense").over("key").cast(pl.String),
        separator="\x1f",
    )
    return (
        rows.sort("key", "side", "line", maintain_order=True)
        .select(
            "key",
            plain=_PLAIN,
            token=token,
            anchor=anchor,
            arriving=(pl.col("side") == _REQUESTED)
            & (check_in < end).fill_null(False)
            & (check_out > start).fill_null(False),
        )
        .group_by("key", maintain_order=True)
        .agg(
            pl.col("plain").all(),
            pl.col("token").str.join("\x1e").alias("shape"),
            pl.col("anchor").first(),
            pl.col("arriving").any(),
        )
        .filter("plain")
        .drop("plain")
    )


def _pairs(rows: pl.DataFrame, settings: Settings) -> Iterator[Pair]:
    """The stays of the keys of ``rows``, read record by record, as
    ``check_many`` takes them."""
    columns = (
        rows.sort("key", "side", maintain_order=True)
        .select(
            "key",
            "side",
            "line",
            "error",
            *CSV_FIELDS,
            "record",
            plain=_PLAIN,
            # Only a plain record's dates are made from Polars' values: another
            # may hold a date Polars reads and Python does not (year 0).
            check_in_date=pl.when(_PLAIN).then(_CHECK_IN),
            check_out_date=pl.when(_PLAIN).then(_CHECK_OUT),
            rooms_count=pl.col("rooms").cast(pl.Int64, strict=False),
            guests_count=pl.col("guests").cast(pl.Int64, strict=False),
        )
        .to_dict(as_series=False)
    )
    records = zip(*columns.values(), strict=True)
    for key, group in groupby(records, key=itemgetter(0)):
        sides: tuple[list[Stay | Series], list[Stay | Series]] = ([], [])
        problems: tuple[list[Problem], list[Problem]] = ([], [])
        for _, side, line, read_error, *record in group:
            if read_error is not None:  # found while reading, with its place
                problems[side].append(Problem((), read_error))
                continue
            try:
                sides[side].extend(stays_of(record, settings.key))
            except InputError as error:
                place = f"{settings.label(side)} line {line}"
                problems[side].extend(placed(p, place) for p in error.problems)
        pair: Pair = (
            key,
            InputError(problems[0]) if problems[0] else sides[0],
            InputError(problems[1]) if problems[1] else sides[1],
        )
        if settings.window is None or _arriving(pair[1], settings.window):
            yield pair


def _arriving(requested: Side, window: tuple[dt.date, dt.date]) -> bool:
    if isinstance(requested, InputError):
        return True  # an unreadable key is reported, whenever it arrives
    start, end = window
    return any(s.check_in < end and s.check_out > start for s in expand(requested))
