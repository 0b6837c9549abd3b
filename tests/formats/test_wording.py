"""What the summary says of a flexible request (its window) and of a cancelled
reservation (the reason its nights are not booked), in every language."""

from __future__ import annotations

import datetime as dt

import pytest

from confirmcheck import render_text
from confirmcheck.compare import compare
from confirmcheck.readers.json import StaysFile
from confirmcheck.readers.ota import read_ota
from confirmcheck.stay import Stay
from tests.formats.support import shared_samples

SAMPLES = shared_samples() / "alpinebits"
QUOTE = SAMPLES / (
    "alpinebits-2018-10_GuestRequests-OTA_ResRetrieveRS-request-with-roomtype.xml"
)
CANCELLATION = SAMPLES / (
    "alpinebits-2015-07b_GuestRequests-OTA_ResRetrieveRS-cancellation.xml"
)


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "en",
            "  Thu, 5 Oct – Mon, 9 Oct 2017 (4 nights, A, 1 guest; arriving between\n"
            "    Tue, 3 Oct 2017 and Sun, 8 Oct 2017)\n",
        ),
        (
            "de",
            "  Do., 5. – Mo., 9. Okt. 2017 (4 Übernachtungen, A, 1 Gast; Anreise "
            "zwischen\n    Di., 3. Okt. 2017 und So., 8. Okt. 2017)\n",
        ),
    ],
)
def test_the_window_of_a_flexible_request_is_said(locale: str, said: str) -> None:
    booked = Stay(dt.date(2017, 10, 5), dt.date(2017, 10, 9), room_type="A", guests=1)
    text = render_text(
        compare(read_ota(QUOTE.read_bytes()), StaysFile([booked])), locale=locale
    )
    assert said in text


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("en", "no room is reserved. The reservation is cancelled."),
        ("de", "kein Zimmer reserviert. Die Reservierung ist storniert."),
    ],
)
def test_a_cancellation_is_said_as_the_reason(locale: str, said: str) -> None:
    requested = StaysFile(
        [Stay(dt.date(2012, 4, 2), dt.date(2012, 4, 6), ref="c24e8b15ca469388")]
    )
    report = compare(requested, read_ota(CANCELLATION.read_bytes()))
    assert said in " ".join(render_text(report, locale=locale).split())
