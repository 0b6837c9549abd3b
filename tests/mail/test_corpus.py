"""Every mail in tests/mail/corpus gets the summary, and nothing else changes.

A new case is a new ``.eml`` file in the corpus folder; the checks here run on
every file, with and without the calendar attachment.
"""

from __future__ import annotations

from email.message import Message
from pathlib import Path

import pytest

from confirmcheck.mail import PART_HEADER, insert_summary
from confirmcheck.mail._codec import decode_body
from confirmcheck.mail._structure import Entity, parse_mail
from tests.mail.oracle import (
    HTML,
    ICS,
    TEXT,
    html_block,
    html_insertion_point,
    numbered,
    parse,
    text_block,
    text_of,
    visible_text_parts,
)

CORPUS = Path(__file__).parent / "corpus"
MAILS = sorted(CORPUS.glob("*.eml"))


def _entities(entity: Entity) -> dict[str, Entity]:
    out = {entity.number: entity}
    for child in entity.children:
        out.update(_entities(child))
    return out


def _change(data: bytes, *, calendar: bool) -> bytes:
    return insert_summary(
        data, text=TEXT, html=HTML, calendar=ICS if calendar else None, complete=False
    )


def test_the_corpus_has_the_cases_the_issue_asks_for() -> None:
    names = {path.stem for path in MAILS}
    for needed in (
        "alternative-qp-latin1-crlf",
        "alternative-base64-utf8-lf",
        "html-without-body-utf8-8bit",
        "related-inline-images-crlf",
        "mixed-pdf-crlf",
        "forwarded-message-lf",
        "only-attachment-crlf",
        "folded-encoded-headers-crlf",
        "plain-latin1-8bit-lf",
    ):
        assert needed in names


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_the_structure_read_from_bytes_agrees_with_the_stdlib(path: Path) -> None:
    data = path.read_bytes()
    mine = _entities(parse_mail(data))
    theirs = dict(numbered(parse(data)))
    assert sorted(mine) == sorted(theirs)
    for number, part in theirs.items():
        entity = mine[number]
        assert entity.content_type == part.get_content_type()
        if not part.is_multipart():
            raw = data[entity.body_start : entity.end]
            mine_octets = decode_body(raw, entity.transfer_encoding)
            theirs_octets = part.get_payload(decode=True)
            assert isinstance(theirs_octets, bytes)
            assert mine_octets == theirs_octets


@pytest.mark.parametrize("calendar", [True, False], ids=["calendar", "no-calendar"])
@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_every_visible_text_part_starts_with_the_summary(
    path: Path, calendar: bool
) -> None:
    data = path.read_bytes()
    before = parse(data)
    after = parse(_change(data, calendar=calendar))
    assert not any(part.defects for _, part in numbered(after))
    visible = visible_text_parts(after)
    assert visible
    old = dict(visible_text_parts(before))
    added = [n for n, p in numbered(after) if p[PART_HEADER] == "summary"]
    for number, part in visible:
        text = text_of(part)
        if part.get_content_type() == "text/plain":
            assert text.startswith(text_block())
        else:
            block = html_block(charset=part.get_content_charset() or "us-ascii")
            assert block in text
        if any(number.startswith(f"{n}.") for n in added):
            assert not old, "a new summary part only for a mail without a text body"
            continue
        # The text that was there is all still there, below the summary.
        original = _original_text(before, old, number, after, part)
        if part.get_content_type() == "text/plain":
            assert text == text_block() + original
        else:
            point = html_insertion_point(original)
            block = html_block(charset=part.get_content_charset() or "us-ascii")
            assert text.replace(block, "", 1) == original
            if point is not None:
                assert text.index(block) == point


def _original_text(
    before: Message,
    old: dict[str, Message],
    number: str,
    after: Message,
    part: Message,
) -> str:
    # A mail wrapped in a new multipart/mixed moves its body one level down.
    if number in old:
        return text_of(old[number])
    shifted = number.split(".", 1)[1] if "." in number else ""
    return text_of(old.get(shifted, before))


@pytest.mark.parametrize("calendar", [True, False], ids=["calendar", "no-calendar"])
@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_changing_twice_gives_the_same_bytes_as_once(
    path: Path, calendar: bool
) -> None:
    once = _change(path.read_bytes(), calendar=calendar)
    assert _change(once, calendar=calendar) == once


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_line_endings_stay_those_of_the_input(path: Path) -> None:
    data = path.read_bytes()
    out = _change(data, calendar=True)
    if b"\r\n" in data:
        assert b"\n" not in out.replace(b"\r\n", b"")
    else:
        assert b"\r" not in out


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_every_byte_outside_the_changed_parts_is_kept(path: Path) -> None:
    data = path.read_bytes()
    out = _change(data, calendar=True)
    root = parse_mail(data)
    entities = _entities(root)
    changed = [entities[n] for n, _ in visible_text_parts(parse(data))]
    # Every header field of the mail is still there, byte for byte.
    for item in root.fields:
        if item.name in ("content-type", "content-transfer-encoding") and any(
            entity is root for entity in changed
        ):
            continue
        assert data[item.start : item.end] in out
    # Everything between the changed parts is still there, in order.
    cuts = sorted(
        (entity.start, entity.end) for entity in changed if entity is not root
    )
    if root.content_type == "multipart/mixed":
        # New parts go before the first part and before the closing boundary.
        cuts = sorted([*cuts, (root.delimiters[0],) * 2, (root.close,) * 2])
    pieces, position = [], root.header_end
    for start, end in cuts:
        pieces.append(data[position:start])
        position = end
    if root not in changed:
        pieces.append(data[position:])
    found = 0
    for piece in pieces:
        at = out.find(piece, found)
        assert at >= 0, piece[:80]
        found = at + len(piece)
    # The header fields of a changed part stay, but for those that say how it is
    # encoded.
    for entity in changed:
        for item in entity.fields:
            if item.name not in ("content-type", "content-transfer-encoding"):
                assert data[item.start : item.end] in out


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_the_calendar_is_attached_once(path: Path) -> None:
    out = parse(_change(path.read_bytes(), calendar=True))
    calendars = [p for _, p in numbered(out) if p.get_content_type() == "text/calendar"]
    ours = [p for p in calendars if p[PART_HEADER] == "calendar"]
    assert len(ours) == 1
    (part,) = ours
    assert part.get_filename() == "booking-summary.ics"
    assert part.get_content_disposition() == "attachment"
    assert part.get_param("method") == "PUBLISH"
    assert part.get_payload(decode=True) == ICS
    assert out.get_content_type() == "multipart/mixed"
