"""Auditing two exports, key by key: the machinery behind ``confirmcheck audit``.

It needs the ``audit`` extra (``pip install "confirmcheck[audit]"``: Polars and
tqdm); ``--engine dask`` needs the ``dask`` extra. The steps, one module each:

* :mod:`~confirmcheck.bulk.sources` reads an export (CSV, JSON Lines) into rows
  sorted by key: streamed when the file is sorted already, sorted in memory if not;
* :mod:`~confirmcheck.bulk.chunks` merges the two sides' rows into chunks of keys;
* :mod:`~confirmcheck.bulk.work` audits one chunk: a columnar first pass settles the
  keys whose stays are the same on both sides, keys of one shape are diffed once,
  :func:`confirmcheck.check_many` audits the rest; out come the chunk's result
  lines, made by :mod:`~confirmcheck.bulk.results`;
* :mod:`~confirmcheck.bulk.records` reads a record that is not plain into stays,
  naming the field of each problem;
* :mod:`~confirmcheck.bulk.engines` runs the chunks in this process, in a process
  pool, or on a Dask cluster, and hands the outcomes back in order.
"""

import os


def use_one_thread() -> None:
    """Give Polars one thread in this process (a pool's or a cluster's worker:
    each works on its own chunk, so more threads would only compete)."""
    os.environ["POLARS_MAX_THREADS"] = "1"
