"""The ``confirmcheck-webhook`` command's entry point: one line when the extra is
missing, instead of a traceback from the first ``import flask``.

``pip install confirmcheck`` installs the library and its command line only; the
service needs ``pip install "confirmcheck[webhook]"`` (Flask, gunicorn, ...).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.metadata import version

__all__ = ["EXIT_MISSING", "WEB_DEPENDENCIES", "run"]

#: The exit status when the web dependencies are not installed (a usage error).
EXIT_MISSING = 2
#: Top-level modules of the ``webhook`` extra that the service imports.
WEB_DEPENDENCIES = frozenset({"flask", "werkzeug", "gunicorn", "prometheus_client"})


def run() -> None:  # pragma: no cover - the console script's entry point
    """Entry point of the ``confirmcheck-webhook`` console script."""
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Start the service, or say in one line which extra to install (exit 2)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if "--version" in args:
        # Answered without the extra, so that an installation can be checked.
        sys.stdout.write(f"confirmcheck-webhook {version('confirmcheck')}\n")
        return 0
    try:
        from . import serve
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in WEB_DEPENDENCIES:
            raise
        sys.stderr.write(
            f"confirmcheck-webhook: {error.name} is not installed; the web service "
            "needs the webhook extra: pip install 'confirmcheck[webhook]'\n"
        )
        return EXIT_MISSING
    return serve.main(args)
