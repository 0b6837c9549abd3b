"""``python -m webhook``: the same as the ``confirmcheck-webhook`` command."""

from webhook.serve import run

run()
