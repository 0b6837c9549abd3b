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
            "  - Stay 1 of 1, Thu 5 Oct 2017 – Mon 9 Oct 2017 (4 nights, 1 room, A,\n"
            "    1 guest; arriving between Tue 3 Oct 2017 and Sun 8 Oct 2017)\n",
        ),
        (
            "de",
            "  - Aufenthalt 1 von 1, Do., 5. Oktober 2017 – Mo., 9. Oktober 2017 "
            "(4 Nächte,\n    1 Zimmer, A, 1 Gast; Anreise zwischen Di., 3. Oktober "
            "2017 und\n    So., 8. Oktober 2017)\n",
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
        ("en", "no room\n    is reserved. The reservation is cancelled.\n"),
        ("de", "kein Zimmer ist reserviert. Die Reservierung ist storniert.\n"),
    ],
)
def test_a_cancellation_is_said_as_the_reason(locale: str, said: str) -> None:
    requested = StaysFile(
        [Stay(dt.date(2012, 4, 2), dt.date(2012, 4, 6), ref="c24e8b15ca469388")]
    )
    report = compare(requested, read_ota(CANCELLATION.read_bytes()))
    assert said in render_text(report, locale=locale)
