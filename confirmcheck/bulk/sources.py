"""One side's export, read into rows sorted by reservation key.

Every format becomes the same columns (:data:`COLUMNS`): the ``key``, the ``line``
the record starts on, and either the CSV fields (text, as written) or the
``record`` (one JSON Lines line, as written), and an ``error`` where the reading
already found one (an XML reservation). Nothing is judged here: a bad date or
a line that is not JSON travels on as it is and becomes an ``invalid`` result in
:mod:`confirmcheck.bulk.work`, so one bad line never stops an audit.

A file already sorted by key is streamed in batches (constant memory); any other
is read whole and sorted in memory, each key's records kept in file order.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from confirmcheck.errors import InputError

__all__ = [
    "COLUMNS",
    "CSV_FIELDS",
    "SCHEMA",
    "Export",
    "count_keys",
    "open_export",
]

#: The fields of a CSV export after the key; only check_in and check_out are
#: required. ``exdate`` and ``rdate`` hold dates separated by blanks.
CSV_FIELDS = (
    "check_in",
    "check_out",
    "rooms",
    "room_type",
    "guests",
    "ref",
    "rrule",
    "exdate",
    "rdate",
)
COLUMNS = ("key", "line", *CSV_FIELDS, "record", "error")
#: The columns' types: all text as written, but the line number.
SCHEMA: dict[str, type[pl.DataType]] = {
    name: pl.Int64 if name == "line" else pl.String for name in COLUMNS
}
#: Rows read at a time from a sorted file.
BATCH_ROWS = 200_000
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

Format = Literal["csv", "jsonl", "ota"]


@dataclass(frozen=True, slots=True)
class Export:
    """One side's export file, checked enough to be read: format and header."""

    path: Path
    label: str
    format: Format
    frame: pl.LazyFrame
    """The rows in file order, as :data:`COLUMNS`."""

    def sorted_by_key(self) -> bool:
        """True when the keys never go down from one record to the next."""
        keys = self.frame.select(pl.col("key").drop_nulls())
        down = keys.select((pl.col("key") < pl.col("key").shift(1)).any())
        try:
            return not down.collect().item()
        except pl.exceptions.PolarsError as error:
            raise InputError(
                f"{self.label}: cannot be read: {_first_line(error)}"
            ) from None

    def batches(self, *, streamed: bool) -> Iterator[pl.DataFrame]:
        """The rows sorted by key (records without a key last), in batches.

        ``streamed`` (for a file :meth:`sorted_by_key`) reads it in batches of
        :data:`BATCH_ROWS`; otherwise the whole file is one batch, sorted here.
        """
        try:
            if streamed:
                yield from self.frame.collect_batches(chunk_size=BATCH_ROWS)
            else:
                yield self.frame.collect().sort(
                    "key", maintain_order=True, nulls_last=True
                )
        except pl.exceptions.PolarsError as error:
            raise InputError(
                f"{self.label}: cannot be read: {_first_line(error)}"
            ) from None


def count_keys(exports: tuple[Export, ...]) -> int:
    """How many different keys the exports hold together."""
    keys = pl.concat([export.frame.select("key") for export in exports])
    try:
        return int(keys.select(pl.col("key").drop_nulls().n_unique()).collect().item())
    except pl.exceptions.PolarsError as error:
        labels = " or ".join(export.label for export in exports)
        raise InputError(f"{labels}: cannot be read: {_first_line(error)}") from None


def open_export(path: Path, *, key: str) -> Export:
    """Recognise the export at ``path``: CSV with a header, JSON Lines, or a
    folder of OTA/AlpineBits XML files.

    Raises :class:`InputError` naming the file when it cannot be used at all: it
    does not exist, its header lacks the key or a required field, or names a field
    that is not one (a typo must not silently drop a constraint).
    """
    label = str(path)
    if not _FIELD_NAME.fullmatch(key):
        raise InputError(f"--key: {key!r} is not a field name (letters, digits, _)")
    if path.is_dir():
        return Export(path, label, "ota", _ota_folder(path).lazy())
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError as error:
        raise InputError(f"{label}: cannot read: {error.strerror}") from None
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return Export(path, label, "jsonl", _json_lines(path, key))
    return Export(path, label, "csv", _csv(path, label, key))


def _csv(path: Path, label: str, key: str) -> pl.LazyFrame:
    frame = pl.scan_csv(
        path,
        has_header=True,
        separator=",",
        quote_char='"',
        encoding="utf8",
        infer_schema=False,  # every field as text, read and judged later
        row_index_name="line",
        row_index_offset=2,  # the header is line 1
    )
    try:
        names = frame.collect_schema().names()
    except pl.exceptions.PolarsError as error:
        raise InputError(f"{label}: is not a CSV file: {_first_line(error)}") from None
    names.remove("line")
    missing = [name for name in (key, "check_in", "check_out") if name not in names]
    if missing:
        hint = " (--key names the key field)" if missing[0] == key else ""
        raise InputError(f"{label}: line 1: the header has no {missing[0]} field{hint}")
    known = {key, *CSV_FIELDS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InputError(
            f"{label}: line 1: {unknown[0]} is not a field of a stay (known: "
            + ", ".join([key, *CSV_FIELDS])
            + ")"
        )
    if not _one_record_a_line(path, fields=len(names)):
        return _csv_read_by_python(path, label, key).lazy()
    text = pl.String
    return frame.select(
        _key(pl.col(key)),
        pl.col("line").cast(pl.Int64),
        *[
            pl.col(name) if name in names else pl.lit(None, text).alias(name)
            for name in CSV_FIELDS
        ],
        pl.lit(None, text).alias("record"),
        pl.lit(None, text).alias("error"),
    )


def _one_record_a_line(path: Path, *, fields: int) -> bool:
    """True when Polars' fast reader reads the CSV file right: it is UTF-8, no
    line holds more fields than the header's ``fields`` (by its commas, which
    only a quoted comma may add to), and no quoted field holds a line break (a
    line with an odd number of quotes), so that record N starts on line N + 1.

    One pass over the lines in Polars: a small share of reading the file.
    """
    lines = pl.scan_lines(path, name="line").select(
        commas=pl.col("line").str.count_matches(",", literal=True),
        quotes=pl.col("line").str.count_matches('"', literal=True),
    )
    suspect = lines.select(
        ((pl.col("quotes") % 2 == 1) | (pl.col("commas") > fields - 1)).any()
    )
    try:
        return not suspect.collect().item()
    except pl.exceptions.PolarsError:
        return False  # not UTF-8: the careful reader says where


def _csv_read_by_python(path: Path, label: str, key: str) -> pl.DataFrame:
    """The CSV file read record by record with :mod:`csv`, in memory: a record
    with more fields than the header, or a byte that is not UTF-8, becomes a row
    with its ``error``; every record's ``line`` is the line it starts on."""
    rows: dict[str, list[object]] = {name: [] for name in COLUMNS}
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        names = next(reader)
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            fields = dict(zip(names, record, strict=False))
            error = None
            if len(record) > len(names):
                error = (
                    f"{label} line {line}: has {len(record)} fields; the header "
                    f"{len(names)}"
                )
            bad = next((n for n, v in fields.items() if _not_utf8(v)), None)
            if bad is not None:
                error = f"{label} line {line}, {bad}: is not UTF-8"
            for name in COLUMNS:
                value = fields.get(key if name == "key" else name) or None
                rows[name].append(None if value is None else _readable(value))
            rows["line"][-1], rows["error"][-1] = line, error
    return pl.DataFrame(rows, schema=SCHEMA).with_columns(_key(pl.col("key")))


def _json_lines(path: Path, key: str) -> pl.LazyFrame:
    lines = pl.scan_lines(
        path, name="record", row_index_name="line", row_index_offset=1
    )
    if _is_utf8(path):
        lines = lines.with_columns(error=pl.lit(None, pl.String))
    else:  # read line by line, to say which lines are not UTF-8
        lines = _json_lines_read_by_python(path, key).lazy()
    text = pl.String
    kept = (pl.col("record").str.strip_chars() != "") | pl.col("error").is_not_null()
    return lines.filter(kept).select(
        _key(pl.col("record").str.json_path_match(f"$.{key}")),
        pl.col("line").cast(pl.Int64),
        *[pl.lit(None, text).alias(name) for name in CSV_FIELDS],
        pl.when(pl.col("error").is_null()).then(pl.col("record")).alias("record"),
        pl.col("error"),
    )


def _json_lines_read_by_python(path: Path, key: str) -> pl.DataFrame:
    """The JSON Lines file read line by line: a line that is not UTF-8 keeps only
    its key (when that can be read) and an ``error`` naming the field."""
    records: list[str] = []
    errors: list[str | None] = []
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                records.append(raw.decode("utf-8"))
                errors.append(None)
                continue
            except UnicodeDecodeError:
                pass
            text = raw.decode("utf-8", "surrogateescape")
            field = ""
            kept: dict[str, object] = {}
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, dict):
                field = next(
                    (
                        f", {n}"
                        for n, v in value.items()
                        if _not_utf8(json.dumps([n, v], ensure_ascii=False))
                    ),
                    "",
                )
                if isinstance(value.get(key), str | int) and not _not_utf8(
                    str(value[key])
                ):
                    kept[key] = value[key]
            records.append(json.dumps(kept))
            errors.append(f"{path} line {number}{field}: is not UTF-8")
    return pl.DataFrame(
        {"record": records, "line": range(1, len(records) + 1), "error": errors},
        schema={"record": pl.String, "line": pl.Int64, "error": pl.String},
    )


def _is_utf8(path: Path) -> bool:
    """True when the whole file is UTF-8 (read in blocks: constant memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while block := f.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _not_utf8(text: str) -> bool:
    """True when ``text`` holds bytes that were not UTF-8 (read with
    ``surrogateescape``)."""
    return any("\udc80" <= c <= "\udcff" for c in text)


def _readable(text: str) -> str:
    """``text`` with each byte that is not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _ota_folder(folder: Path) -> pl.DataFrame:
    """The reservations of the folder's ``*.xml`` files (in name order), a row
    per stay keyed by ``UniqueID@ID``; a file or reservation that cannot be read
    is a row with its ``error``. Read whole into memory."""
    from confirmcheck.readers.ota import read_reservations

    rows: dict[str, list[object]] = {name: [] for name in COLUMNS}

    def add(key: str | None, line: int, error: str | None, **fields: object) -> None:
        for name in COLUMNS:
            rows[name].append(fields.get(name))
        rows["key"][-1], rows["line"][-1], rows["error"][-1] = key, line, error

    try:
        files = sorted(
            p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file()
        )
    except OSError as error:
        raise InputError(f"{folder}: cannot read: {error.strerror}") from None
    if not files:
        raise InputError(f"{folder}: is a folder without .xml files")
    for file in files:
        try:
            reservations = read_reservations(file.read_bytes())
        except OSError as error:
            add(None, 1, f"{file}: cannot read: {error.strerror}")
            continue
        except InputError as error:
            add(None, 1, f"{file}: {error}")
            continue
        for found in reservations:
            where = f"{file}, {found.place} (line {found.line})"
            if found.cancelled:
                continue  # cancelled: not in the export
            if found.error is not None:
                add(found.key, found.line, f"{file}, {found.error}")
            elif found.key is None:
                add(None, found.line, f"{where}: has no UniqueID@ID")
            elif found.flexible:
                add(
                    found.key,
                    found.line,
                    f"{where}: asks for nights in a window "
                    "(StartDateWindow); an audit needs their dates",
                )
            elif not found.stays:
                add(found.key, found.line, f"{where}: has no RoomStay")
            for stay in () if found.error or found.flexible else found.stays:
                add(
                    found.key,
                    found.line,
                    None,
                    check_in=stay.check_in.isoformat(),
                    check_out=stay.check_out.isoformat(),
                    rooms=str(stay.rooms),
                    room_type=stay.room_type,
                    guests=None if stay.guests is None else str(stay.guests),
                    ref=stay.ref,
                )
    return pl.DataFrame(rows, schema=SCHEMA)


def _key(column: pl.Expr) -> pl.Expr:
    # A blank key is no key: such a record is reported as invalid on its own.
    return (
        pl.when(column.str.strip_chars() == "")
        .then(None)
        .otherwise(column)
        .alias("key")
    )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
