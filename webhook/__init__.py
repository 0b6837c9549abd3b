"""confirmcheck's webhook: the HTTP edge that booking engines call before they mail.

Installed as ``confirmcheck_webhook`` (``pip install "confirmcheck[webhook]"``).
``gunicorn 'confirmcheck_webhook:create_app()'`` serves it with settings from
``CONFIRMCHECK_*`` environment variables; ``confirmcheck-webhook`` (or ``python -m
confirmcheck_webhook``) starts gunicorn with sensible defaults.

The names below are loaded on first use (PEP 562), so that the command can say in
one line that Flask is missing instead of failing on the package's first import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import build_app, create_app
    from .config import Config, ConfigError, config_from_env

_LAZY = {
    "build_app": "app",
    "create_app": "app",
    "Config": "config",
    "ConfigError": "config",
    "config_from_env": "config",
}

__all__ = ["Config", "ConfigError", "build_app", "config_from_env", "create_app"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
