"""Stays from schema.org ``LodgingReservation`` markup in an HTML page or a mail.

Confirmation mails carry the markup for mail clients, as JSON-LD
(``<script type="application/ld+json">``: one object, a list, or an ``@graph``)
or as microdata (``itemtype="https://schema.org/LodgingReservation"``). A MIME
mail is read from its first ``text/html`` part that carries markup. Every
reservation is a stay of one room: ``checkinDate``/``checkoutDate`` (or
``checkinTime``/``checkoutTime``), dates or date-times whose date is taken as
written, never moved to another time zone. ``docs/formats.md`` lists the rest.

Broken HTML does not stop the reading (:mod:`html.parser` is lenient); JSON-LD
that is not JSON is an error naming its script and line.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

from confirmcheck.cancellation import Cancellation
from confirmcheck.errors import InputError, Path
from confirmcheck.readers.json import StaysFile
from confirmcheck.readers.recognise import HTML_START, MAIL_HEAD
from confirmcheck.readers.text import refuse_surrogates
from confirmcheck.stay import Stay

__all__ = ["MAX_MARKUP_BYTES", "read_json_ld", "read_schemaorg"]

MAX_MARKUP_BYTES = 10 * 1024 * 1024
"""A larger page or mail is refused before it is parsed."""

_CONFIRMED = frozenset({"confirmed", "reservationconfirmed"})
_CANCELLED = frozenset({"cancelled", "reservationcancelled"})
_DATE = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][^\s]*)?\s*")
_COUNT = re.compile(r"\s*[0-9]{1,6}\s*")
#: Elements without content: they never take an end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
    | {"source", "track", "wbr"}
)


# --- where the markup is ----------------------------------------------------------


def _html_parts(data: bytes | str) -> Iterator[tuple[str, str]]:
    """(where, html) for a page, or for each HTML part of a mail."""
    # A byte order mark and blank lines before a page or mail are neither.
    if isinstance(data, bytes):
        blank = b" \t\r\n"
        data = data.lstrip(blank).removeprefix(b"\xef\xbb\xbf").lstrip(blank)
    else:
        data = data.removeprefix("\ufeff").lstrip()
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    if HTML_START.match(text[:8192]) or not MAIL_HEAD.match(
        text[:8192].replace("\r\n", "\n")
    ):
        yield "", text
        return
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for number, part in enumerate(message.walk(), 1):
        if part.get_content_type() != "text/html":
            continue
        yield f"MIME part {number} (text/html), ", _text_of(part)


def _text_of(part: EmailMessage | Any) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        # An unknown or wrong charset: the markup is ASCII, whatever the words.
        payload = part.get_payload(decode=True) or b""
        return bytes(payload).decode("utf-8", "replace")
    return content if isinstance(content, str) else ""


# --- HTML: JSON-LD scripts and microdata items -------------------------------------


@dataclass
class _Item:
    """A microdata item: its types and properties (values or nested items)."""

    types: list[str]
    props: dict[str, list[Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.types}
        for name, values in self.props.items():
            out[name] = values[0] if len(values) == 1 else values
        return out


@dataclass
class _Frame:
    tag: str
    item: _Item | None = None
    item_props: list[str] = field(default_factory=list)
    text_props: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Markup(HTMLParser):
    """Collects the microdata items of a page.

    Every tag costs the same, however deep the page nests or however many tags
    it leaves open: the open tags are counted by name, and the frames that
    collect text or own an item are kept in stacks of their own.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[_Item] = []
        self._stack: list[_Frame] = []
        self._open: Counter[str] = Counter()
        self._owners: list[_Item] = []
        self._collecting: list[_Frame] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        props = values.get("itemprop", "").split() if "itemprop" in values else []
        frame = _Frame(tag)
        if "itemscope" in values:
            frame.item = _Item(values.get("itemtype", "").split())
            frame.item_props = props
        elif props:
            given = [a for a in ("content", "datetime", "href", "src") if a in values]
            value = values[given[0]] if given else None
            if value is not None:
                self._add(props, value.strip())
            elif tag not in _VOID:
                frame.text_props = props
        if tag not in _VOID:
            self._stack.append(frame)
            self._open[tag] += 1
            if frame.item is not None:
                self._owners.append(frame.item)
            if frame.text_props:
                self._collecting.append(frame)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._collecting:
            # The innermost property takes the text; an enclosing one gets it
            # as it closes, from the text of what it holds.
            self._collecting[-1].text.append(data)

    def handle_endtag(self, tag: str) -> None:
        # Broken HTML: an end tag closes what is open up to its start tag, and
        # one that matches nothing open is ignored.
        if not self._open[tag]:
            return
        while self._stack:
            frame = self._stack.pop()
            self._close(frame)
            if frame.tag == tag:
                return

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close(self._stack.pop())

    def _close(self, frame: _Frame) -> None:
        self._open[frame.tag] -= 1
        if frame.text_props:
            self._collecting.pop()
            text = "".join(frame.text)
            if self._collecting:
                self._collecting[-1].text.append(text)
            self._add(frame.text_props, " ".join(text.split()))
        if frame.item is not None:
            self._owners.pop()
            if frame.item_props and self._owners:
                self._add(frame.item_props, frame.item.as_json())
            else:
                self.items.append(frame.item)

    def _add(self, props: list[str], value: Any) -> None:
        if self._owners:
            for prop in props:
                self._owners[-1].props.setdefault(prop, []).append(value)


# --- LodgingReservation -> stay ---------------------------------------------------


def _is_type(value: object, name: str) -> bool:
    types = value if isinstance(value, list) else [value]
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == name for t in types)


def _lodging_reservations(value: object) -> Iterator[Mapping[str, Any]]:
    """The LodgingReservation objects of decoded JSON-LD: one, a list, and the
    objects of their ``@graph``s."""
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            continue
        if _is_type(item.get("@type"), "LodgingReservation"):
            yield item
        graph = item.get("@graph")
        for node in graph if isinstance(graph, list) else [graph]:
            if isinstance(node, dict) and _is_type(
                node.get("@type"), "LodgingReservation"
            ):
                yield node


def _plain(value: object) -> object:
    """A JSON-LD value object's value (``{"@value": ...}``), or the value itself."""
    if isinstance(value, dict) and "@value" in value:
        return value["@value"]
    if isinstance(value, list) and len(value) == 1:
        return _plain(value[0])
    return value


def _text(value: object) -> str | None:
    value = _plain(value)
    if isinstance(value, dict):
        # A named thing, a QualitativeValue, or a reference to an enumeration member.
        value = _plain(value.get("name") or value.get("value") or value.get("@id"))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a reservation number written as a JSON number
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


@dataclass(frozen=True)
class _Where:
    """The place of one reservation, for its errors."""

    label: str

    def error(self, message: str) -> InputError:
        return InputError(f"{self.label}: {message}")


def _date(item: Mapping[str, Any], names: tuple[str, str], where: _Where) -> dt.date:
    for name in names:
        if name in item:
            value = _plain(item[name])
            match = _DATE.fullmatch(value) if isinstance(value, str) else None
            if match is not None:
                try:
                    # The date as written: its time and offset do not move it.
                    return dt.date.fromisoformat(match.group(1))
                except ValueError:
                    pass
            raise where.error(f"{name} {json.dumps(value)} is not a date")
    raise where.error(f"has no {names[0]}")


def _count(item: Mapping[str, Any], name: str, where: _Where) -> int:
    if name not in item:
        return 0
    value = _plain(item[name])
    if isinstance(value, dict):  # a QuantitativeValue
        value = _plain(value.get("value"))
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _COUNT.fullmatch(value):
        return int(value)
    raise where.error(f"{name} {json.dumps(value)} is not a whole number")


def _status(item: Mapping[str, Any], where: _Where) -> str:
    value = _text(item.get("reservationStatus")) or "Confirmed"
    status = re.split(r"[/:#]", value)[-1].casefold()
    if status in _CONFIRMED:
        return "confirmed"
    if status in _CANCELLED:
        return "cancelled"
    raise where.error(
        f"reservationStatus {value} is not read: only confirmed and cancelled "
        "reservations are (a pending one is not booked yet)"
    )


@dataclass
class _Read:
    stays: list[Stay] = field(default_factory=list)
    cancelled: list[Cancellation] = field(default_factory=list)
    room_types: dict[str, dict[str, str]] = field(default_factory=dict)
    hotels: set[str] = field(default_factory=set)


def _add(item: Mapping[str, Any], where: _Where, into: _Read) -> None:
    status = _status(item, where)
    ref = _text(item.get("reservationNumber"))
    if status == "cancelled" and not any(
        key in item for key in ("checkinDate", "checkinTime")
    ):
        into.cancelled.append(Cancellation(ref))
        return
    check_in = _date(item, ("checkinDate", "checkinTime"), where)
    check_out = _date(item, ("checkoutDate", "checkoutTime"), where)
    if check_out <= check_in:
        raise where.error(
            f"checkoutDate {check_out} is not after checkinDate {check_in}"
        )
    guests = _count(item, "numAdults", where) + _count(item, "numChildren", where)
    code = _text(item.get("lodgingUnitType"))
    name = _text(item.get("lodgingUnitDescription"))
    if code is not None and name is not None:
        into.room_types.setdefault(code, {})[""] = name
    hotel = item.get("reservationFor")
    if isinstance(hotel, dict) and _text(hotel.get("name")):
        into.hotels.add(str(_text(hotel.get("name"))))
    try:
        stay = Stay(
            check_in,
            check_out,
            room_type=code or name,
            guests=guests or None,
            ref=ref,
        )
    except InputError as error:
        raise where.error(str(error)) from None
    if status == "cancelled":
        into.cancelled.append(Cancellation(ref, (stay,)))
    else:
        into.stays.append(stay)


def _json_ld_scripts(html: str) -> list[tuple[int, str]]:
    """The ``application/ld+json`` scripts of a page, with the line each starts on.

    Found by searching, not by parsing the page: the contents of a script are
    plain text to HTML, and a search takes the same time for any page, however
    broken or deeply nested its tags are.
    """
    lower = html.lower()
    newlines = [match.start() for match in re.finditer("\n", html)]
    scripts: list[tuple[int, str]] = []
    start = lower.find("<script")
    while start != -1:
        opened = lower.find(">", start)
        if opened == -1:
            break
        closed = lower.find("</script", opened)
        end = closed if closed != -1 else len(html)
        if "application/ld+json" in lower[start:opened]:
            line = bisect_left(newlines, start) + 1
            scripts.append((line, html[opened + 1 : end]))
        start = lower.find("<script", end)
    return scripts


def _microdata(html: str) -> list[_Item]:
    """The microdata items of a page (html.parser: broken tags do not stop it)."""
    if "itemscope" not in html.lower():
        return []
    markup = _Markup()
    markup.feed(html)
    markup.close()
    return markup.items


def _from_html(where: str, html: str) -> list[tuple[_Where, Mapping[str, Any]]]:
    found: list[tuple[_Where, Mapping[str, Any]]] = []
    for number, (line, script) in enumerate(_json_ld_scripts(html), 1):
        label = f"{where}JSON-LD script {number} (line {line})"
        try:
            value = json.loads(script)
        except json.JSONDecodeError as error:
            raise InputError(
                f"{label}: is not JSON: {error.msg} (line {line + error.lineno - 1} "
                "of the page)"
            ) from None
        except RecursionError:
            raise InputError(f"{label}: is nested too deeply") from None
        except ValueError:  # an integer of more than 4300 digits
            raise InputError(f"{label}: holds a number with too many digits") from None
        for index, item in enumerate(_lodging_reservations(value), 1):
            found.append((_Where(f"{label}, LodgingReservation {index}"), item))
    if found:
        return found
    # Microdata only where there is no JSON-LD: a mail carrying both says the
    # same thing twice.
    reservations = [
        i.as_json() for i in _microdata(html) if _is_type(i.types, "LodgingReservation")
    ]
    return [
        (_Where(f"{where}microdata LodgingReservation {index}"), item)
        for index, item in enumerate(reservations, 1)
    ]


def _reservations(
    data: bytes | str, path: Path = ()
) -> list[tuple[_Where, Mapping[str, Any]]]:
    if isinstance(data, str):
        refuse_surrogates(data, path=path)
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    if size > MAX_MARKUP_BYTES:
        raise InputError(
            f"is {size:,} bytes; a page or mail may be at most {MAX_MARKUP_BYTES:,}",
            path=path,
        )
    try:
        for where, html in _html_parts(data):
            found = _from_html(where, html)
            if found:
                return found
    except InputError as error:
        raise error.under(path) from None
    except RecursionError:
        raise InputError(
            "has MIME parts nested too deeply to read", path=path
        ) from None
    return []


def read_schemaorg(data: bytes | str, *, path: Path = ()) -> StaysFile:
    """The stays of the ``LodgingReservation`` markup in an HTML page or a mail.

    A page or mail without such markup is an error that says so; every error
    names its script or microdata item (and MIME part), under ``path``.

    >>> read_schemaorg('''<script type="application/ld+json">
    ... {"@context": "https://schema.org", "@type": "LodgingReservation",
    ...  "reservationNumber": "A-1", "checkinDate": "2026-03-09",
    ...  "checkoutDate": "2026-03-13T11:00:00+01:00", "numAdults": 2}
    ... </script>''').stays
    (Stay(check_in=datetime.date(2026, 3, 9), check_out=datetime.date(2026, 3, 13), \
rooms=1, room_type=None, guests=2, ref='A-1'),)
    """
    reservations = _reservations(data, path)
    if not reservations:
        raise InputError(
            "carries no schema.org LodgingReservation markup (JSON-LD or microdata)",
            path=path,
        )
    return _stays_file(reservations, path)


def read_json_ld(value: object, *, path: Path = ()) -> StaysFile:
    """The stays of decoded JSON-LD (one object, a list, or an ``@graph``), as a
    ``.json`` file of schema.org reservations holds it."""
    reservations = [
        (_Where(f"LodgingReservation {index}"), item)
        for index, item in enumerate(_lodging_reservations(value), 1)
    ]
    if not reservations:
        raise InputError("is JSON-LD without a LodgingReservation", path=path)
    return _stays_file(reservations, path)


def _stays_file(
    reservations: list[tuple[_Where, Mapping[str, Any]]], path: Path
) -> StaysFile:
    read = _Read()
    errors: list[InputError] = []
    for where, item in reservations:
        try:
            _add(item, where, read)
        except InputError as error:
            errors.append(error)
    collected = InputError.collect(errors)
    if collected is not None:
        raise collected.under(path)
    return StaysFile(
        read.stays,
        hotel=read.hotels.pop() if len(read.hotels) == 1 else None,
        room_types=read.room_types,
        cancelled=read.cancelled,
    )
