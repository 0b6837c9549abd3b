"""The ``confirmcheck`` command line.

Each command is a module of this package with ``add_parser(subparsers)`` and
``run(options, stdin, stdout)``; what they share is in
:mod:`confirmcheck.cli.common`. Exit codes (the same for every command):

* 0 — everything is booked as requested (for ``attach``: and the mail is written);
* 1 — something is not booked, booked differently or booked but not requested;
* 2 — bad input or usage: one line on standard error names the file and the place;
  nothing is written;
* 3 — an internal error (a bug in confirmcheck): one line on standard error;
* 4 — the output cannot be written (standard output closed or full, ``-o OUT``
  not writable): one line on standard error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import BinaryIO, TextIO

from confirmcheck.cli import attach, audit, check, relay, requests
from confirmcheck.cli.common import (
    EPILOG,
    EXIT_COMPLETE,
    EXIT_DIFFERS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OUTPUT,
    OutputError,
    UsageError,
)
from confirmcheck.errors import InputError

__all__ = [
    "EXIT_COMPLETE",
    "EXIT_DIFFERS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OUTPUT",
    "build_parser",
    "main",
    "run",
]

#: The commands, in the order ``--help`` lists them.
COMMANDS = (check, attach, audit, requests, relay)


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str) -> None:
        super().__init__(option_strings, dest, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        import confirmcheck

        sys.stdout.write(f"{parser.prog} {confirmcheck.__version__}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``confirmcheck`` command."""
    parser = argparse.ArgumentParser(
        prog="confirmcheck",
        description="Say plainly what a hotel confirmation did NOT book.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print the version and exit"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
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
        stdout.flush()
    except (UsageError, InputError) as error:
        stderr.write(f"confirmcheck: {_one_line(str(error))}\n")
        return EXIT_INPUT
    except OutputError as error:
        stderr.write(f"confirmcheck: {_one_line(str(error))}\n")
        return EXIT_OUTPUT
    except OSError as error:
        # Only writing to standard output raises it here (every file is opened
        # by a command that says which): closed (a pipe whose reader is gone)
        # or full.
        stderr.write(
            "confirmcheck: cannot write to standard output: "
            f"{_one_line(error.strerror or str(error))}\n"
        )
        _discard_standard_output(stdout)
        return EXIT_OUTPUT
    except Exception as error:  # a user gets one line, never a traceback
        stderr.write(
            "confirmcheck: internal error "
            f"({_one_line(f'{type(error).__name__}: {error}')}); please report it\n"
        )
        return EXIT_INTERNAL
    return status


def _discard_standard_output(stdout: TextIO) -> None:
    # What is left in the buffer would fail again when Python flushes it on
    # exit, with a second message: standard output goes to the null device.
    if stdout is not sys.stdout:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no file descriptor: nothing is flushed
        pass


def _one_line(text: str) -> str:
    # Messages quote the input, which may hold line breaks or other control
    # characters; escaped, the error stays the one line scripts expect.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def run() -> None:  # pragma: no cover - the console script's entry point
    """Entry point of the ``confirmcheck`` console script."""
    sys.exit(main())
