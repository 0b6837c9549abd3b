"""confirmcheck's webhook: the HTTP edge that booking engines call before they mail.

``gunicorn 'webhook:create_app()'`` serves it with settings from ``CONFIRMCHECK_*``
environment variables; ``confirmcheck-webhook`` (or ``python -m webhook``) starts
gunicorn with sensible defaults. See docs/webhook.md.
"""

from webhook.app import build_app, create_app
from webhook.config import Config, ConfigError, config_from_env

__all__ = ["Config", "ConfigError", "build_app", "config_from_env", "create_app"]
