"""``confirmcheck-webhook``: serve the webhook with gunicorn, or try it out with --dev.

Production: settings from ``CONFIRMCHECK_*`` variables, a missing secret stops
start-up. ``--dev``: a one-time secret is made and printed, and the server listens on
loopback only. gunicorn's access log is off: the app writes one JSON line per request
to standard error, next to gunicorn's own log.

Workers are gunicorn's ``gthread`` kind: a connection that says nothing, or dribbles
its request, holds one thread of a worker, not the whole worker (with sync workers,
as many idle connections as workers stopped all service). The address is bound
before gunicorn starts, so a port in use is one clear line, not an announcement
followed by gunicorn's retries.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import ipaddress
import os
import secrets
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, TextIO
from urllib.parse import urlsplit

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.util import parse_address  # type: ignore[import-untyped]
from werkzeug.security import generate_password_hash

from .app import build_app, warn_about_unknown_variables
from .client import DEFAULT_HOST, DEFAULT_PORT
from .config import ENV_PREFIX, ConfigError, config_from_env
from .logs import write_stderr
from .metrics import multiprocess_directory

__all__ = ["ServeOptions", "gunicorn_options", "main", "serve_options"]

EXIT_CONFIG = 2
DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_TIMEOUT_SECONDS = 30
#: Threads per worker: each one can wait on a slow or idle connection (gunicorn
#: gives a new connection a thread for up to 5 s before it parks it), so a worker
#: keeps answering while fewer than this many connections dawdle on it.
DEFAULT_THREADS = 64
_BACKLOG = 2048  # gunicorn's own default
MIN_PASSWORD_CHARS = 12


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How gunicorn is started."""

    bind: str
    workers: int
    timeout_seconds: int
    dev: bool
    threads: int = DEFAULT_THREADS


def _default_workers() -> int:
    # gunicorn's advice for CPU-bound sync workers, capped for small containers.
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _positive(name: str, text: str, high: int) -> int:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= high:
        raise ConfigError(f"{name} must be a whole number from 1 to {high}")
    return int(value)


def _is_loopback(bind: str) -> bool:
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit():
        return False
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_options(args: argparse.Namespace, environ: Mapping[str, str]) -> ServeOptions:
    """Command-line flags first, then ``CONFIRMCHECK_*`` variables, then defaults."""
    bind = args.bind or environ.get(ENV_PREFIX + "BIND") or DEFAULT_BIND
    workers_text = args.workers or environ.get(ENV_PREFIX + "WORKERS")
    timeout_text = args.timeout or environ.get(ENV_PREFIX + "TIMEOUT_SECONDS")
    threads_text = args.threads or environ.get(ENV_PREFIX + "THREADS")
    workers = (
        _positive("workers (--workers, CONFIRMCHECK_WORKERS)", workers_text, 256)
        if workers_text
        else _default_workers()
    )
    timeout = (
        _positive(
            "timeout (--timeout, CONFIRMCHECK_TIMEOUT_SECONDS)", timeout_text, 3600
        )
        if timeout_text
        else DEFAULT_TIMEOUT_SECONDS
    )
    threads = (
        _positive("threads (--threads, CONFIRMCHECK_THREADS)", threads_text, 1024)
        if threads_text
        else DEFAULT_THREADS
    )
    if args.dev and not _is_loopback(bind):
        raise ConfigError(
            f"--dev listens on loopback only (127.0.0.1, ::1, localhost), not {bind}"
        )
    return ServeOptions(bind, workers, timeout, args.dev, threads)


def gunicorn_options(options: ServeOptions) -> dict[str, Any]:
    """The gunicorn settings the command runs with."""
    return {
        "bind": [options.bind],
        "workers": options.workers,
        # One thread is gunicorn's sync worker (gunicorn itself turns sync with
        # more threads into gthread, not the other way round).
        "worker_class": "gthread" if options.threads > 1 else "sync",
        "threads": options.threads,
        "timeout": options.timeout_seconds,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "confirmcheck-webhook",
        # gunicorn >= 25.1 opens a control socket under $HOME by default; two
        # servers on one machine would fight over it.
        "control_socket_disable": True,
    }


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: Mapping[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # older gunicorns lack some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``confirmcheck-webhook``."""
    parser = argparse.ArgumentParser(
        prog="confirmcheck-webhook",
        description="Serve confirmcheck's webhook (POST /v1/check, /v1/attach) and "
        "the preview page for hotel staff (/preview) with gunicorn. Settings come "
        "from CONFIRMCHECK_* environment variables, described in the documentation "
        "of the webhook. `confirmcheck-webhook hash-password` prints a password "
        "hash for CONFIRMCHECK_PREVIEW_USERS.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {version('confirmcheck')}",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="development mode: make a one-time signing secret, print it, "
        "serve the preview page without a password, and listen on loopback only "
        "(CONFIRMCHECK_SECRET is not needed and not used)",
    )
    parser.add_argument(
        "--bind",
        metavar="HOST:PORT",
        help=f"where to listen (CONFIRMCHECK_BIND; default {DEFAULT_BIND})",
    )
    parser.add_argument(
        "--workers",
        metavar="N",
        help="worker processes (CONFIRMCHECK_WORKERS; default 2 x CPUs + 1, at most 8)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        help="restart a worker silent this long (CONFIRMCHECK_TIMEOUT_SECONDS; "
        f"default {DEFAULT_TIMEOUT_SECONDS})",
    )
    parser.add_argument(
        "--threads",
        metavar="N",
        help="threads per worker, each able to wait on one slow connection; 1 "
        f"gives gunicorn's sync workers (CONFIRMCHECK_THREADS; default "
        f"{DEFAULT_THREADS})",
    )
    return parser


def listen(bind: str) -> socket.socket | None:
    """A socket listening on the TCP address ``bind``, bound before gunicorn starts
    (it takes it over as ``fd://``); ``None`` for ``unix:`` and ``fd://`` binds,
    which gunicorn opens itself. Raises :class:`ConfigError` with one line when the
    address cannot be used (in use, not this machine's, not allowed)."""
    if bind.startswith(("unix:", "fd://")):
        return None
    try:
        host, port = parse_address(bind)
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, RuntimeError) as error:
        raise ConfigError(f"cannot listen on {bind}: {_reason(error)}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
    except OSError as error:
        sock.close()
        raise ConfigError(f"cannot listen on {bind}: {_reason(error)}") from None
    sock.set_inheritable(True)
    return sock


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


def client_command(secret: str, url: str) -> str:
    """The signed client's command for the server at ``url``, naming it by
    ``--host``/``--port`` only where they differ from the client's defaults, so
    that it holds no second URL and, on the default address, reads as documented."""
    address = urlsplit(url)
    where = ""
    if address.hostname and address.hostname != DEFAULT_HOST:
        where += f" --host {address.hostname}"
    if address.port is not None and address.port != DEFAULT_PORT:
        where += f" --port {address.port}"
    return (
        f"CONFIRMCHECK_SECRET={secret} uv run python -m confirmcheck_webhook.client"
        f"{where} /v1/check examples/story/requested.json examples/story/confirmed.json"
    )


def announce(secret: str, url: str, out: TextIO) -> None:
    """Tell a developer the one page to open, then the one-time secret and a
    command to try, once listening on ``url`` (``http://host:port``). The page's
    URL is the only URL printed; the command works as copied in a clone."""
    out.write(
        "confirmcheck-webhook: development mode, on loopback only. Open:\n"
        f"\n    {url}/preview\n\n"
        "(the preview page: check a confirmation in the browser, no password on "
        "loopback)\n\n"
        "One-time signing secret for the API (valid until this server stops):\n"
        f"\n    CONFIRMCHECK_SECRET={secret}\n\n"
        "Try the API from the project's directory (signs with the secret above):\n"
        f"    {client_command(secret, url)}\n"
    )
    out.flush()


def hash_password(stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """``confirmcheck-webhook hash-password``: read a password (twice, hidden, at a
    terminal; the first line of standard input otherwise) and print the hash that
    ``CONFIRMCHECK_PREVIEW_USERS`` takes after ``name:``."""
    if stdin.isatty():
        password = getpass.getpass("Password: ", stream=stderr)
        if getpass.getpass("Again: ", stream=stderr) != password:
            stderr.write("confirmcheck-webhook: the two passwords differ\n")
            return EXIT_CONFIG
    else:
        password = stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_CHARS:
        stderr.write(
            f"confirmcheck-webhook: a password needs {MIN_PASSWORD_CHARS} or more "
            "characters\n"
        )
        return EXIT_CONFIG
    stdout.write(generate_password_hash(password) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns 2 when the settings are not usable."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["hash-password"]:
        if len(arguments) > 1:
            sys.stderr.write("usage: confirmcheck-webhook hash-password < password\n")
            return EXIT_CONFIG
        return hash_password(sys.stdin, sys.stdout, sys.stderr)
    args = build_parser().parse_args(arguments)
    environ = os.environ
    try:
        options = serve_options(args, environ)
        if options.dev:
            key = secrets.token_bytes(32)
            secret = "whsec_" + base64.b64encode(key).decode("ascii")
            config = config_from_env(environ, keys=(key,), open_preview=True)
        else:
            config = config_from_env(environ)
        listener = listen(options.bind)
    except ConfigError as error:
        sys.stderr.write(f"confirmcheck-webhook: {error}\n")
        return EXIT_CONFIG
    warn_about_unknown_variables(environ, write_stderr)
    settings = gunicorn_options(options)
    if listener is not None:
        settings["bind"] = [f"fd://{listener.fileno()}"]
    if options.dev:

        def when_ready(server: Any) -> None:
            # After gunicorn took the socket over: the real port, even for :0.
            announce(secret, str(server.LISTENERS[0]), sys.stdout)

        settings["when_ready"] = when_ready
    # With metrics on, the workers share a fresh directory for their values.
    with multiprocess_directory(enabled=config.metrics) as hooks:
        _Gunicorn(build_app(config), {**settings, **hooks}).run()
    return 0  # pragma: no cover - gunicorn exits the process itself


def run() -> None:  # pragma: no cover - the console script's entry point
    """Entry point of the ``confirmcheck-webhook`` console script."""
    sys.exit(main())
