"""``confirmcheck attach`` on the command line, driven through confirmcheck.cli.main."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from confirmcheck import cli
from confirmcheck.mail import COMPLETE_HEADER, PART_HEADER, TEXT_BEGIN
from tests.mail.oracle import numbered, parse, text_of

CORPUS = Path(__file__).parent / "corpus"
REFUSED = Path(__file__).parent / "refused"
STAY = {"check_in": "2026-03-09", "check_out": "2026-03-13", "room_type": "double"}


@pytest.fixture
def stays(tmp_path: Path) -> dict[str, Path]:
    files = {
        "one": [STAY],
        "none": [],
    }
    out = {}
    for name, value in files.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(value))
        out[name] = path
    return out


def _run(*argv: str | Path, stdin: bytes = b"") -> tuple[int, bytes, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    status = cli.main(
        [str(a) for a in argv], stdin=io.BytesIO(stdin), stdout=out, stderr=err
    )
    out.flush()
    assert isinstance(out.buffer, io.BytesIO)
    return status, out.buffer.getvalue(), err.getvalue()


def test_exit_0_when_everything_is_booked_and_the_mail_on_stdout(
    stays: dict[str, Path],
) -> None:
    mail = CORPUS / "alternative-base64-utf8-lf.eml"
    status, out, err = _run("attach", mail, stays["one"], stays["one"])
    assert (status, err) == (0, "")
    message = parse(out)
    assert message[COMPLETE_HEADER] == "yes"
    assert [p for _, p in numbered(message) if p[PART_HEADER] == "calendar"]


def test_exit_1_when_something_differs_and_the_mail_in_the_output_file(
    stays: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "out.eml"
    mail = CORPUS / "plain-latin1-8bit-lf.eml"
    status, out, err = _run(
        "attach",
        mail,
        stays["one"],
        stays["none"],
        "--locale",
        "de",
        "--no-calendar",
        "--subject-prefix",
        "[NICHT GEBUCHT]",
        "-o",
        target,
    )
    assert (status, out, err) == (1, b"", "")
    message = parse(target.read_bytes())
    assert str(message["subject"]) == "[NICHT GEBUCHT] Ihre Zimmerreservierung"
    assert text_of(message).startswith(TEXT_BEGIN + "\nNICHT GEBUCHT")
    assert not [p for _, p in numbered(message) if p[PART_HEADER] == "calendar"]


def test_the_mail_can_come_from_standard_input(stays: dict[str, Path]) -> None:
    mail = (CORPUS / "html-without-body-utf8-8bit.eml").read_bytes()
    status, out, _ = _run("attach", "-", stays["one"], stays["none"], stdin=mail)
    assert status == 1
    assert out.startswith(b"From: Stadthotel Mitte")


@pytest.mark.parametrize(
    ("mail", "extra", "message"),
    [
        (REFUSED / "multipart-signed.eml", [], "attach the summary before"),
        (REFUSED / "dkim-signed.eml", [], "DKIM-Signature"),
        (CORPUS / "mixed-pdf-crlf.eml", ["--locale", "sv"], "--locale: sv"),
        (CORPUS / "mixed-pdf-crlf.eml", ["--subject-prefix", " "], "--subject-prefix"),
        (Path("no-such-mail.eml"), [], "cannot read"),
    ],
    ids=["signed", "dkim", "locale", "prefix", "missing"],
)
def test_exit_2_and_nothing_written_for_bad_input(
    stays: dict[str, Path],
    tmp_path: Path,
    mail: Path,
    extra: list[str],
    message: str,
) -> None:
    target = tmp_path / "out.eml"
    status, out, err = _run(
        "attach", mail, stays["one"], stays["one"], *extra, "-o", target
    )
    assert (status, out) == (2, b"")
    assert message in err
    assert err.startswith("confirmcheck: ")
    assert err.count("\n") == 1
    assert not target.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"one.json", "none.json"}


def test_a_dkim_signed_mail_is_changed_when_allowed(stays: dict[str, Path]) -> None:
    status, out, _ = _run(
        "attach",
        REFUSED / "dkim-signed.eml",
        stays["one"],
        stays["one"],
        "--allow-dkim",
    )
    assert status == 0
    assert b"DKIM-Signature" in out


def test_only_one_input_can_be_standard_input(stays: dict[str, Path]) -> None:
    status, _, err = _run("attach", "-", "-", stays["one"])
    assert status == 2
    assert "only one of MAIL, REQUESTED and CONFIRMED" in err


def test_a_refused_mail_names_the_file_and_the_part(stays: dict[str, Path]) -> None:
    mail = REFUSED / "broken-base64.eml"
    _, _, err = _run("attach", mail, stays["one"], stays["one"])
    assert f"{mail}: mail.part 2: text/html: the base64 body cannot be decoded" in err


def test_a_mail_without_date_gets_the_calendar_stamped_now(
    stays: dict[str, Path],
) -> None:
    mail = b"From: h@example.com\nSubject: s\nContent-Type: text/plain\n\nBooked.\n"
    status, out, err = _run("attach", "-", stays["one"], stays["none"], stdin=mail)
    assert (status, err) == (1, "")
    assert [p for _, p in numbered(parse(out)) if p[PART_HEADER] == "calendar"]
