"""The ``confirmcheck check`` command: compare two stays files, print the summary."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import BinaryIO, TextIO

from confirmcheck import compare, hotel_of, report_to_json, room_types_of
from confirmcheck.cli.common import (
    EPILOG,
    EXIT_COMPLETE,
    EXIT_DIFFERS,
    UsageError,
    add_calendar_input_options,
    label,
    read_sides,
    write_bytes,
)
from confirmcheck.errors import InputError

__all__ = ["add_parser", "run"]

_DESCRIPTION = (
    "Compare the REQUESTED stays with the CONFIRMED ones, night by night and "
    "room by room, and print what is NOT BOOKED, what is booked differently, "
    "what is booked but was never requested, and what is booked as requested."
    "\n\nEach file holds a JSON array of stays, or an object with a 'stays' "
    'array. A stay: {"check_in": "2026-03-09", "check_out": "2026-03-13", '
    '"rooms": 1, "room_type": "double", "guests": 2, "ref": "A-1234"}; a '
    'series adds "rrule" (RFC 5545, e.g. "FREQ=WEEKLY;COUNT=20") and '
    'optionally "exdate" and "rdate". Either file may instead be an '
    "iCalendar (.ics) file, one stay per all-day or timed VEVENT, an "
    "OpenTravel or AlpineBits reservation message (XML), or an HTML page or "
    "mail (.eml) with schema.org LodgingReservation markup; the format is "
    "recognised by content. Use - to read one file from standard input."
)


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Register ``check`` with the commands of the ``confirmcheck`` parser."""
    check = subparsers.add_parser(
        "check",
        help="compare requested stays with confirmed ones and print the summary",
        description=_DESCRIPTION,
        epilog=EPILOG,
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
        help=(
            "language of the summary: en (default), de, es, fr, it, nl or pl; a "
            "regional tag (de-AT, fr-CH) writes its region's dates"
        ),
    )
    check.add_argument(
        "--detail",
        choices=("summary", "all"),
        default="summary",
        help=(
            "text and HTML: the summary as the guest reads it (default), or "
            "'all' to list every stay after it, one by one"
        ),
    )
    add_calendar_input_options(check)
    check.set_defaults(run=run)


def run(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Carry out ``confirmcheck check``; returns the exit status (0 or 1)."""
    if options.requested == "-" and options.confirmed == "-":
        raise UsageError(
            "only one of REQUESTED and CONFIRMED can be - (standard input)"
        )
    requested, confirmed = read_sides(options, stdin)
    try:
        report = compare(requested, confirmed)
    except InputError as error:
        raise UsageError(f"{label(options.confirmed)}: confirmed: {error}") from None
    if options.format == "json":
        stdout.write(report_to_json(report) + "\n")
        return EXIT_COMPLETE if report.complete else EXIT_DIFFERS
    from confirmcheck import pick_locale, render_html, render_text, summarize

    try:
        locale = pick_locale(options.locale, [])
    except InputError as error:
        raise UsageError(f"--locale: {error}") from None
    summary = summarize(
        report,
        locale=locale,
        confirmed=confirmed.stays,
        room_types=room_types_of(requested, confirmed),
        detail=options.detail == "all",
    )
    if options.format == "ics":
        from confirmcheck import report_to_ics

        data = report_to_ics(
            report,
            locale=locale,
            hotel=hotel_of(requested, confirmed),
            # The edge reads the clock; the library never does.
            stamp=dt.datetime.now(dt.UTC).replace(microsecond=0),
            summary=summary,
        )
        write_bytes(data, stdout)
    elif options.format == "html":
        stdout.write(render_html(summary) + "\n")
    else:
        stdout.write(render_text(summary))
    return EXIT_COMPLETE if report.complete else EXIT_DIFFERS
