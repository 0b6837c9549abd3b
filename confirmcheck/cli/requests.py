"""The ``confirmcheck requests`` command: the request registry by hand.

``put REF FILE`` stores what the guest asked for under his reservation's reference
(any stays format ``check`` reads; ``--confirmed FILE`` adds the confirmed stays
for mails that carry none), ``get REF`` writes it back exactly as given,
``delete REF`` removes it, ``list --older-than DAYS`` names the references whose
last requested night is more than DAYS days ago, and ``purge`` removes those past
the retention. The registry is ``--registry URL`` or $CONFIRMCHECK_REGISTRY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from typing import Any, BinaryIO, TextIO

from confirmcheck.registry import (
    DEFAULT_RETENTION_DAYS,
    ENV_REGISTRY,
    Entry,
    Registry,
    RegistryError,
    make_entries,
    make_entry,
    open_registry,
    retention_cutoff,
)

__all__ = ["add_parser", "registry_from", "registry_url", "run"]

_DESCRIPTION = """\
Keep guests' requests until their confirmations pass the relay: store one under
its reservation reference (put), show it (get), remove it (delete), list old ones
(list --older-than DAYS) or remove every request whose last night is more than
the retention ago (purge). The registry is --registry URL, else the variable
CONFIRMCHECK_REGISTRY: sqlite:///var/lib/confirmcheck/requests.db or
postgresql://user@host/db."""


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``requests`` with the subcommands of the ``confirmcheck`` parser."""
    command = subparsers.add_parser(
        "requests",
        help="store, show and remove guests' requests in the request registry",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_registry_option(command)
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")
    put = actions.add_parser("put", help="store the requested stays of REF")
    put.add_argument("ref", metavar="REF", help="the reservation's reference")
    put.add_argument("file", metavar="FILE", help="the requested stays, or -")
    put.add_argument(
        "--confirmed",
        metavar="FILE",
        help="the confirmed stays too, for confirmation mails that carry none",
    )
    put_all = actions.add_parser(
        "put-all",
        help="store every reservation of FILE under its own reference (an "
        "AlpineBits GuestRequests message: each under its UniqueID)",
    )
    put_all.add_argument("file", metavar="FILE", help="the requests, or -")
    get = actions.add_parser("get", help="write the stored request of REF")
    get.add_argument("ref", metavar="REF")
    get.add_argument(
        "--confirmed",
        action="store_true",
        help="write the stored confirmed stays instead",
    )
    delete = actions.add_parser("delete", help="remove the request of REF")
    delete.add_argument("ref", metavar="REF")
    listing = actions.add_parser(
        "list", help="list references whose last night is older than DAYS days"
    )
    listing.add_argument(
        "--older-than", metavar="DAYS", type=_days, required=True, dest="days"
    )
    purge = actions.add_parser(
        "purge", help="remove requests whose last night is past the retention"
    )
    purge.add_argument(
        "--days",
        metavar="N",
        type=_days,
        default=DEFAULT_RETENTION_DAYS,
        help=f"keep requests N days after their last night (default "
        f"{DEFAULT_RETENTION_DAYS})",
    )
    command.set_defaults(run=run)


def add_registry_option(command: argparse.ArgumentParser) -> None:
    """The ``--registry URL`` option, shared with ``relay``."""
    command.add_argument(
        "--registry",
        metavar="URL",
        help=f"the request registry (default: ${ENV_REGISTRY})",
    )


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days")
    return int(text)


def registry_url(options: argparse.Namespace) -> str:
    """The registry's URL: --registry, else the environment (this is the edge)."""
    from confirmcheck.cli.common import UsageError

    url: str | None = options.registry or os.environ.get(ENV_REGISTRY)
    if not url:
        raise UsageError(f"give --registry URL or set {ENV_REGISTRY}")
    return url


def registry_from(options: argparse.Namespace) -> Registry:
    """The registry named by --registry or the environment."""
    from confirmcheck.cli.common import UsageError

    url = registry_url(options)
    try:
        return open_registry(url)
    except RegistryError as error:
        raise UsageError(f"--registry: {error}") from None


def _read(name: str, stdin: BinaryIO) -> bytes:
    from confirmcheck.cli.common import UsageError
    from confirmcheck.registry import MAX_DOCUMENT_BYTES

    if name == "-":
        return stdin.read(MAX_DOCUMENT_BYTES + 1)
    try:
        with open(name, "rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{name}: cannot read: {error.strerror}") from None


def run(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Carry out ``confirmcheck requests ACTION``; returns the exit status."""
    from confirmcheck.cli.common import EXIT_COMPLETE, UsageError, write_bytes
    from confirmcheck.errors import InputError

    # The edge reads the clock; the registry and the library never do.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    entries: list[Entry] = []
    if options.action in ("put", "put-all"):
        requested = _read(options.file, stdin)
        confirmed = None
        if options.action == "put" and options.confirmed is not None:
            confirmed = _read(options.confirmed, stdin)
        try:
            if options.action == "put":
                entries = [
                    make_entry(
                        options.ref, requested, stored_at=now, confirmed=confirmed
                    )
                ]
            else:
                entries = make_entries(requested, stored_at=now)
        except InputError as error:
            raise UsageError(str(error)) from None
    registry = registry_from(options)
    try:
        if entries:
            for entry in entries:
                registry.put(entry)
                stdout.write(f"{entry.ref}: stored (last night {entry.last_night})\n")
        elif options.action == "get":
            found = registry.get(options.ref)
            if found is None:
                raise UsageError(f"{options.ref}: no request is stored")
            document = found.confirmed if options.confirmed else found.requested
            if document is None:
                raise UsageError(f"{options.ref}: no confirmed stays are stored")
            write_bytes(document, stdout)
        elif options.action == "delete":
            removed = registry.delete(options.ref)
            stdout.write(
                f"{options.ref}: {'deleted' if removed else 'no request was stored'}\n"
            )
        elif options.action == "list":
            cutoff = retention_cutoff(now.date(), options.days)
            for listed in registry.last_night_before(cutoff):
                stdout.write(f"{listed.ref}\t{listed.last_night.isoformat()}\n")
        else:
            cutoff = retention_cutoff(now.date(), options.days)
            removed_count = registry.purge(cutoff)
            stdout.write(
                f"purged {removed_count} requests whose last night is before "
                f"{cutoff.isoformat()}\n"
            )
    except RegistryError as error:
        raise UsageError(str(error)) from None
    finally:
        registry.close()
    return EXIT_COMPLETE
