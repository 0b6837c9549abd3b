"""The ``confirmcheck relay`` command: an SMTP relay that checks confirmations in
transit (``pip install "confirmcheck[relay]"``; docs/relay.md)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any, BinaryIO, TextIO

# asyncio, ssl and the relay itself are imported when the relay runs: the
# command line starts without them for every other command.

__all__ = ["add_parser", "run"]

_DESCRIPTION = """\
Accept mails over SMTP, put the booking summary into every confirmation whose
reservation has a request in the registry, and forward every mail to the one
upstream (the hotel's real smart host). The sender's DATA is answered only after
the upstream accepted: 451 when it is down, its own code when it refuses for good.
Mails that cannot be checked go on unchanged with the header
X-Confirmcheck: skipped; reason=... . Only authenticated users (AUTH over TLS,
--auth-users) or clients of the --allow networks may send: never an open relay."""


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``relay`` with the subcommands of the ``confirmcheck`` parser."""
    from confirmcheck.cli.requests import add_registry_option
    from confirmcheck.registry import DEFAULT_RETENTION_DAYS

    command = subparsers.add_parser(
        "relay",
        help="an SMTP relay that puts the summary into confirmations in transit",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "--listen", metavar="HOST:PORT", default="127.0.0.1:2525", type=_address
    )
    command.add_argument(
        "--forward", metavar="HOST:PORT", type=_address, help="the upstream"
    )
    command.add_argument(
        "--forward-tls", choices=("starttls", "tls", "none"), default="starttls"
    )
    command.add_argument("--forward-user", metavar="USER")
    command.add_argument("--forward-password-file", metavar="FILE")
    add_registry_option(command)
    command.add_argument(
        "--ref-header",
        metavar="NAME",
        help="the header holding the reservation's reference, e.g. X-Reservation-Id",
    )
    command.add_argument(
        "--ref-pattern",
        metavar="REGEX",
        help=r"find the reference in the subject or text, e.g. 'Nr\. (\S+)'",
    )
    command.add_argument("--locale", help="language of the summary (default: mail's)")
    command.add_argument("--tls-cert", metavar="FILE")
    command.add_argument("--tls-key", metavar="FILE")
    command.add_argument(
        "--auth-users", metavar="FILE", help="name:hash lines (--hash-password)"
    )
    command.add_argument(
        "--allow",
        metavar="CIDR",
        action="append",
        default=[],
        type=_network,
        help="a network whose clients may send without AUTH (repeatable)",
    )
    command.add_argument(
        "--on-incomplete",
        choices=("forward", "hold"),
        default="forward",
        help="hold: refuse incomplete confirmations with 550 5.7.1 (off by default)",
    )
    command.add_argument("--allow-dkim", action="store_true")
    command.add_argument("--no-calendar", dest="calendar", action="store_false")
    command.add_argument("--max-size", metavar="BYTES", type=int)
    command.add_argument("--max-recipients", metavar="N", type=int, default=100)
    command.add_argument("--idle-timeout", metavar="SECONDS", type=float, default=300)
    command.add_argument(
        "--retention-days", metavar="N", type=int, default=DEFAULT_RETENTION_DAYS
    )
    command.add_argument("--hostname", default="confirmcheck-relay")
    command.add_argument(
        "--workers",
        metavar="N",
        type=int,
        default=None,
        help="check mails in N worker processes (default: one per CPU; 0: in "
        "the relay's own process)",
    )
    command.add_argument(
        "--metrics-listen",
        metavar="HOST:PORT",
        type=_address,
        help="serve the relay's counters for Prometheus at http://HOST:PORT/metrics",
    )
    command.add_argument(
        "--hash-password",
        metavar="NAME",
        help="read a password from standard input, print NAME:hash for "
        "--auth-users and exit",
    )
    command.set_defaults(run=run)


def _address(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a network (CIDR)") from None


def _read_text(name: str, option: str) -> str:
    from confirmcheck.cli.common import UsageError

    try:
        with open(name, encoding="utf-8") as handle:
            return handle.read(1024 * 1024)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{option} {name}: cannot read: {error}") from None


def run(options: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    """Carry out ``confirmcheck relay``: serve until SIGINT or SIGTERM."""
    import asyncio
    import datetime as dt
    import signal

    from confirmcheck.cli.common import UsageError

    if options.hash_password is not None:
        return _hash_password(options.hash_password, stdin, stdout)
    config = _config(options)
    from confirmcheck.relay.server import serve

    metrics = None
    if options.metrics_listen is not None:
        from confirmcheck.relay.metrics import prometheus_metrics, serve_metrics

        host, port = options.metrics_listen
        try:
            serve_metrics(host, port)
        except OSError as error:
            raise UsageError(f"--metrics-listen: {error.strerror or error}") from None
        metrics = prometheus_metrics()

    def log(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(
            config,
            clock=lambda: dt.datetime.now(dt.UTC),
            metrics=metrics,
            log=log,
            stop=stop,
        )

    try:
        asyncio.run(main())
    except OSError as error:
        raise UsageError(f"--listen: {error.strerror or error}") from None
    finally:
        config.registry.close()
    return 0


def _hash_password(name: str, stdin: BinaryIO, stdout: TextIO) -> int:
    import getpass

    from confirmcheck.cli.common import UsageError
    from confirmcheck.relay.users import hash_password

    if ":" in name or not name.strip():
        raise UsageError("--hash-password: a user name without ':'")
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"password for {name}: ")
    else:
        password = stdin.readline().decode("utf-8").rstrip("\r\n")
    if not password:
        raise UsageError("--hash-password: the password is empty")
    stdout.write(f"{name}:{hash_password(password)}\n")
    return 0


def _config(options: argparse.Namespace) -> Any:
    import re
    import ssl

    from confirmcheck.cli.common import UsageError
    from confirmcheck.cli.requests import registry_from, registry_url
    from confirmcheck.errors import InputError
    from confirmcheck.i18n import resolve_locale

    try:
        from confirmcheck.relay.check import CheckSettings
        from confirmcheck.relay.server import DEFAULT_MAX_SIZE, RelayConfig, Upstream
        from confirmcheck.relay.users import read_users
    except ImportError:
        raise UsageError(
            'the relay needs aiosmtpd and aiosmtplib: pip install "confirmcheck[relay]"'
        ) from None
    if options.workers is not None and options.workers < 0:
        raise UsageError("--workers: give 0 or more")
    if options.forward is None:
        raise UsageError("--forward HOST:PORT (the upstream) is required")
    if not options.auth_users and not options.allow:
        raise UsageError(
            "give --auth-users FILE or --allow CIDR: without either the relay would "
            "be an open relay"
        )
    tls_context = None
    if options.tls_cert or options.tls_key:
        if not (options.tls_cert and options.tls_key):
            raise UsageError("--tls-cert and --tls-key go together")
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            tls_context.load_cert_chain(options.tls_cert, options.tls_key)
        except (OSError, ssl.SSLError) as error:
            raise UsageError(f"--tls-cert/--tls-key: {error}") from None
    users = {}
    if options.auth_users:
        if tls_context is None:
            raise UsageError(
                "--auth-users needs --tls-cert and --tls-key (AUTH over TLS)"
            )
        try:
            users = dict(
                read_users(
                    _read_text(options.auth_users, "--auth-users"),
                    name=options.auth_users,
                )
            )
        except InputError as error:
            raise UsageError(f"--auth-users: {error}") from None
    pattern = None
    if options.ref_pattern:
        try:
            pattern = re.compile(options.ref_pattern)
        except re.error as error:
            raise UsageError(f"--ref-pattern: {error}") from None
    if options.locale:
        try:
            resolve_locale(options.locale)
        except InputError as error:
            raise UsageError(f"--locale: {error}") from None
    password = None
    if options.forward_password_file:
        password = _read_text(options.forward_password_file, "--forward-password-file")
        password = password.strip()
    if bool(options.forward_user) != bool(password):
        raise UsageError("--forward-user and --forward-password-file go together")
    registry = registry_from(options)
    return RelayConfig(
        host=options.listen[0],
        port=options.listen[1],
        upstream=Upstream(
            host=options.forward[0],
            port=options.forward[1],
            tls=options.forward_tls,
            user=options.forward_user,
            password=password,
        ),
        registry=registry,
        settings=CheckSettings(
            ref_header=options.ref_header,
            ref_pattern=pattern,
            locale=options.locale,
            allow_dkim=options.allow_dkim,
            attach_calendar=options.calendar,
        ),
        allow=tuple(options.allow),
        users=users,
        tls_context=tls_context,
        hold_incomplete=options.on_incomplete == "hold",
        max_size=options.max_size or DEFAULT_MAX_SIZE,
        max_recipients=options.max_recipients,
        idle_timeout=options.idle_timeout,
        retention_days=options.retention_days,
        hostname=options.hostname,
        workers=options.workers if options.workers is not None else os.cpu_count() or 1,
        registry_url=registry_url(options),
    )
