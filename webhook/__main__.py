"""``python -m confirmcheck_webhook``: the same as ``confirmcheck-webhook``."""

from webhook.command import run

run()
