"""Run the chunks of an audit here, in a process pool, or on a Dask cluster.

Whatever runs them, the outcomes come back in the order of the chunks, so the
results are the same, line for line, as those of ``--jobs 1``. A few chunks per
worker are in flight at once: enough to keep every worker busy, few enough that
memory holds no more than those.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from functools import partial
from typing import Any, Literal, Protocol

from confirmcheck.bulk import use_one_thread
from confirmcheck.bulk.chunks import Chunk
from confirmcheck.bulk.work import ChunkOutcome, Settings, audit_chunk
from confirmcheck.errors import InputError

__all__ = ["Engine", "outcomes"]

Engine = Literal["local", "dask"]
#: Chunks in flight per worker.
IN_FLIGHT_PER_WORKER = 2


class _Future(Protocol):
    def result(self) -> Any: ...


def outcomes(
    chunks: Iterable[Chunk],
    settings: Settings,
    *,
    jobs: int,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> Iterator[ChunkOutcome]:
    """The outcome of every chunk, in order.

    ``local`` with one job audits the chunks in this process; with more, in a
    pool of ``jobs`` processes. ``dask`` sends them to the cluster at
    ``scheduler`` (``tcp://host:8786``), or to a local cluster of ``jobs``
    worker processes when no scheduler is given.
    """
    work = partial(audit_chunk, settings=settings)
    if engine == "dask":
        yield from _on_dask(chunks, work, jobs=jobs, scheduler=scheduler)
    elif jobs == 1:
        yield from map(work, chunks)
    else:
        # Spawned, not forked: Polars' threads do not survive a fork.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=use_one_thread
        ) as pool:
            try:
                yield from _in_order(chunks, partial(pool.submit, work), jobs)
            finally:
                pool.shutdown(cancel_futures=True)


def _on_dask(
    chunks: Iterable[Chunk],
    work: Callable[[Chunk], ChunkOutcome],
    *,
    jobs: int,
    scheduler: str | None,
) -> Iterator[ChunkOutcome]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            '--engine dask needs the dask extra: pip install "confirmcheck[dask]"'
        ) from None
    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    env={"POLARS_MAX_THREADS": "1"},
                )
            )
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
            workers = jobs
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout="30s"))  # type: ignore[no-untyped-call]
            except OSError as error:
                raise InputError(
                    f"--scheduler: cannot reach {scheduler}: {error}"
                ) from None
            workers = max(1, sum(client.nthreads().values()))

        def submit(chunk: Chunk) -> _Future:
            future: _Future = client.submit(work, chunk, pure=False)
            return future

        yield from _in_order(chunks, submit, workers)


def _in_order(
    chunks: Iterable[Chunk], submit: Callable[[Chunk], _Future], workers: int
) -> Iterator[ChunkOutcome]:
    pending: deque[_Future] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
