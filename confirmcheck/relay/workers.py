"""Checks in worker processes.

A check is CPU work (reading the stays, the diff, the summary, the MIME change):
in the relay's own process, every sender would wait for every other sender's
check behind one interpreter lock. Workers are started with ``spawn`` (a fork of
a process running an event loop and threads is not safe), each opens the
registry once, and each check crosses the process boundary as the mail's bytes
in and a :class:`~confirmcheck.relay.check.Verdict` out.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from confirmcheck.registry import Registry, open_registry
from confirmcheck.relay.check import CheckSettings, Verdict, check_mail, verdict

__all__ = ["check_in_worker", "worker_pool"]

# The registry of this worker process, opened once by the pool's initializer.
_registry: Registry | None = None


def _open(url: str) -> None:
    global _registry  # noqa: PLW0603 - one registry per worker process
    _registry = open_registry(url)


def check_in_worker(
    message: bytes, settings: CheckSettings, now: dt.datetime
) -> Verdict:
    """Check one mail in a worker of :func:`worker_pool`."""
    if _registry is None:
        raise RuntimeError("check_in_worker runs in a worker of worker_pool()")
    return verdict(
        check_mail(message, settings=settings, lookup=_registry.get, now=now)
    )


def worker_pool(registry_url: str, workers: int) -> ProcessPoolExecutor:
    """``workers`` processes, each with the registry at ``registry_url``."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_open,
        initargs=(registry_url,),
    )
