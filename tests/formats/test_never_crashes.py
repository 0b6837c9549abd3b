"""Property: whatever a message or page is turned into, reading it gives stays or
one InputError, never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from confirmcheck import InputError, StaysFile, read_stays
from tests.formats.support import DATA

SOURCES = [
    p.read_bytes()
    for folder in ("ota", "schemaorg", "modification", "refused")
    for p in sorted((DATA / folder).iterdir())
    if p.suffix in (".xml", ".html", ".eml")
]
PIECES = st.sampled_from(
    [
        b"<",
        b">",
        b"&",
        b'"',
        b"=",
        b"/",
        b"-",
        b"0",
        b"9999-12-31",
        b"P",
        b"N",
        b"\n",
        b"\xff",
        b"<!--",
        b"]]>",
        b"{",
        b"}",
        b"@type",
        b"Count",
        b"Start",
    ]
)


@st.composite
def changed(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 20))
        data[at : at + cut] = draw(PIECES) * draw(st.integers(0, 3))
    return bytes(data)


@given(changed())
def test_reading_a_changed_file_gives_stays_or_an_input_error(data: bytes) -> None:
    outcome = outcome_of(data)
    if isinstance(outcome, InputError):
        assert str(outcome).startswith("confirmed")
        assert "\n" not in str(outcome)
    else:
        assert isinstance(outcome, StaysFile)


def outcome_of(data: bytes) -> StaysFile | InputError:
    try:
        return read_stays(data, path=("confirmed",))
    except InputError as error:
        return error


def test_there_are_sources() -> None:
    assert len(SOURCES) >= 20
    assert all(isinstance(s, bytes) for s in SOURCES)
    assert Path(DATA).is_dir()
