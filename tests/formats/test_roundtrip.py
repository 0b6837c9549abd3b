"""Properties: stays written out as OTA XML, or as JSON-LD in a page, and read
back are the same stays (in the order of their reservations)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from confirmcheck.readers.ota import read_ota
from confirmcheck.readers.schemaorg import read_schemaorg
from confirmcheck.stay import Stay
from tests.formats.writers import grouped, write_json_ld, write_ota

# Text that XML 1.0 can carry (no control characters, no non-characters), as a
# hotel's codes and references are: surrounding blanks are not part of them.
TEXT = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


def stays(*, rooms: st.SearchStrategy[int]) -> st.SearchStrategy[Stay]:
    return st.builds(
        lambda check_in, nights, rooms, room_type, guests, ref: Stay(
            check_in,
            check_in + dt.timedelta(days=nights),
            rooms=rooms,
            room_type=room_type,
            guests=guests,
            ref=ref,
        ),
        st.dates(dt.date(1900, 1, 1), dt.date(9998, 1, 1)),
        st.integers(1, 400),
        rooms,
        st.none() | TEXT,
        st.none() | st.integers(1, 20),
        st.none() | st.sampled_from(["A-1", "B-2"]) | TEXT,
    )


@given(st.lists(stays(rooms=st.integers(1, 9)), max_size=8))
def test_ota_written_and_read_back_gives_the_same_stays(written: list[Stay]) -> None:
    read = read_ota(write_ota(written))
    assert list(read.stays) == [stay for group in grouped(written) for stay in group]
    assert read.cancelled == ()
    assert read.flexible == ()


@given(st.lists(stays(rooms=st.just(1)), min_size=1, max_size=8))
def test_json_ld_written_and_read_back_gives_the_same_stays(
    written: list[Stay],
) -> None:
    read = read_schemaorg(write_json_ld(written))
    assert list(read.stays) == written
