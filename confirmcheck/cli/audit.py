"""``confirmcheck audit``: match two exports of many reservations, key by key."""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from confirmcheck.cli.common import EXIT_COMPLETE, EXIT_DIFFERS, date_arg
from confirmcheck.errors import InputError
from confirmcheck.i18n import resolve_locale

if TYPE_CHECKING:
    from confirmcheck.bulk.sources import Export
    from confirmcheck.bulk.work import ChunkOutcome, Settings

__all__ = ["add_parser", "run"]

_VERDICTS = ("complete", "differs", "only_requested", "only_confirmed", "invalid")

_DESCRIPTION = """\
Match every reservation of the REQUESTED export (a channel's or a booking
engine's) with the CONFIRMED export (the hotel's) by reservation key, and write
one result line per key: its verdict (complete, differs, only_requested,
only_confirmed, or invalid for a record that cannot be read), the room-nights not
booked, booked differently and booked but not requested, the first night
affected, and the summary's first sentence.

Exports are CSV files with a header (UTF-8, comma-separated, fields quoted with
"; fields key,check_in,check_out,rooms,room_type,guests,ref,rrule,exdate,rdate,
of which key, check_in and check_out are required), JSON Lines files (one stay
per line with a key field, or one object with a key and its "stays" per line),
or folders of OTA/AlpineBits XML files (each *.xml file a reservation message;
each reservation keyed by its UniqueID@ID, cancelled ones left out; --key does
not apply to them; a folder is read whole into memory).
A bad record (a bad date, more fields than the header, bytes that are not
UTF-8, an XML reservation or file that cannot be read) is reported as an
invalid result naming the file, the line it starts on (or the XML element
path) and the field; it never stops the audit.
Exports sorted by key are streamed; others are sorted in memory. Results
come in key order and are the same for any --jobs and --engine.
"""

_EPILOG = """\
exit status:
  0  every key is complete
  1  some key differs, is on one side only, or has a record that cannot be read
  2  unusable input or usage (one line on standard error says why)
"""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``audit`` command to the ``confirmcheck`` command line."""
    audit = subparsers.add_parser(
        "audit",
        help="match two exports of many reservations by key, one line per key",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument(
        "requested",
        metavar="REQUESTED",
        help="the requested export: a CSV or JSON Lines file, or a folder of XML files",
    )
    audit.add_argument(
        "confirmed",
        metavar="CONFIRMED",
        help="the confirmed export: a CSV or JSON Lines file, or a folder of XML files",
    )
    audit.add_argument(
        "--key", default="key", metavar="FIELD", help="the key field (default: key)"
    )
    audit.add_argument(
        "--out", metavar="RESULTS", help="write the results here (default: stdout)"
    )
    audit.add_argument(
        "--format",
        choices=("jsonl", "csv"),
        default="jsonl",
        help="JSON Lines (default) or CSV with a header",
    )
    audit.add_argument(
        "--summary",
        action="store_true",
        help=(
            "then print the count of each verdict and the keys with the most NOT "
            "BOOKED room-nights (to stdout with --out, else to stderr)"
        ),
    )
    audit.add_argument(
        "--locale", default="en", help="language of the summaries (default: en)"
    )
    audit.add_argument(
        "--arriving-within",
        type=_positive,
        metavar="DAYS",
        help="audit only keys with a requested night in the DAYS from --today on",
    )
    audit.add_argument(
        "--today",
        type=date_arg,
        metavar="DATE",
        help="the first day of --arriving-within (default: today's local date)",
    )
    audit.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="audit in N processes (default: the number of CPUs)",
    )
    audit.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local processes (default) or a Dask cluster (the dask extra)",
    )
    audit.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler (tcp://host:8786); default: a "
        "local cluster of --jobs workers",
    )
    audit.add_argument(
        "--chunk-size",
        type=_positive,
        default=100_000,
        metavar="ROWS",
        help="records of each side audited together (default: 100000)",
    )
    audit.add_argument(
        "--quiet", action="store_true", help="no progress bar on standard error"
    )
    audit.set_defaults(run=run)


def run(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Carry out ``confirmcheck audit``; returns the exit status."""
    del stdin  # exports are files: each is read twice (is it sorted? then the rows)
    if options.scheduler is not None and options.engine != "dask":
        raise InputError("--scheduler needs --engine dask")
    if options.today is not None and options.arriving_within is None:
        raise InputError("--today needs --arriving-within")
    # --jobs N uses N cores: Polars, reading the exports here, too (unless told
    # otherwise; it reads this when first imported).
    os.environ.setdefault("POLARS_MAX_THREADS", str(options.jobs))
    try:
        import polars  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError:
        raise InputError(
            'audit needs the audit extra: pip install "confirmcheck[audit]"'
        ) from None
    try:
        locale = resolve_locale(options.locale)
    except InputError as error:
        raise InputError(f"--locale: {error}") from None
    from confirmcheck.bulk.sources import open_export
    from confirmcheck.bulk.work import Settings

    requested = open_export(Path(options.requested), key=options.key)
    confirmed = open_export(Path(options.confirmed), key=options.key)
    window = None
    if options.arriving_within is not None:
        # The edge reads the clock; the library never does.
        today = options.today or dt.date.today()
        window = (today, today + dt.timedelta(days=options.arriving_within))
    settings = Settings(
        requested_label=requested.label,
        confirmed_label=confirmed.label,
        key=options.key,
        locale=locale,
        format=options.format,
        window=window,
    )
    with ExitStack() as stack:
        out = stdout
        if options.out is not None:
            try:
                out = stack.enter_context(
                    open(options.out, "w", encoding="utf-8", newline="")
                )
            except OSError as error:
                raise InputError(
                    f"{options.out}: cannot write: {error.strerror}"
                ) from None
        tally = _write_results(requested, confirmed, settings, options, out)
    if options.summary:
        _write_summary(tally, out=stdout if options.out is not None else sys.stderr)
    return EXIT_COMPLETE if set(tally.counts) <= {"complete"} else EXIT_DIFFERS


class _Tally:
    """What the summary says: counts per verdict and the worst keys."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.worst: list[tuple[str, int]] = []

    def add(self, outcome: ChunkOutcome) -> None:
        from confirmcheck.bulk.results import WORST

        self.counts.update(outcome.counts)
        self.worst = heapq.nsmallest(
            WORST, [*self.worst, *outcome.worst], key=lambda kv: (-kv[1], kv[0])
        )


def _write_results(
    requested: Export,
    confirmed: Export,
    settings: Settings,
    options: argparse.Namespace,
    out: TextIO,
) -> _Tally:
    import polars as pl
    from tqdm import tqdm

    from confirmcheck.bulk.chunks import chunks
    from confirmcheck.bulk.engines import outcomes
    from confirmcheck.bulk.results import (
        count_verdicts,
        csv_header,
        format_rows,
        keyless_results,
    )
    from confirmcheck.bulk.sources import count_keys

    exports = (requested, confirmed)
    keyless: tuple[list[pl.DataFrame], list[pl.DataFrame]] = ([], [])
    sides = [export.batches(streamed=export.sorted_by_key()) for export in exports]
    tally = _Tally()
    if options.format == "csv":
        out.write(csv_header())
    shown = not options.quiet and sys.stderr.isatty()
    progress = tqdm(
        desc="audit",
        unit=" keys",
        # Counting the keys is one more pass over the key fields: worth it for a
        # person watching (an ETA), not for a nightly job.
        total=count_keys(exports) if shown else None,
        file=sys.stderr,
        disable=not shown,
        dynamic_ncols=True,
    )
    with progress:
        found: Iterator[ChunkOutcome] = outcomes(
            chunks(sides[0], sides[1], size=options.chunk_size, keyless=keyless),
            settings,
            jobs=options.jobs,
            engine=options.engine,
            scheduler=options.scheduler,
        )
        for outcome in found:
            out.write(outcome.text)
            out.flush()
            tally.add(outcome)
            progress.update(outcome.keys)
    # Records without a key belong to no key: they come last, requested first.
    for frames, export in zip(keyless, exports, strict=True):
        if frames:
            results = keyless_results(pl.concat(frames), export.label, settings.key)
            out.write(format_rows(results, options.format))
            tally.counts.update(count_verdicts(results))
    return tally


def _write_summary(tally: _Tally, *, out: TextIO) -> None:
    total = sum(tally.counts.values())
    lines = [f"keys: {total:,}"]
    width = max(len(v) for v in _VERDICTS)
    lines += [f"  {v:<{width}}  {tally.counts.get(v, 0):>12,}" for v in _VERDICTS]
    if tally.worst:
        lines.append(
            f"the {len(tally.worst)} keys with the most NOT BOOKED room-nights:"
        )
        lines += [f"  {nights:>8,}  {key}" for key, nights in tally.worst]
    out.write("\n".join(lines) + "\n")
