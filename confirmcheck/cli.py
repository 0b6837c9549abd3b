"""The ``confirmcheck`` command line.

Exit codes (the same for every command):

* 0 — everything is booked as requested (for ``attach``: and the mail is written);
* 1 — something is not booked, booked differently or booked but not requested;
* 2 — bad input or usage: one line on standard error names the file and the place;
  nothing is written;
* 3 — an internal error (a bug in confirmcheck): one line on standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import BinaryIO, TextIO

from confirmcheck.errors import ConfirmcheckError, InputError
from confirmcheck.stay import Series, Stay

__all__ = ["EXIT_COMPLETE", "EXIT_DIFFERS", "EXIT_INPUT", "EXIT_INTERNAL", "main"]

EXIT_COMPLETE = 0
EXIT_DIFFERS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

#: Larger input files are refused before they are read whole.
MAX_INPUT_BYTES = 64 * 1024 * 1024

_EPILOG = """\
exit status:
  0  everything is booked as requested
  1  something is not booked, booked differently, or booked but not requested
  2  bad input or usage (one line on standard error names the file and place)
  3  internal error (a bug: please report it)
"""


class UsageError(ConfirmcheckError):
    """A command line that cannot be carried out (exit 2)."""


def _read_bytes(name: str, stdin: BinaryIO) -> bytes:
    if name == "-":
        data = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        try:
            with open(name, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as error:
            raise UsageError(f"{name}: cannot read: {error.strerror}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(
            f"{name}: is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB"
        )
    return data


def _label(name: str) -> str:
    return "standard input" if name == "-" else name


def read_stays_arg(
    name: str, side: str, stdin: BinaryIO, options: argparse.Namespace
) -> list[Stay | Series]:
    """The stays of one side of a check, from a file name or ``-``: JSON, or
    iCalendar (recognised by its content, whatever the file is called)."""
    from confirmcheck.readers.ics import looks_like_calendar, read_calendar
    from confirmcheck.readers.json import load_stays

    data = _read_bytes(name, stdin)
    try:
        if looks_like_calendar(data):
            return list(
                read_calendar(
                    data,
                    timezone=options.timezone,
                    until=options.until,
                    end_is_last_night=options.ics_end_is_last_night,
                    skip_non_stays=options.skip_non_stays,
                )
            )
        return list(load_stays(data, path=(side,)).stays)
    except InputError as error:
        raise UsageError(f"{_label(name)}: {error}") from None


def date_arg(text: str) -> dt.date:
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


def _check(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    from confirmcheck.diff import diff
    from confirmcheck.report import report_to_json

    if options.requested == "-" and options.confirmed == "-":
        raise UsageError(
            "only one of REQUESTED and CONFIRMED can be - (standard input)"
        )
    requested = read_stays_arg(options.requested, "requested", stdin, options)
    confirmed = read_stays_arg(options.confirmed, "confirmed", stdin, options)
    report = diff(requested, confirmed)
    if options.format == "json":
        stdout.write(report_to_json(report) + "\n")
    elif options.format == "ics":
        from confirmcheck.calendar import report_to_ics

        try:
            data = report_to_ics(
                report,
                locale=options.locale,
                # The edge reads the clock; the library never does.
                stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
            )
        except InputError as error:
            raise UsageError(f"--locale: {error}") from None
        write_bytes(data, stdout)
    else:
        from confirmcheck import render

        try:
            locale = render.resolve_locale(options.locale)
        except InputError as error:
            raise UsageError(f"--locale: {error}") from None
        if options.format == "html":
            stdout.write(render.render_html(report, locale=locale) + "\n")
        else:
            stdout.write(render.render_text(report, locale=locale))
    return EXIT_COMPLETE if report.complete else EXIT_DIFFERS


def add_calendar_input_options(command: argparse.ArgumentParser) -> None:
    """The options for reading stays from iCalendar, shared by check and attach."""
    ics = command.add_argument_group("iCalendar input")
    ics.add_argument(
        "--timezone",
        metavar="ZONE",
        help=(
            "the hotel's time zone (IANA, e.g. Europe/Vienna): timed events count "
            "on their dates there; default: each event's own time zone"
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``confirmcheck`` command."""
    parser = argparse.ArgumentParser(
        prog="confirmcheck",
        description="Say plainly what a hotel confirmation did NOT book.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="compare requested stays with confirmed ones and print the summary",
        description=(
            "Compare the REQUESTED stays with the CONFIRMED ones, night by night and "
            "room by room, and print what is NOT BOOKED, what is booked differently, "
            "what is booked but was never requested, and what is booked as requested."
            "\n\nEach file holds a JSON array of stays, or an object with a 'stays' "
            'array. A stay: {"check_in": "2026-03-09", "check_out": "2026-03-13", '
            '"rooms": 1, "room_type": "double", "guests": 2, "ref": "A-1234"}; a '
            'series adds "rrule" (RFC 5545, e.g. "FREQ=WEEKLY;COUNT=20") and '
            'optionally "exdate" and "rdate". Either file may instead be an '
            "iCalendar (.ics) file, one stay per VEVENT (see docs/calendar.md). Use - "
            "to read one file from standard input."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "requested", metavar="REQUESTED", help="the stays the guest asked for"
    )
    check.add_argument(
        "confirmed", metavar="CONFIRMED", help="the stays the hotel confirmed"
    )
    check.add_argument(
        "--format",
        choices=("text", "html", "json", "ics"),
        default="text",
        help=(
            "text (default), an HTML fragment for a mail, the JSON report, or an "
            "iCalendar file for the guest's calendar (booked and NOT BOOKED events)"
        ),
    )
    check.add_argument(
        "--locale",
        default="en",
        help="language of the summary: en (default) or de; de-AT, de_CH, ... use de",
    )
    add_calendar_input_options(check)
    check.set_defaults(run=_check)

    from confirmcheck._cli_attach import add_attach_parser

    add_attach_parser(commands)

    from confirmcheck import _cli_audit

    _cli_audit.add_parser(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    # argparse writes --help and usage errors to sys.stdout and sys.stderr itself.
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        status: int = options.run(options, stdin, stdout)
    except (UsageError, InputError) as error:
        stderr.write(f"confirmcheck: {_one_line(str(error))}\n")
        return EXIT_INPUT
    except Exception as error:  # a user gets one line, never a traceback
        stderr.write(
            "confirmcheck: internal error "
            f"({_one_line(f'{type(error).__name__}: {error}')}); please report it\n"
        )
        return EXIT_INTERNAL
    return status


def _one_line(text: str) -> str:
    # Messages quote the input, which may hold line breaks or other control
    # characters; escaped, the error stays the one line scripts expect.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def run() -> None:  # pragma: no cover - the console script's entry point
    """Entry point of the ``confirmcheck`` console script."""
    sys.exit(main())
