"""``confirmcheck requests`` and the relay's refusals to start, through main()."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from confirmcheck.cli import main
from tests.relay.support import STORY


class Run:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, *argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = main(list(argv), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
        return status, out.getvalue(), err.getvalue()


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    url = f"sqlite://{tmp_path / 'requests.db'}"
    monkeypatch.setenv("CONFIRMCHECK_REGISTRY", url)
    return Run(url)


def test_put_get_list_purge_delete(run: Run) -> None:
    requested = STORY / "requested.json"
    status, out, _ = run("requests", "put", "AB-4711", str(requested))
    assert (status, out) == (0, "AB-4711: stored (last night 2026-05-21)\n")
    status, out, _ = run("requests", "get", "AB-4711")
    assert (status, out) == (0, requested.read_text("utf-8"))
    # The story's last night is long past on any day after mid-2026 + 30 days;
    # list and purge count from today, so only their shape is fixed here.
    status, out, _ = run("requests", "list", "--older-than", "100000")
    assert (status, out) == (0, "")
    status, out, _ = run("requests", "purge", "--days", "100000")
    assert status == 0
    assert out.startswith("purged 0 requests whose last night is before ")
    status, out, _ = run("requests", "delete", "AB-4711")
    assert (status, out) == (0, "AB-4711: deleted\n")
    status, _, err = run("requests", "get", "AB-4711")
    assert (status, err) == (2, "confirmcheck: AB-4711: no request is stored\n")


def test_a_bad_request_is_refused_with_its_place(run: Run) -> None:
    status, _, err = run(
        "requests", "put", "A-1", "-", stdin=b'[{"check_in": "2026-03-09"}]'
    )
    assert status == 2
    assert err.startswith("confirmcheck: requested[0].check_out: is missing")


def test_without_a_registry_it_says_how_to_name_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CONFIRMCHECK_REGISTRY", raising=False)
    status, _, err = Run("")("requests", "get", "A-1")
    assert (status, err) == (
        2,
        "confirmcheck: give --registry URL or set CONFIRMCHECK_REGISTRY\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--forward", "127.0.0.1:25"], "would be an open relay"),
        (["--allow", "127.0.0.1/32"], "--forward HOST:PORT (the upstream) is required"),
        (
            ["--forward", "127.0.0.1:25", "--auth-users", "users"],
            "--auth-users needs --tls-cert and --tls-key",
        ),
        (
            ["--forward", "127.0.0.1:25", "--allow", "::1/128", "--ref-pattern", "("],
            "--ref-pattern: missing ), unterminated subpattern",
        ),
    ],
)
def test_the_relay_refuses_to_start_unsafely(
    run: Run, args: list[str], message: str
) -> None:
    status, _, err = run("relay", *args)
    assert status == 2
    assert message in err


def test_a_password_hash_line_for_the_users_file(run: Run) -> None:
    status, out, _ = run("relay", "--hash-password", "pms", stdin=b"s3cret\n")
    assert status == 0
    assert out.startswith("pms:scrypt:32768:8:1$")


def test_put_all_stores_each_reservation_under_its_unique_id(run: Run) -> None:
    xml = Path(__file__).parent / "data" / "guest-requests-two.xml"
    status, out, _ = run("requests", "put-all", str(xml))
    assert (status, out) == (
        0,
        "GR-1001: stored (last night 2026-03-12)\n"
        "GR-1002: stored (last night 2026-04-03)\n",
    )
