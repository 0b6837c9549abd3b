"""What every command of the command line shares: exit codes, reading the input
files, writing bytes, the iCalendar input options.

The command modules (:mod:`~confirmcheck.cli.check`, :mod:`~confirmcheck.cli.attach`)
import from here, and :mod:`confirmcheck.cli` imports them: imports point one way.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import BinaryIO, TextIO

from confirmcheck.errors import ConfirmcheckError, InputError
from confirmcheck.readers import StaysFile, read_stays
from confirmcheck.readers.ics import looks_like_calendar

__all__ = [
    "EPILOG",
    "EXIT_COMPLETE",
    "EXIT_DIFFERS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OUTPUT",
    "MAX_INPUT_BYTES",
    "OutputError",
    "UsageError",
    "add_calendar_input_options",
    "date_arg",
    "label",
    "read_input",
    "read_sides",
    "write_bytes",
]

EXIT_COMPLETE = 0
EXIT_DIFFERS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_OUTPUT = 4

EPILOG = """\
exit status:
  0  everything is booked as requested
  1  something is not booked, booked differently, or booked but not requested
  2  bad input or usage (one line on standard error names the file and place)
  3  internal error (a bug: please report it)
  4  the output cannot be written (standard output closed or full, OUT not
     writable): one line on standard error
"""

#: Larger input files are refused before they are read whole.
MAX_INPUT_BYTES = 64 * 1024 * 1024


class UsageError(ConfirmcheckError):
    """A command line that cannot be carried out (exit 2)."""


class OutputError(ConfirmcheckError):
    """The output cannot be written: standard output closed or full, OUT not
    writable (exit 4)."""


def read_input(name: str, stdin: BinaryIO, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of file ``name`` (``-``: standard input), up to one byte more
    than ``limit`` so that the reader can refuse a file that is too large."""
    if name == "-":
        return stdin.read(limit + 1)
    try:
        with open(name, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as error:
        raise UsageError(f"{name}: cannot read: {error.strerror}") from None


def label(name: str) -> str:
    """How a file given as ``name`` is called in messages."""
    return "standard input" if name == "-" else name


def read_sides(
    options: argparse.Namespace,
    stdin: BinaryIO,
    *,
    confirmed: StaysFile | None = None,
) -> tuple[StaysFile, StaysFile]:
    """The stays files of ``options.requested`` and ``options.confirmed`` (file
    names or ``-``), in any format :func:`~confirmcheck.read_stays` reads; with
    ``confirmed`` given (read from elsewhere: a mail's markup), only the first.

    A JSON stays file may give the hotel's ``timezone``: without ``--timezone``
    it is the zone a calendar on the other side is read in (timed events fall on
    their local dates there), so the JSON files are read first.
    """
    names = {"requested": options.requested, "confirmed": options.confirmed}
    files: dict[str, StaysFile] = {}
    if confirmed is not None:
        del names["confirmed"]
        files["confirmed"] = confirmed
    data = {side: _read_limited(name, stdin) for side, name in names.items()}
    for side, name in names.items():
        if not looks_like_calendar(data[side]):
            files[side] = _read_side(name, side, data[side], options, None)
    zones = {f.timezone for f in files.values() if f.timezone is not None}
    if options.timezone is None and len(zones) > 1:
        raise UsageError(
            "the stays files give different time zones ("
            + ", ".join(sorted(zones))
            + "); say which is the hotel's with --timezone"
        )
    zone = options.timezone or (zones.pop() if zones else None)
    for side, name in names.items():
        if side not in files:
            files[side] = _read_side(name, side, data[side], options, zone)
    return files["requested"], files["confirmed"]


def _read_limited(name: str, stdin: BinaryIO) -> bytes:
    data = read_input(name, stdin)
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(
            f"{name}: is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB"
        )
    return data


def _read_side(
    name: str,
    side: str,
    data: bytes,
    options: argparse.Namespace,
    timezone: str | None,
) -> StaysFile:
    try:
        return read_stays(
            data,
            timezone=timezone,
            until=options.until,
            ics_end_is_last_night=options.ics_end_is_last_night,
            skip_non_stays=options.skip_non_stays,
            path=(side,),
        )
    except InputError as error:
        raise UsageError(f"{label(name)}: {error}") from None


def date_arg(text: str) -> dt.date:
    """An argparse type: a date as YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD)"
        ) from None


def write_bytes(data: bytes, stdout: TextIO) -> None:
    """Write bytes (a calendar, a mail) to standard output exactly as they are.

    Lines may end in CRLF: the bytes go to the binary buffer where there is one,
    so no newline translation doubles the CR. A text-only stream (a test's
    StringIO) gets them decoded, undecodable bytes kept as surrogates.
    """
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:
        stdout.write(data.decode("utf-8", "surrogateescape"))
        return
    stdout.flush()
    buffer.write(data)
    buffer.flush()


def add_calendar_input_options(command: argparse.ArgumentParser) -> None:
    """The options for reading stays from iCalendar, shared by check and attach."""
    ics = command.add_argument_group("iCalendar input")
    ics.add_argument(
        "--timezone",
        metavar="ZONE",
        help=(
            "the hotel's time zone (IANA, e.g. Europe/Vienna): timed events count "
            "on their dates there; default: the timezone of the other, JSON stays "
            "file, else each event's own time zone"
        ),
    )
    ics.add_argument(
        "--until",
        metavar="DATE",
        type=date_arg,
        help="read rules that never end up to check-ins on DATE (YYYY-MM-DD)",
    )
    ics.add_argument(
        "--ics-end-is-last-night",
        action="store_true",
        help=(
            "an all-day event's DTEND is the last night, not the check-out day "
            "(some channel managers write it so)"
        ),
    )
    ics.add_argument(
        "--skip-non-stays",
        action="store_true",
        help="leave out events that give no night (a meeting) instead of failing",
    )
