"""The ``confirmcheck attach`` command: put the summary into a confirmation mail.

Exit codes are those of the whole command line: 0 written and
everything booked as requested, 1 written and something differs, 2 bad input
(nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import stat
import tempfile
from typing import BinaryIO, TextIO

from confirmcheck import (
    StaysFile,
    compare,
    hotel_of,
    resolve_locale,
    room_types_of,
)
from confirmcheck.cli.common import (
    EXIT_COMPLETE,
    EXIT_DIFFERS,
    OutputError,
    UsageError,
    add_calendar_input_options,
    label,
    read_input,
    read_sides,
    write_bytes,
)
from confirmcheck.errors import InputError

__all__ = ["add_parser", "run"]

_DESCRIPTION = """\
Compare the REQUESTED stays with the CONFIRMED ones and put the summary at the top
of the confirmation mail MAIL (a raw RFC 5322 message, e.g. an .eml file; - reads
standard input): into every text and HTML body the guest reads, with the calendar
attached (booking-summary.ics, named in the summary's language). Every other byte
of the mail stays as it was; attaching again replaces the earlier summary. Signed
or encrypted mails are refused: attach the summary before signing.

Leave CONFIRMED out to take the confirmed stays from the mail itself: from the
schema.org LodgingReservation markup of its HTML part."""

_EPILOG = """\
exit status:
  0  the mail is written, and everything is booked as requested
  1  the mail is written, and something is not booked, booked differently,
     or booked but not requested
  2  bad input or usage (one line on standard error); nothing is written
  3  internal error (a bug: please report it)
  4  the mail cannot be written (OUT or standard output): one line on standard
     error; an existing OUT is left as it was
"""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Register ``attach`` with the commands of the ``confirmcheck`` parser."""
    attach = subparsers.add_parser(
        "attach",
        help="put the summary into a confirmation mail (MIME in, MIME out)",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    attach.add_argument("mail", metavar="MAIL", help="the confirmation mail, or -")
    attach.add_argument(
        "requested", metavar="REQUESTED", help="the stays the guest asked for"
    )
    attach.add_argument(
        "confirmed",
        metavar="CONFIRMED",
        nargs="?",
        help=("the stays the hotel confirmed; default: the schema.org markup of MAIL"),
    )
    attach.add_argument(
        "--locale",
        default=None,
        help="language of the summary (en, de; de-AT uses de); default: the "
        "mail's Content-Language if supported, else en",
    )
    attach.add_argument(
        "--no-calendar",
        dest="calendar",
        action="store_false",
        help="do not attach the calendar (booking-summary.ics)",
    )
    attach.add_argument(
        "--subject-prefix",
        metavar="TEXT",
        default=None,
        help="put TEXT in front of the Subject (off by default)",
    )
    attach.add_argument(
        "--allow-dkim",
        action="store_true",
        help="change a mail that carries a DKIM-Signature (sign it again afterwards)",
    )
    attach.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=None,
        help=(
            "write the changed mail to OUT instead of standard output: a file is "
            "replaced whole (keeping its permissions; a symbolic link's target is "
            "replaced), a device or FIFO is written into"
        ),
    )
    # The same iCalendar input options as "check": read_stays_arg reads them.
    add_calendar_input_options(attach)
    attach.set_defaults(run=run)


def _write(data: bytes, output: str | None, stdout: TextIO) -> None:
    """Write the mail to OUT (``-`` or none: standard output).

    A regular file (or a new path) is written atomically: next to it, then
    renamed over it, so OUT is either the old mail or the whole new one, with
    OUT's permissions. A character device (``/dev/null``, a terminal) or a FIFO
    is written into directly: renaming over it would replace the device with a
    file. A symbolic link is followed: its target is replaced, the link stays.
    Anything else (a directory, a socket) is refused.
    """
    if output is None or output == "-":
        write_bytes(data, stdout)
        return
    try:
        target = os.path.realpath(output)
        try:
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            with open(target, "wb") as stream:
                stream.write(data)
            return
        if mode is not None and not stat.S_ISREG(mode):
            raise OutputError(
                f"{output}: cannot write: not a regular file, a character device "
                "or a FIFO"
            )
        _replace(target, data, stat.S_IMODE(mode) if mode is not None else None)
    except OSError as error:
        raise OutputError(f"{output}: cannot write: {error.strerror}") from None


def _replace(target: str, data: bytes, mode: int | None) -> None:
    """Write ``target`` atomically; with ``mode``, or as a new file gets it."""
    if mode is None:
        umask = os.umask(0)  # read it: there is no other way
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(
        prefix=".confirmcheck-", dir=os.path.dirname(target)
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), mode)
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _confirmed_in(mail: bytes, name: str) -> StaysFile:
    """The confirmed stays of the mail's own schema.org markup."""
    from confirmcheck.readers.schemaorg import read_schemaorg

    try:
        return read_schemaorg(mail)
    except InputError as error:
        raise UsageError(
            f"{label(name)}: {error}; without CONFIRMED the confirmed stays are "
            "read from the mail's markup"
        ) from None


def run(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Carry out ``confirmcheck attach``; returns the exit status (0 or 1)."""
    from confirmcheck.mail import MAX_MAIL_BYTES, MailError, attach_summary, mail_date

    inputs = [options.mail, options.requested, options.confirmed]
    if inputs.count("-") > 1:
        raise UsageError("only one of MAIL, REQUESTED and CONFIRMED can be -")
    if options.locale is not None:
        try:
            resolve_locale(options.locale)
        except InputError as error:
            raise UsageError(f"--locale: {error}") from None
    # One byte more than the limit is enough for the library to refuse it.
    mail = read_input(options.mail, stdin, MAX_MAIL_BYTES)
    in_mail = None if options.confirmed else _confirmed_in(mail, options.mail)
    requested, confirmed = read_sides(options, stdin, confirmed=in_mail)
    try:
        report = compare(requested, confirmed)
    except InputError as error:
        place = options.mail if options.confirmed is None else options.confirmed
        raise UsageError(f"{label(place)}: confirmed: {error}") from None
    stamp = None
    if options.calendar and mail_date(mail) is None:
        # The calendar's DTSTAMP is the mail's Date, so that a retry gives the same
        # bytes; a mail without one gets the time now (the edge reads the clock,
        # the library never does).
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        changed = attach_summary(
            mail,
            report,
            locale=options.locale,
            attach_calendar=options.calendar,
            stamp=stamp,
            hotel=hotel_of(requested, confirmed),
            confirmed=confirmed.stays,
            room_types=room_types_of(requested, confirmed),
            subject_prefix=options.subject_prefix,
            allow_dkim=options.allow_dkim,
        )
    except MailError as error:
        raise UsageError(f"{label(options.mail)}: {error}") from None
    except InputError as error:
        if error.problems[0].path[:1] != ("subject_prefix",):
            raise
        raise UsageError(f"--subject-prefix: {error.problems[0].message}") from None
    _write(changed, options.output, stdout)
    return EXIT_COMPLETE if report.complete else EXIT_DIFFERS
