"""confirmcheck audit on generated exports: the same results however it runs.

The expected lines come from auditing the generated stays one key at a time with
check_many; the command must write exactly those, whether the exports are sorted
or not, CSV or JSON Lines, with one job, a process pool or a Dask cluster.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from confirmcheck import check_many
from confirmcheck.bulk import sources
from confirmcheck.cli import EXIT_COMPLETE, EXIT_DIFFERS, EXIT_INPUT, main
from tests.exports import Exports, Reservation, generate, write_exports
from tests.support import ROOT
from tests.test_audit import result_line

KEYS = 240


class Run:
    def __init__(self, status: int, stdout: str, stderr: str) -> None:
        self.status = status
        self.stdout = stdout
        self.stderr = stderr

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.stdout.splitlines()]


def audit(exports: Exports, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["audit", str(exports.requested), str(exports.confirmed), "--quiet", *args],
        stdout=out,
        stderr=err,
    )
    return Run(status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def reservations() -> list[Reservation]:
    # Generous shares of differences, so that every verdict turns up.
    return list(generate(KEYS, missing=0.2, other_type=0.1, one_sided=0.1))


@pytest.fixture(scope="module")
def expected(reservations: list[Reservation]) -> list[Any]:
    pairs = ((r.key, r.requested, r.confirmed) for r in reservations)
    return [result_line(result) for result in check_many(pairs, locale="en")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="module")
def exports(folder: Path, reservations: list[Reservation]) -> Exports:
    return write_exports(folder / "sorted", reservations)


@pytest.fixture(scope="module")
def one_job(exports: Exports) -> Run:
    return audit(exports, "--jobs", "1", "--chunk-size", "37")


def test_the_results_are_those_of_auditing_each_key_alone(
    one_job: Run, expected: list[Any]
) -> None:
    assert one_job.lines() == expected
    assert one_job.status == EXIT_DIFFERS
    verdicts = {line["verdict"] for line in expected}
    assert verdicts == {"complete", "differs", "only_requested", "only_confirmed"}


@pytest.fixture
def local_cluster() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # type: ignore[no-untyped-call]
        yield cluster.scheduler_address


def test_a_process_pool_and_dask_write_the_same_lines(
    exports: Exports, one_job: Run, local_cluster: str
) -> None:
    on_dask = audit(
        exports,
        *("--engine", "dask", "--scheduler", local_cluster, "--chunk-size", "37"),
    )
    assert on_dask.stdout == one_job.stdout
    # The pool, as users run it: the command in a process of its own.
    pool = subprocess.run(
        [
            *(sys.executable, "-m", "confirmcheck", "audit"),
            *(str(exports.requested), str(exports.confirmed)),
            *("--jobs", "2", "--chunk-size", "37"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert pool.stdout == one_job.stdout
    assert (pool.returncode, pool.stderr) == (EXIT_DIFFERS, "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A Dask cluster as users start one: the ``dask scheduler`` and ``dask
    worker`` commands, each in a process of its own, on 127.0.0.1."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = (sys.executable, "-m", "dask")
    on_loopback = ("--host", "127.0.0.1", "--no-dashboard")
    scheduler = subprocess.Popen(
        [*dask, "scheduler", *on_loopback, "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [*dask, "worker", address, *on_loopback, "--nworkers", "2", "--nthreads", "1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The client retries its connection until the scheduler listens.
        with Client(address, timeout="60s") as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=60)


def test_the_command_runs_unchanged_on_a_dask_cluster_of_its_own(
    exports: Exports, one_job: Run, dask_cluster: str
) -> None:
    # The command, in a process of its own, sends its chunks to the cluster's
    # worker processes and writes what --jobs 1 writes, with the summary.
    done = subprocess.run(
        [
            *(sys.executable, "-m", "confirmcheck", "audit"),
            *(str(exports.requested), str(exports.confirmed)),
            *("--engine", "dask", "--scheduler", dask_cluster, "--chunk-size", "37"),
            *("--quiet", "--summary"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert (done.returncode, done.stdout) == (EXIT_DIFFERS, one_job.stdout)
    assert done.stderr.startswith(f"keys: {KEYS:,}\n")


def test_sorted_streamed_and_unsorted_exports_give_the_same_results(
    folder: Path,
    reservations: list[Reservation],
    one_job: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shuffled = write_exports(folder / "shuffled", reservations, shuffle=7)
    assert audit(shuffled, "--jobs", "1").stdout == one_job.stdout
    # Small batches: keys continue from one batch into the next.
    monkeypatch.setattr(sources, "BATCH_ROWS", 16)
    exports = write_exports(folder / "batched", reservations)
    assert audit(exports, "--jobs", "1", "--chunk-size", "5").stdout == one_job.stdout


@pytest.mark.parametrize("format", ["jsonl", "stays"])
def test_json_lines_give_the_same_results(
    folder: Path, reservations: list[Reservation], one_job: Run, format: str
) -> None:
    exports = write_exports(folder / format, reservations, format=format)
    assert audit(exports, "--jobs", "1").stdout == one_job.stdout


def _replace_line(path: Path, number: int, text: str) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    lines[number - 1] = text
    path.write_text("".join(lines), encoding="utf-8")


def test_a_bad_line_is_reported_and_the_rest_audited(
    folder: Path, reservations: list[Reservation], expected: list[Any]
) -> None:
    exports = write_exports(folder / "bad", reservations)
    lines = exports.requested.read_text("utf-8").splitlines()
    middle = len(lines) // 2
    key = lines[middle - 1].split(",")[0]
    _replace_line(exports.requested, middle, f"{key},2026-02-30,2026-03-02,1,,,\r\n")
    _replace_line(exports.requested, middle + 1, ",2026-03-01,2026-03-02,1,,,\r\n")
    run = audit(exports, "--jobs", "1", "--chunk-size", "20")
    found = run.lines()
    bad = [line for line in found if line["verdict"] == "invalid"]
    assert [line["error"] for line in bad] == [
        f"{exports.requested} line {middle}, check_in: 2026-02-30 is not a date",
        f"{exports.requested} line {middle + 1}: has no key",
    ]
    assert bad[0]["key"] == key
    assert bad[1]["key"] is None
    # Every other key is audited as usual (the key that lost its line aside).
    lost = lines[middle].split(",")[0]
    assert [line for line in found if line["key"] not in (key, lost, None)] == [
        line for line in expected if line["key"] not in (key, lost)
    ]
    assert run.status == EXIT_DIFFERS


def test_a_line_that_is_not_json_is_reported(
    folder: Path, reservations: list[Reservation]
) -> None:
    exports = write_exports(folder / "notjson", reservations[:5], format="jsonl")
    _replace_line(exports.confirmed, 2, '{"key": "R0000002", "check_in": \n')
    _replace_line(exports.confirmed, 3, '{"key": "R0000003", "rooms": 0}\n')
    found = {line["key"]: line for line in audit(exports, "--jobs", "1").lines()}
    assert found[None]["error"] == (
        f"{exports.confirmed} line 2: is not JSON: Expecting value (line 1, column 33)"
    )
    assert found["R0000003"]["error"].startswith(
        f"{exports.confirmed} line 3, check_in: is missing"
    )
    others = ("R0000001", "R0000004", "R0000005")
    assert all(found[key]["error"] is None for key in others)


def test_a_ragged_or_not_utf8_record_is_reported_by_its_starting_line(
    folder: Path, reservations: list[Reservation], expected: list[Any]
) -> None:
    exports = write_exports(folder / "ragged", reservations)
    lines = exports.requested.read_bytes().splitlines(keepends=True)
    # Record 2 (line 3) gets a quoted line break in its ref: one more line.
    quoted_key = lines[2].split(b",")[0]
    fields = lines[2].rstrip(b"\r\n").split(b",")
    lines[2] = b",".join([*fields[:-1], b'"a note\r\non two lines"']) + b"\r\n"
    middle = len(lines) // 2
    ragged_key = lines[middle].split(b",")[0]
    lines[middle] = lines[middle].rstrip(b"\r\n") + b",extra\r\n"
    latin_key = lines[middle + 2].split(b",")[0]
    fields = lines[middle + 2].split(b",")
    fields[4] = "Z\u00fcrich".encode("latin-1")
    lines[middle + 2] = b",".join(fields)
    exports.requested.write_bytes(b"".join(lines))
    run = audit(exports, "--jobs", "1", "--chunk-size", "20")
    found = {line["key"]: line for line in run.lines()}
    # Line numbers are those the records start on, after the two-line record.
    assert found[ragged_key.decode()]["error"] == (
        f"{exports.requested} line {middle + 2}: has 8 fields; the header 7"
    )
    assert found[latin_key.decode()]["error"] == (
        f"{exports.requested} line {middle + 4}, room_type: is not UTF-8"
    )
    assert found[quoted_key.decode()]["error"] is None
    bad = {quoted_key.decode(), ragged_key.decode(), latin_key.decode()}
    assert [line for line in run.lines() if line["key"] not in bad] == [
        line for line in expected if line["key"] not in bad
    ]
    assert run.status == EXIT_DIFFERS


def test_a_json_line_that_is_not_utf8_is_reported(
    folder: Path, reservations: list[Reservation]
) -> None:
    exports = write_exports(folder / "latin", reservations[:5], format="jsonl")
    lines = exports.confirmed.read_bytes().splitlines(keepends=True)
    lines[1] = (
        b'{"key": "R0000002", "check_in": "2026-03-09", "check_out": "2026-03-13",'
        b' "room_type": "Z\xfcrich"}\n'
    )
    lines[3] = b"\xff\xfe not even JSON\n"
    exports.confirmed.write_bytes(b"".join(lines))
    found = {line["key"]: line for line in audit(exports, "--jobs", "1").lines()}
    assert found["R0000002"]["verdict"] == "invalid"
    assert found["R0000002"]["error"] == (
        f"{exports.confirmed} line 2, room_type: is not UTF-8"
    )
    assert found[None]["error"] == f"{exports.confirmed} line 4: is not UTF-8"
    assert found["R0000001"]["error"] is None
    assert found["R0000003"]["error"] is None


def test_everything_complete_exits_0_with_the_summary(
    folder: Path, reservations: list[Reservation]
) -> None:
    same = [Reservation(r.key, r.requested, r.requested) for r in reservations[:50]]
    same = [r for r in same if r.requested]
    exports = write_exports(folder / "same", same)
    run = audit(exports, "--jobs", "1", "--summary", "--out", str(folder / "r.jsonl"))
    assert run.status == EXIT_COMPLETE
    assert run.stdout.splitlines()[:3] == [
        f"keys: {len(same)}",
        f"  complete                  {len(same)}",
        "  differs                    0",
    ]
    assert len((folder / "r.jsonl").read_text("utf-8").splitlines()) == len(same)


def test_the_summary_names_the_keys_with_most_not_booked_nights(
    exports: Exports, expected: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    run = audit(exports, "--jobs", "1", "--summary", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [row["key"] for row in rows] == [line["key"] for line in expected]
    worst = sorted(
        (line for line in expected if line["not_booked_room_nights"]),
        key=lambda line: (-line["not_booked_room_nights"], line["key"]),
    )[:20]
    # With the results on standard output, the summary goes to standard error.
    listed = capsys.readouterr().err.split("NOT BOOKED room-nights:\n")[1].splitlines()
    assert [line.split()[1] for line in listed] == [line["key"] for line in worst]


def test_arriving_within_audits_the_keys_arriving_soon(
    exports: Exports, reservations: list[Reservation], expected: list[Any]
) -> None:
    today = dt.date(2026, 6, 1)
    soon = {
        r.key
        for r in reservations
        if any(
            s.check_in < today + dt.timedelta(14) and s.check_out > today
            for s in r.requested
        )
    }
    run = audit(
        exports, "--jobs", "1", "--arriving-within", "14", "--today", "2026-06-01"
    )
    assert run.lines() == [line for line in expected if line["key"] in soon]
    assert soon


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "{c}"], "missing.csv: cannot read: No such file or directory"),
        (["{r}", "{c}", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs"),
        (["{r}", "{c}", "--key", "a-b"], "--key: 'a-b' is not a field name"),
        (["{r}", "{c}", "--locale", "xx"], "--locale: "),
        (["{r}", "{bad}"], "{bad}: line 1: rom is not a field of a stay"),
        (["{r}", "{nokey}"], "{nokey}: line 1: the header has no key field"),
        (["{r}", "{folder}"], "{folder}: is a folder without .xml files"),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    folder: Path, exports: Exports, args: list[str], message: str
) -> None:
    bad = folder / "bad-header.csv"
    bad.write_text("key,check_in,check_out,rom\n", encoding="utf-8")
    nokey = folder / "no-key.csv"
    nokey.write_text("id,check_in,check_out\n", encoding="utf-8")
    names = {
        "r": exports.requested,
        "c": exports.confirmed,
        "bad": bad,
        "nokey": nokey,
        "folder": folder,
    }
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["audit", *(a.format(**names) for a in args), "--quiet"], stdout=out, stderr=err
    )
    assert status == EXIT_INPUT
    assert err.getvalue().startswith("confirmcheck: " + message.format(**names))
    assert err.getvalue().count("\n") == 1
    assert out.getvalue() == ""
