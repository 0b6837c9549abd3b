"""``python -m confirmcheck_webhook``: the same as ``confirmcheck-webhook``."""

from .command import run

run()
