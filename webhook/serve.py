"""``confirmcheck-webhook``: serve the webhook with gunicorn, or try it out with --dev.

Production: settings from ``CONFIRMCHECK_*`` variables, a missing secret stops
start-up. ``--dev``: a one-time secret is made and printed, and the server listens on
loopback only. gunicorn's access log is off: the app writes one JSON line per request
to standard error, next to gunicorn's own log.
"""

from __future__ import annotations

import argparse
import base64
import ipaddress
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, TextIO

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from .app import build_app
from .config import ENV_PREFIX, ConfigError, config_from_env
from .metrics import multiprocess_directory

__all__ = ["ServeOptions", "gunicorn_options", "main", "serve_options"]

EXIT_CONFIG = 2
DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How gunicorn is started."""

    bind: str
    workers: int
    timeout_seconds: int
    dev: bool


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
    if args.dev and not _is_loopback(bind):
        raise ConfigError(
            f"--dev listens on loopback only (127.0.0.1, ::1, localhost), not {bind}"
        )
    return ServeOptions(bind, workers, timeout, args.dev)


def gunicorn_options(options: ServeOptions) -> dict[str, Any]:
    """The gunicorn settings the command runs with."""
    return {
        "bind": [options.bind],
        "workers": options.workers,
        "worker_class": "sync",
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
        description="Serve confirmcheck's webhook (POST /v1/check, /v1/attach) with "
        "gunicorn. Settings come from CONFIRMCHECK_* environment variables, "
        "described in the documentation of the webhook.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {version('confirmcheck')}",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="development mode: make a one-time signing secret, print it, and "
        "listen on loopback only (CONFIRMCHECK_SECRET is not needed and not used)",
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
    return parser


def _announce(secret: str, bind: str, out: TextIO) -> None:
    out.write(
        "confirmcheck-webhook: DEVELOPMENT MODE, listening on loopback only.\n"
        "One-time signing secret (valid until this server stops):\n"
        f"\n    CONFIRMCHECK_SECRET={secret}\n\n"
        "Try it (signs with the secret above):\n"
        f"    CONFIRMCHECK_SECRET={secret} python -m confirmcheck_webhook.client "
        f"http://{bind}/v1/check "
        "examples/story/requested.json examples/story/confirmed.json\n"
    )
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns 2 when the settings are not usable."""
    args = build_parser().parse_args(argv)
    environ = os.environ
    try:
        options = serve_options(args, environ)
        if options.dev:
            key = secrets.token_bytes(32)
            secret = "whsec_" + base64.b64encode(key).decode("ascii")
            config = config_from_env(environ, keys=(key,))
        else:
            config = config_from_env(environ)
    except ConfigError as error:
        sys.stderr.write(f"confirmcheck-webhook: {error}\n")
        return EXIT_CONFIG
    if options.dev:
        _announce(secret, options.bind, sys.stdout)
    # With metrics on, the workers share a fresh directory for their values.
    with multiprocess_directory(enabled=config.metrics) as hooks:
        _Gunicorn(build_app(config), {**gunicorn_options(options), **hooks}).run()
    return 0  # pragma: no cover - gunicorn exits the process itself


def run() -> None:  # pragma: no cover - the console script's entry point
    """Entry point of the ``confirmcheck-webhook`` console script."""
    sys.exit(main())
