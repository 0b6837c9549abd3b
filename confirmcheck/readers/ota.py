"""Stays from OpenTravel (OTA) and AlpineBits reservation XML, read safely.

Read as they are sent between booking engines, channel managers and hotels:
``OTA_HotelResNotifRQ`` (``HotelReservations/HotelReservation``),
``OTA_HotelResModifyNotifRQ`` (``HotelResModifies/HotelResModify``, a full
overlay), ``OTA_ResRetrieveRS`` (``ReservationsList/HotelReservation``: AlpineBits
GuestRequests) and ``OTA_CancelRQ``, also inside a SOAP 1.1 envelope. Every
``RoomStay`` is a stay; ``docs/formats.md`` lists which element gives which field.

Parsing is :mod:`defusedxml`'s: a DOCTYPE (and with it every entity and external
reference) is refused, as are messages over :data:`MAX_OTA_BYTES` and elements
nested deeper than :data:`MAX_DEPTH`. Every error names the element's path and
line: ``OTA_ResRetrieveRS/ReservationsList/HotelReservation[1]/RoomStays/
RoomStay[1]/TimeSpan (line 40): End 2026-03-09 is not after Start 2026-03-13``.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from confirmcheck.cancellation import Cancellation
from confirmcheck.errors import InputError, Path
from confirmcheck.flexible import FlexibleStay
from confirmcheck.readers.json import StaysFile
from confirmcheck.readers.recognise import OTA_MESSAGES
from confirmcheck.readers.text import refuse_surrogates
from confirmcheck.stay import Stay

__all__ = [
    "MAX_DEPTH",
    "MAX_OTA_BYTES",
    "OtaReservation",
    "read_ota",
    "read_reservations",
]

OTA_NAMESPACE = "http://www.opentravel.org/OTA/2003/05"
SOAP_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"

MAX_OTA_BYTES = 10 * 1024 * 1024
"""A larger message is refused before it is parsed (a day's GuestRequests of a big
hotel are well under a megabyte)."""

MAX_DEPTH = 64
"""Elements nested deeper are refused (OTA reservations nest about a dozen deep)."""

_CANCELLED = frozenset({"cancelled", "cancel", "canceled"})
#: ResID_Type values of HotelReservationID that hold the hotel's own number
#: (OTA code list UIT: 14 reservation, 3 confirmation).
_HOTEL_REF_TYPES = ("14", "3")
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(T.*)?")
_DURATION = re.compile(r"P([0-9]{1,4})[ND]")
_COUNT = re.compile(r"[0-9]{1,6}")
#: Elements that repeat, so that their place is given with an index.
_REPEATED = frozenset(
    {
        "HotelReservation",
        "HotelResModify",
        "RoomStay",
        "RoomType",
        "RoomRate",
        "GuestCount",
        "HotelReservationID",
        "UniqueID",
    }
)


# --- parsing, with the line of every element ---------------------------------------


class _Refused(Exception):
    """Raised inside the parser's callbacks; becomes an InputError outside."""


class _Builder:
    """A tree builder that notes each element's line and refuses deep nesting."""

    def __init__(self, skipped_lines: int = 0) -> None:
        self.skipped_lines = skipped_lines
        self.tree = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.path: list[str] = []
        self.parser: DefusedXMLParser | None = None

    def line(self) -> int:
        assert self.parser is not None
        return int(self.parser.parser.CurrentLineNumber) + self.skipped_lines

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.path.append(_local(tag))
        if len(self.path) > MAX_DEPTH:
            shown = "/".join(self.path[:3])
            raise _Refused(
                f"{shown}/… (line {self.line()}): elements are nested more than "
                f"{MAX_DEPTH} deep; an OTA message needs about a dozen"
            )
        element = self.tree.start(tag, attrs)
        self.lines[element] = self.line()
        return element

    def end(self, tag: str) -> ET.Element:
        self.path.pop()
        return self.tree.end(tag)

    def data(self, data: str) -> None:
        self.tree.data(data)

    def close(self) -> ET.Element:
        return self.tree.close()


def _parse(data: bytes | str) -> tuple[ET.Element, dict[ET.Element, int]]:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8"))
    if size > MAX_OTA_BYTES:
        raise InputError(
            f"is {size:,} bytes; an OTA message may be at most {MAX_OTA_BYTES:,}"
        )
    data, skipped_lines = _without_blank_start(data)
    builder = _Builder(skipped_lines)
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except _Refused as refused:
        raise InputError(str(refused)) from None
    except DTDForbidden as refused:
        raise InputError(
            f"<!DOCTYPE {refused.name}> (line {builder.line()}): is refused: OTA "
            "messages need none, and its entities could expand to gigabytes or "
            "read local files"
        ) from None
    except DefusedXmlException:  # entities without a DOCTYPE: not reached today
        raise InputError(
            f"line {builder.line()}: entities and external references are refused"
        ) from None
    except LookupError as error:  # <?xml encoding="..."?> that Python lacks
        raise InputError(f"line {builder.skipped_lines + 1}: {error}") from None
    except ET.ParseError as error:
        line, column = error.position
        line += builder.skipped_lines
        reason = str(error).split(":", 1)[0]
        raise InputError(
            f"is not well-formed XML: {reason} (line {line}, column {column + 1})"
        ) from None
    return root, builder.lines


def _without_blank_start(data: bytes | str) -> tuple[bytes | str, int]:
    """``data`` without the byte order mark and blank lines before its XML
    declaration (not XML, but what files and form fields often start with), and
    how many lines that took away."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff").lstrip()
        return text, len(data[: len(data) - len(text)].split("\n")) - 1
    blank = b" \t\r\n"
    raw = data.lstrip(blank).removeprefix(b"\xef\xbb\xbf").lstrip(blank)
    return raw, len(data[: len(data) - len(raw)].split(b"\n")) - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


# --- walking the message, with the place of every element -----------------------


@dataclass(frozen=True)
class _Node:
    """An element, where it is (``A/B[2]/C``) and on which line."""

    element: ET.Element
    place: str
    line: int
    namespace: str
    lines: dict[ET.Element, int] = field(repr=False, compare=False)

    def children(self, name: str) -> Iterator[_Node]:
        found = self.element.findall(self._tag(name))
        for index, child in enumerate(found, 1):
            step = f"{name}[{index}]" if name in _REPEATED else name
            yield _Node(
                child,
                f"{self.place}/{step}",
                self.lines.get(child, self.line),
                self.namespace,
                self.lines,
            )

    def child(self, name: str) -> _Node | None:
        return next(self.children(name), None)

    def find(self, *names: str) -> Iterator[_Node]:
        """The descendants along ``names`` (``find("RoomStays", "RoomStay")``)."""
        nodes: list[_Node] = [self]
        for name in names:
            nodes = [c for n in nodes for c in n.children(name)]
        return iter(nodes)

    def get(self, name: str) -> str | None:
        value = self.element.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def text(self) -> str | None:
        text = "".join(self.element.itertext()).strip()
        return " ".join(text.split()) or None

    def error(self, message: str) -> InputError:
        return InputError(f"{self.place} (line {self.line}): {message}")

    def _tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name


def _message(root: ET.Element, lines: dict[ET.Element, int]) -> _Node:
    """The OTA message: the root, or the first element of a SOAP 1.1 body."""
    node = _Node(root, _local(root.tag), lines.get(root, 1), "", lines)
    if _local(root.tag) == "Envelope":
        if _namespace(root.tag) != SOAP_NAMESPACE:
            raise node.error(
                f"the namespace is {_namespace(root.tag) or 'none'}; a SOAP 1.1 "
                f"envelope's is {SOAP_NAMESPACE}"
            )
        body = root.find(f"{{{SOAP_NAMESPACE}}}Body")
        inner = list(body) if body is not None else []
        if not inner:
            raise node.error("the SOAP envelope has no Body with a message in it")
        message = inner[0]
        node = _Node(
            message,
            f"Envelope/Body/{_local(message.tag)}",
            lines.get(message, 1),
            "",
            lines,
        )
    name = _local(node.element.tag)
    if name not in OTA_MESSAGES:
        known = ", ".join(sorted(OTA_MESSAGES))
        raise node.error(f"{name} is not a message read here (read: {known})")
    namespace = _namespace(node.element.tag)
    if namespace not in (OTA_NAMESPACE, ""):
        raise node.error(
            f"the namespace is {namespace}; an OpenTravel message's is {OTA_NAMESPACE}"
        )
    return _Node(node.element, node.place, node.line, namespace, lines)


# --- the fields of a stay ---------------------------------------------------------


def _date(node: _Node, name: str) -> dt.date | None:
    value = node.get(name)
    if value is None:
        return None
    match = _DATE.fullmatch(value)
    if match is not None:
        try:
            # The date as written: a time, or an offset, does not move it.
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise node.error(f"{name} {value} is not a date (YYYY-MM-DD)")


def _count(node: _Node, name: str, *, least: int = 0) -> int | None:
    value = node.get(name)
    if value is None:
        return None
    if not _COUNT.fullmatch(value):
        raise node.error(f"{name} {value} is not a whole number")
    if int(value) < least:
        raise node.error(f"{name} {value} is less than {least}")
    return int(value)


def _dates(time_span: _Node) -> tuple[dt.date, dt.date] | _Window:
    start = _date(time_span, "Start")
    end = _date(time_span, "End")
    duration = time_span.get("Duration")
    nights: int | None = None
    if duration is not None:
        match = _DURATION.fullmatch(duration)
        if match is None:
            raise time_span.error(
                f"Duration {duration} is not read: only nights (P4N) or days (P4D)"
            )
        nights = int(match.group(1))
        if nights < 1:
            raise time_span.error(f"Duration {duration} has no nights")
    if start is None:
        window = time_span.child("StartDateWindow")
        if window is None or nights is None:
            raise time_span.error(
                "has no Start (nor a StartDateWindow with a Duration for a flexible "
                "request)"
            )
        earliest = _date(window, "EarliestDate")
        latest = _date(window, "LatestDate")
        if earliest is None or latest is None:
            raise window.error("needs both EarliestDate and LatestDate")
        if latest < earliest:
            raise window.error(f"LatestDate {latest} is before EarliestDate {earliest}")
        if nights > (dt.date.max - latest).days:
            raise time_span.error(
                f"LatestDate {latest} plus {duration} is past 9999-12-31"
            )
        return _Window(earliest, latest, nights)
    if end is None:
        if nights is None:
            raise time_span.error("has a Start but neither End nor Duration")
        if nights > (dt.date.max - start).days:
            raise time_span.error(f"Start {start} plus {duration} is past 9999-12-31")
        end = start + dt.timedelta(days=nights)
    if end <= start:
        raise time_span.error(f"End {end} is not after Start {start}")
    return start, end


@dataclass(frozen=True)
class _Window:
    """A TimeSpan of a flexible request: ``nights`` arriving in a window."""

    earliest: dt.date
    latest: dt.date
    nights: int


def _guests(room_stay: _Node, rooms: int) -> int | None:
    """Guests per room: the sum of the GuestCounts, divided among the rooms
    unless ``IsPerRoom``; unknown (None) when they do not divide evenly."""
    total = 0
    counts = room_stay.child("GuestCounts")
    if counts is None:
        return None
    for guest_count in counts.children("GuestCount"):
        count = _count(guest_count, "Count")
        if count is None:
            raise guest_count.error("has no Count")
        total += count
    if total == 0:
        return None
    if (counts.get("IsPerRoom") or "").lower() in ("true", "1") or rooms == 1:
        return total
    return total // rooms if total % rooms == 0 else None


@dataclass
class _RoomType:
    code: str | None
    rooms: int | None
    names: dict[str, str]


def _room_type(room_stay: _Node) -> _RoomType:
    room_type = next(room_stay.find("RoomTypes", "RoomType"), None)
    if room_type is None:
        return _RoomType(None, None, {})
    names: dict[str, str] = {}
    # AlpineBits writes a number (a classification) into RoomType@RoomType.
    label = room_type.get("RoomType")
    if label is not None and not label.isdigit():
        names[""] = label
    for description in room_type.children("RoomDescription"):
        name = description.get("Name")
        if name is not None:
            names[""] = name
        for text in description.children("Text"):
            value = text.text()
            if value is not None:
                language = text.get("Language") or text.get(
                    "{http://www.w3.org/XML/1998/namespace}lang"
                )
                names[language or ""] = value
    return _RoomType(
        room_type.get("RoomTypeCode"),
        _count(room_type, "NumberOfUnits", least=1),
        names,
    )


def _first_night(room_rate: _Node) -> dt.date | None:
    days = [_date(room_rate, "EffectiveDate")]
    days += [_date(rate, "EffectiveDate") for rate in room_rate.find("Rates", "Rate")]
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _pieces(
    room_stay: _Node, check_in: dt.date, check_out: dt.date, code: str | None
) -> list[tuple[dt.date, dt.date, str | None]]:
    """The stay's nights by room type: one piece, or one per RoomRate where the
    rates change the room type mid-stay (each from its first night on)."""
    coded: list[tuple[_Node, str]] = []
    for rate in room_stay.find("RoomRates", "RoomRate"):
        rate_code = rate.get("RoomTypeCode")
        if rate_code is not None:
            coded.append((rate, rate_code))
    codes = {c for _, c in coded}
    if not codes:
        return [(check_in, check_out, code)]
    if len(codes) == 1:
        (rate_code,) = codes
        if code is not None and code != rate_code:
            rate = coded[0][0]
            raise rate.error(
                f"RoomTypeCode {rate_code} disagrees with the RoomType's "
                f"RoomTypeCode {code}"
            )
        return [(check_in, check_out, rate_code)]
    starts: list[tuple[dt.date, str]] = []
    for rate, rate_code in coded:
        first = _first_night(rate)
        if first is None:
            raise rate.error(
                "the room type changes mid-stay, but this RoomRate says from which "
                "night on (EffectiveDate) nowhere"
            )
        if not check_in <= first < check_out:
            raise rate.error(f"starts on {first}, outside the stay's nights")
        if any(day == first for day, _ in starts):
            raise rate.error(
                f"starts on {first}, as another RoomRate of this RoomStay does: "
                "which room type is it that night?"
            )
        starts.append((first, rate_code))
    starts.sort()
    if starts[0][0] != check_in:
        raise room_stay.error(
            f"its RoomRates start on {starts[0][0]}, not on the first night {check_in}"
        )
    if code is not None and code not in codes:
        raise room_stay.error(
            f"RoomType's RoomTypeCode {code} is none of the RoomRates' "
            f"({', '.join(sorted(codes))})"
        )
    ends = [s for s, _ in starts[1:]] + [check_out]
    return [(s, e, c) for (s, c), e in zip(starts, ends, strict=True)]


# --- reservations -----------------------------------------------------------------


@dataclass
class _Reservation:
    ref: str | None
    cancelled: bool
    requested: bool = False
    stays: list[Stay] = field(default_factory=list)
    flexible: list[FlexibleStay] = field(default_factory=list)
    room_types: dict[str, dict[str, str]] = field(default_factory=dict)
    hotel: str | None = None


def _ref(reservation: _Node) -> str | None:
    unique_id = reservation.child("UniqueID")
    if unique_id is not None and unique_id.get("ID") is not None:
        return unique_id.get("ID")
    for kind in _HOTEL_REF_TYPES:
        for hotel_id in reservation.find(
            "ResGlobalInfo", "HotelReservationIDs", "HotelReservationID"
        ):
            if hotel_id.get("ResID_Type") == kind and hotel_id.get("ResID_Value"):
                return hotel_id.get("ResID_Value")
    return None


def _room_stay(
    room_stay: _Node, default_span: _Node | None, into: _Reservation
) -> None:
    time_span = room_stay.child("TimeSpan") or default_span
    if time_span is None:
        raise room_stay.error("has no TimeSpan (and ResGlobalInfo has none either)")
    dates = _dates(time_span)
    room_type = _room_type(room_stay)
    rates = room_stay.find("RoomRates", "RoomRate")
    rate_units = [_count(rate, "NumberOfUnits", least=1) for rate in rates]
    rooms = room_type.rooms or next((n for n in rate_units if n), None) or 1
    guests = _guests(room_stay, rooms)
    if room_type.code is not None and room_type.names:
        into.room_types.setdefault(room_type.code, {}).update(room_type.names)
    if isinstance(dates, _Window):
        into.flexible.append(
            FlexibleStay(
                dates.earliest,
                dates.latest,
                dates.nights,
                rooms=rooms,
                room_type=room_type.code,
                guests=guests,
                ref=into.ref,
            )
        )
        return
    for check_in, check_out, code in _pieces(room_stay, *dates, room_type.code):
        into.stays.append(
            Stay(
                check_in,
                check_out,
                rooms=rooms,
                room_type=code,
                guests=guests,
                ref=into.ref,
            )
        )


def _reservation(node: _Node, message_status: str | None) -> _Reservation:
    status = (node.get("ResStatus") or message_status or "").lower()
    out = _Reservation(_ref(node), status in _CANCELLED, status == "requested")
    default_span = node.child("ResGlobalInfo")
    default_span = default_span.child("TimeSpan") if default_span else None
    errors: list[InputError] = []
    for room_stay in node.find("RoomStays", "RoomStay"):
        try:
            _room_stay(room_stay, default_span, out)
        except InputError as error:
            errors.append(error)
    collected = InputError.collect(errors)
    if collected is not None:
        raise collected
    info = next(node.find("ResGlobalInfo", "BasicPropertyInfo"), None)
    out.hotel = info.get("HotelName") if info is not None else None
    return out


def _cancel_request(message: _Node) -> _Reservation:
    unique_id = message.child("UniqueID")
    if unique_id is None or unique_id.get("ID") is None:
        raise message.error("has no UniqueID@ID: which reservation is cancelled?")
    return _Reservation(unique_id.get("ID"), cancelled=True)


def _reservations(message: _Node) -> list[_Reservation]:
    name = _local(message.element.tag)
    where = OTA_MESSAGES[name]
    if where is None:
        return [_cancel_request(message)]
    container, item = where
    errors: list[InputError] = []
    # A later reservation of the same reference replaces an earlier one (a
    # modification is a full overlay); the order of first appearance is kept.
    by_ref: dict[object, _Reservation] = {}
    for index, node in enumerate(message.find(container, item)):
        try:
            reservation = _reservation(node, message.get("ResStatus"))
        except InputError as error:
            errors.append(error)
            continue
        key = reservation.ref if reservation.ref is not None else index
        by_ref[key] = reservation
    collected = InputError.collect(errors)
    if collected is not None:
        raise collected
    return list(by_ref.values())


@dataclass(frozen=True, slots=True)
class OtaReservation:
    """One reservation of a message, read on its own (see :func:`read_reservations`)."""

    key: str | None
    """Its ``UniqueID@ID``; None when it has none."""
    place: str
    """Its element path: ``OTA_HotelResNotifRQ/HotelReservations/
    HotelReservation[2]``."""
    line: int
    stays: tuple[Stay, ...] = ()
    """Its stays; none when it is cancelled or cannot be read."""
    cancelled: bool = False
    flexible: bool = False
    """True when it asks for nights in a window (a ``StartDateWindow``)."""
    error: InputError | None = None
    """Why it cannot be read (naming the element path and line), or None."""


def read_reservations(data: bytes | str) -> list[OtaReservation]:
    """Each reservation of an OTA or AlpineBits message, in message order, with
    its ``UniqueID@ID``: for matching reservations one by one, as an audit does.

    A reservation that cannot be read carries its error, and the others are read
    all the same. Raises :class:`InputError` (naming the element path and line)
    only when the message as a whole cannot be read.
    """
    if isinstance(data, str):
        refuse_surrogates(data)
    root, lines = _parse(data)
    message = _message(root, lines)
    where = OTA_MESSAGES[_local(message.element.tag)]
    if where is None:  # OTA_CancelRQ: one reservation, cancelled
        cancel = _cancel_request(message)
        return [OtaReservation(cancel.ref, message.place, message.line, cancelled=True)]
    found: list[OtaReservation] = []
    for node in message.find(*where):
        unique_id = node.child("UniqueID")
        key = unique_id.get("ID") if unique_id is not None else None
        try:
            reservation = _reservation(node, message.get("ResStatus"))
        except InputError as error:
            found.append(OtaReservation(key, node.place, node.line, error=error))
            continue
        found.append(
            OtaReservation(
                key,
                node.place,
                node.line,
                tuple(reservation.stays),
                cancelled=reservation.cancelled,
                flexible=bool(reservation.flexible),
            )
        )
    return found


def read_ota(data: bytes | str, *, path: Path = ()) -> StaysFile:
    """The stays of an OTA or AlpineBits reservation message.

    A cancelled reservation adds no stays and is listed in ``cancelled``; a quote
    request with a ``StartDateWindow`` is listed in ``flexible``. Errors name the
    element path and line, under ``path``.

    >>> read_ota('''<OTA_HotelResNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05">
    ...   <HotelReservations><HotelReservation><UniqueID ID="A-1"/><RoomStays>
    ...   <RoomStay><TimeSpan Start="2026-03-09" End="2026-03-13"/></RoomStay>
    ...   </RoomStays></HotelReservation></HotelReservations>
    ... </OTA_HotelResNotifRQ>''').stays
    (Stay(check_in=datetime.date(2026, 3, 9), check_out=datetime.date(2026, 3, 13), \
rooms=1, room_type=None, guests=None, ref='A-1'),)
    """
    try:
        if isinstance(data, str):
            refuse_surrogates(data)
        root, lines = _parse(data)
        reservations = _reservations(_message(root, lines))
    except InputError as error:
        raise error.under(path) from None
    stays: list[Stay] = []
    flexible: list[FlexibleStay] = []
    cancelled: list[Cancellation] = []
    room_types: dict[str, dict[str, str]] = {}
    for reservation in reservations:
        for code, names in reservation.room_types.items():
            room_types.setdefault(code, {}).update(names)
        if reservation.cancelled:
            cancelled.append(Cancellation(reservation.ref, tuple(reservation.stays)))
            continue
        stays.extend(reservation.stays)
        flexible.extend(reservation.flexible)
    hotels = {r.hotel for r in reservations if r.hotel is not None}
    live = [r for r in reservations if not r.cancelled]
    return StaysFile(
        stays,
        hotel=hotels.pop() if len(hotels) == 1 else None,
        room_types=room_types,
        cancelled=cancelled,
        flexible=flexible,
        is_request=bool(live) and all(r.requested for r in live),
    )
