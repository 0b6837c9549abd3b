"""The command line reads every format on either side, refuses hostile XML with
one line (exit 2), and attach takes the confirmed stays from the mail's markup."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from confirmcheck.cli import EXIT_DIFFERS, EXIT_INPUT, main
from tests.formats.support import DATA
from tests.support import EXAMPLES

ALPINEBITS = EXAMPLES / "alpinebits"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdin=io.BytesIO(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


REFUSED = sorted(p for p in (DATA / "refused").glob("*.xml"))


@pytest.mark.parametrize("path", REFUSED, ids=lambda path: path.name)
def test_hostile_xml_is_one_line_and_exit_2(path: Path) -> None:
    status, out, err = run("check", str(ALPINEBITS / "request.xml"), str(path))
    assert (status, out) == (EXIT_INPUT, "")
    assert err.startswith(f"confirmcheck: {path}: confirmed: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_the_modification_pair() -> None:
    status, out, _ = run(
        "check",
        str(DATA / "modification" / "new-reservation.xml"),
        str(DATA / "modification" / "modified-to-three-nights.xml"),
    )
    assert status == EXIT_DIFFERS
    assert "Thu, 12 Mar – Fri, 13 Mar 2026 (1 night" in out


def test_a_request_cannot_be_the_confirmation() -> None:
    # The files given the wrong way round: said, not compared.
    request = ALPINEBITS / "request.xml"
    status, _, err = run("check", str(ALPINEBITS / "confirmation.eml"), str(request))
    assert status == EXIT_INPUT
    assert err == (
        f"confirmcheck: {request}: confirmed: is a guest's request "
        '(ResStatus="Requested"), not a confirmation\n'
    )


def test_attach_reads_the_confirmed_stays_from_the_mail(tmp_path: Path) -> None:
    written = tmp_path / "out.eml"
    status, _, err = run(
        "attach",
        str(ALPINEBITS / "confirmation.eml"),
        str(ALPINEBITS / "request.xml"),
        "--output",
        str(written),
    )
    assert (status, err) == (EXIT_DIFFERS, "")
    assert b"PARTLY BOOKED" in written.read_bytes()


def test_attach_without_confirmed_and_without_markup_says_so(tmp_path: Path) -> None:
    mail = tmp_path / "plain.eml"
    mail.write_bytes(b"From: hotel@example.com\r\nSubject: Booked\r\n\r\nSee you!\r\n")
    status, out, err = run("attach", str(mail), str(ALPINEBITS / "request.xml"))
    assert (status, out) == (EXIT_INPUT, "")
    assert err == (
        f"confirmcheck: {mail}: carries no schema.org LodgingReservation markup "
        "(JSON-LD or microdata); without CONFIRMED the confirmed stays are read "
        "from the mail's markup\n"
    )
