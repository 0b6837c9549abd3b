"""Hostile pages and mails made on the spot: each is refused with one line that
names the place, or read, at once; never a traceback."""

from __future__ import annotations

import pytest

from confirmcheck.errors import InputError
from confirmcheck.readers.schemaorg import MAX_MARKUP_BYTES, read_schemaorg

RESERVATION = "https://schema.org/LodgingReservation"
SCRIPT = '<script type="application/ld+json">{}</script>'


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (
            "<html>" + "<div>" * 100_000 + "</span>" * 100_000,
            "carries no schema.org LodgingReservation markup (JSON-LD or microdata)",
        ),
        (
            "<html>" + "<script>" * 100_000,
            "carries no schema.org LodgingReservation markup (JSON-LD or microdata)",
        ),
        (
            "<html>\n" + SCRIPT.format("[" * 100_000 + "]" * 100_000),
            "JSON-LD script 1 (line 2): is nested too deeply",
        ),
        (
            "<html>" + SCRIPT.format("1" * 5000),
            "JSON-LD script 1 (line 1): holds a number with too many digits",
        ),
        (
            f'<html><div itemscope itemtype="{RESERVATION}">'
            + '<b itemprop="name">' * 20_000,
            "microdata LodgingReservation 1: has no checkinDate",
        ),
    ],
    ids=["unclosed", "unclosed-scripts", "deep-json", "big-number", "deep-microdata"],
)
def test_hostile_pages(page: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_schemaorg(page)
    assert str(caught.value).startswith(message)


def test_a_mail_nested_thousands_of_parts_deep() -> None:
    mail = "From: hotel@example.com\r\nMIME-Version: 1.0\r\n"
    for depth in range(3000):
        mail += (
            f'Content-Type: multipart/mixed; boundary="b{depth}"\r\n\r\n--b{depth}\r\n'
        )
    mail += "Content-Type: text/html\r\n\r\n<html></html>\r\n"
    with pytest.raises(InputError) as caught:
        read_schemaorg(mail.encode())
    assert str(caught.value) == "has MIME parts nested too deeply to read"


def test_too_big_is_refused_before_reading() -> None:
    page = "<html>" + " " * MAX_MARKUP_BYTES
    with pytest.raises(InputError) as caught:
        read_schemaorg(page)
    assert str(caught.value) == (
        f"is {len(page):,} bytes; a page or mail may be at most {MAX_MARKUP_BYTES:,}"
    )
