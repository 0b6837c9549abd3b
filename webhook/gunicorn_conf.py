"""gunicorn settings for starting gunicorn yourself with metrics on.

``confirmcheck-webhook`` does all of this by itself. Otherwise give gunicorn a
fresh, empty ``PROMETHEUS_MULTIPROC_DIR`` for every start, and this module, which
forgets an exited worker's live values::

    export PROMETHEUS_MULTIPROC_DIR="$(mktemp -d)" CONFIRMCHECK_METRICS=true
    gunicorn -c python:confirmcheck_webhook.gunicorn_conf \\
        'confirmcheck_webhook:create_app()' --bind 0.0.0.0:8000
"""

from .metrics import child_exit

__all__ = ["child_exit"]
