"""The application factory: settings in, a Flask app out.

``create_app()`` reads the ``CONFIRMCHECK_*`` environment variables (this is the
edge); ``create_app(test_config)`` takes the same settings from a mapping instead,
plus ``"NOW"`` (a clock) and ``"LOG"`` (where request log lines go) for tests;
``build_app(config)`` takes a ready :class:`~webhook.config.Config`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping

from flask import Flask

from . import api, meta, preview, registry
from .config import ENV_PREFIX, Config, config_from_env, unknown_variables
from .logs import LogWriter, install_request_log, write_stderr
from .openapi import openapi_document
from .ops import install_ops
from .problems import register_error_handlers
from .request_id import install_request_id

__all__ = ["build_app", "create_app", "warn_about_unknown_variables"]


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """The webhook app, configured from the environment or from ``test_config``.

    ``test_config`` holds ``CONFIRMCHECK_*`` settings as strings, exactly as the
    environment would, and optionally ``"NOW"`` (a callable giving Unix time) and
    ``"LOG"`` (a callable taking one log line). A missing or malformed setting
    raises :class:`~webhook.config.ConfigError`: the app does not start.
    """
    if test_config is None:
        environ: Mapping[str, str] = os.environ
        now: Callable[[], float] = time.time
        log: LogWriter = write_stderr
    else:
        environ, now, log = _split_test_config(test_config)
    config = config_from_env(environ, now=now)
    app = build_app(config, log=log)
    warn_about_unknown_variables(environ, log)
    return app


def warn_about_unknown_variables(environ: Mapping[str, str], log: LogWriter) -> None:
    """Log one warning line naming the ``CONFIRMCHECK_*`` variables that are not
    settings (likely typos); names only, never their values."""
    unknown = unknown_variables(environ)
    if unknown:
        log(
            json.dumps(
                {
                    "event": "warning",
                    "detail": "these variables are not settings and are ignored",
                    "variables": unknown,
                }
            )
        )


def _split_test_config(
    test_config: Mapping[str, object],
) -> tuple[dict[str, str], Callable[[], float], LogWriter]:
    environ: dict[str, str] = {}
    now: Callable[[], float] = time.time
    log: LogWriter = write_stderr
    for key, value in test_config.items():
        if key == "NOW" and callable(value):
            now = value
        elif key == "LOG" and callable(value):
            log = value
        elif key.startswith(ENV_PREFIX) and isinstance(value, str):
            environ[key] = value
        else:
            raise TypeError(
                f"test_config: {key!r} must be a {ENV_PREFIX}* setting given as a "
                "string, or NOW/LOG given as a callable"
            )
    return environ, now, log


def build_app(config: Config, *, log: LogWriter = write_stderr) -> Flask:
    """The webhook app for ``config``; request log lines go to ``log``."""
    app = Flask(__package__ or __name__, static_folder=None)
    app.config.update(
        # Werkzeug enforces it on bodies without Content-Length too.
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        # OPTIONS answers 405 like any method a route does not have: the document
        # at /openapi.json lists exactly what is served.
        PROVIDE_AUTOMATIC_OPTIONS=False,
    )
    app.extensions["confirmcheck"] = config
    app.extensions["confirmcheck.openapi"] = meta.dump(openapi_document(config))
    install_request_id(app)
    register_error_handlers(app)
    install_request_log(app, log, config.now)
    app.register_blueprint(meta.bp)
    app.register_blueprint(api.bp)
    if config.registry_url is not None:
        registry.register(app, config.registry_url)
    install_ops(app, config)
    if config.preview:
        app.register_blueprint(preview.bp)
    return app
