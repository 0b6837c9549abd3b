"""What cannot be changed safely is refused with a MailError naming the place.

Each file in tests/mail/refused says in its ``X-Expect-Error`` header what the
error must say and in ``X-Expect-Place`` which part it must name.
"""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from confirmcheck.errors import InputError
from confirmcheck.mail import (
    MAX_DEPTH,
    MAX_MAIL_BYTES,
    MAX_PARTS,
    TEXT_HEADING,
    MailError,
    insert_summary,
)
from tests.mail.oracle import HTML, ICS, TEXT, parse, text_of

REFUSED = sorted((Path(__file__).parent / "refused").glob("*.eml"))


def _change(data: bytes, **options: object) -> bytes:
    return insert_summary(
        data,
        text=TEXT,
        html=HTML,
        calendar=ICS,
        complete=True,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_a_mail_that_cannot_be_changed_safely_is_refused(path: Path) -> None:
    data = path.read_bytes()
    expected = email.message_from_bytes(data)
    with pytest.raises(MailError) as caught:
        _change(data)
    error = caught.value
    assert str(expected["X-Expect-Error"]) in str(error)
    place = str(expected["X-Expect-Place"])
    assert error.problems[0].path == (("mail",) if place == "mail" else ("mail", place))
    assert isinstance(error, InputError)
    assert "Traceback" not in str(error)


def test_dkim_is_changed_when_explicitly_allowed() -> None:
    data = (Path(__file__).parent / "refused" / "dkim-signed.eml").read_bytes()
    out = _change(data, allow_dkim=True)
    assert out.startswith(b"X-Expect-Error")
    assert b"DKIM-Signature: v=1" in out


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n\r\n",
        b'{"check_in": "2026-03-09", "check_out": "2026-03-13"}\n',
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"Just a sentence, and no header at all.\n",
        b"From alice@example.com Mon Jan  5 10:00:00 2026\nSubject: x\n\nmbox\n",
        b"X-Thing: 1\r\n\r\nonly an unknown header\r\n",
        b"Subject: has a NUL\x00\r\n\r\nbody\r\n",
    ],
    ids=["empty", "blank", "json", "pdf", "prose", "mbox", "no-mail-header", "nul"],
)
def test_input_that_is_not_a_mail_is_refused(data: bytes) -> None:
    with pytest.raises(MailError) as caught:
        _change(data)
    assert caught.value.problems[0].path == ("mail",)


def test_a_mail_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    head = b"From: a@example.com\r\nSubject: big\r\n\r\n"
    data = head + b"x" * (MAX_MAIL_BYTES - len(head) + 1)
    with pytest.raises(MailError, match="25 MiB"):
        _change(data)


def _has_summary(data: bytes) -> bool:
    body = parse(data).get_body(("plain",))
    return body is not None and text_of(body).startswith(TEXT_HEADING)


def _nested(depth: int) -> bytes:
    lines = [b"From: a@example.com", b"Subject: deep", b"MIME-Version: 1.0"]
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"'.encode(), b""]
        lines += [f"--b{level}".encode()]
    lines += [b"Content-Type: text/plain", b"", b"Booked."]
    for level in reversed(range(depth)):
        lines += [f"--b{level}--".encode()]
    return b"\r\n".join(lines) + b"\r\n"


def test_nesting_up_to_the_limit_is_changed_and_deeper_is_refused() -> None:
    assert _has_summary(_change(_nested(MAX_DEPTH)))
    with pytest.raises(MailError, match="deeper than 16") as caught:
        _change(_nested(MAX_DEPTH + 1))
    assert caught.value.problems[0].path[0] == "mail"


def _many_parts(count: int) -> bytes:
    parts = b"".join(
        b"--many\r\nContent-Type: text/plain\r\n\r\npart\r\n" for _ in range(count)
    )
    return (
        b"From: a@example.com\r\nSubject: many\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="many"\r\n\r\n'
        + parts
        + b"--many--\r\n"
    )


def test_more_parts_than_the_limit_are_refused() -> None:
    # The calendar adds one part: the limit counts the parts of the input.
    assert _has_summary(_change(_many_parts(MAX_PARTS)))
    with pytest.raises(MailError, match=f"more than {MAX_PARTS} MIME parts"):
        _change(_many_parts(MAX_PARTS + 1))


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x" * 101, "more than the 100"),
        ("two\nlines", "one line of printable text"),
    ],
)
def test_a_subject_prefix_that_cannot_go_into_a_subject_is_refused(
    prefix: str, message: str
) -> None:
    data = b"From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n"
    with pytest.raises(InputError, match=message) as caught:
        _change(data, subject_prefix=prefix)
    assert caught.value.problems[0].path == ("subject_prefix",)


def test_bytes_are_required() -> None:
    with pytest.raises(TypeError, match="must be bytes"):
        insert_summary(
            "From: a\n\nx",  # type: ignore[arg-type]
            text=TEXT,
            html=HTML,
            calendar=None,
            complete=True,
        )
