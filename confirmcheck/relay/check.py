"""What the relay does to one passing mail: check it, or say why it did not.

:func:`check_mail` takes the mail's bytes and a way to look a reference up in the
registry, and returns what to forward: the mail with the summary on top
(:class:`Checked`), or the mail unchanged but for one header
``X-Confirmcheck: skipped; reason=...`` (:class:`Skipped`). It never raises for a
mail: whatever it cannot handle is forwarded, visibly, because a confirmation that
reaches the guest unchecked is better than one that never does. No network, no
clock (``now`` is given), no logging here; the server does those.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from enum import StrEnum
from typing import Final

from confirmcheck.compare import compare
from confirmcheck.errors import InputError
from confirmcheck.readers.json import StaysFile, hotel_of, room_types_of
from confirmcheck.registry import (
    Entry,
    RegistryError,
    check_ref,
    for_reservation,
    read_document,
    references,
)
from confirmcheck.report import Report
from confirmcheck.stay import Series, Stay

__all__ = [
    "SKIPPED_HEADER",
    "CheckSettings",
    "Checked",
    "Outcome",
    "Reason",
    "Skipped",
    "Verdict",
    "check_mail",
    "find_reference",
    "hold_reply",
    "skipped",
    "verdict",
]

SKIPPED_HEADER: Final = "X-Confirmcheck"
#: How much of the mail's text a --ref-pattern searches.
MAX_SEARCHED_CHARS: Final = 1024 * 1024
_SIGNED_TYPES: Final = frozenset(
    {
        "multipart/signed",
        "multipart/encrypted",
        "application/pkcs7-mime",
        "application/x-pkcs7-mime",
    }
)


class Reason(StrEnum):
    """Why a mail was forwarded unchanged (the header's and the metric's words)."""

    NO_REFERENCE = "no-reference"
    NO_REQUEST = "no-request"
    UNREADABLE_REQUEST = "unreadable-request"
    NO_CONFIRMED = "no-confirmed"
    UNREADABLE_CONFIRMED = "unreadable-confirmed"
    SIGNED = "signed"
    DKIM = "dkim"
    UNSUPPORTED_MAIL = "unsupported-mail"
    REGISTRY_UNAVAILABLE = "registry-unavailable"
    INTERNAL_ERROR = "internal-error"


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """How the relay finds the reservation and words the summary."""

    ref_header: str | None = None
    ref_pattern: re.Pattern[str] | None = None
    locale: str | None = None
    allow_dkim: bool = False
    attach_calendar: bool = True


@dataclass(frozen=True, slots=True)
class Checked:
    """The mail was checked: ``message`` carries the summary."""

    message: bytes
    report: Report

    @property
    def complete(self) -> bool:
        return self.report.complete


@dataclass(frozen=True, slots=True)
class Skipped:
    """The mail goes on unchanged but for the skipped header."""

    message: bytes
    reason: Reason


Outcome = Checked | Skipped
Lookup = Callable[[str], Entry | None]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the relay does with an outcome, small enough to pass between
    processes: the bytes to forward, the outcome's name (complete, incomplete,
    skipped), the skip reason, and the 550 reply that would hold an incomplete
    confirmation."""

    message: bytes
    outcome: str
    reason: str = ""
    hold: str = ""


def verdict(outcome: Outcome) -> Verdict:
    """The :class:`Verdict` of an outcome."""
    if isinstance(outcome, Skipped):
        return Verdict(outcome.message, "skipped", outcome.reason.value)
    if outcome.complete:
        return Verdict(outcome.message, "complete")
    return Verdict(outcome.message, "incomplete", hold=hold_reply(outcome.report))


def check_mail(
    message: bytes,
    *,
    settings: CheckSettings,
    lookup: Lookup,
    now: dt.datetime,
) -> Outcome:
    """Check one passing mail; never raises for what the mail holds."""
    try:
        return _check(message, settings, lookup, now)
    except RegistryError:
        return skipped(message, Reason.REGISTRY_UNAVAILABLE)
    except Exception:  # a bug must not stop a confirmation: forward it, visibly
        return skipped(message, Reason.INTERNAL_ERROR)


def _check(
    message: bytes, settings: CheckSettings, lookup: Lookup, now: dt.datetime
) -> Outcome:
    from confirmcheck.mail import MailError, attach_summary, mail_date

    # compat32 reads headers as plain strings: the relay looks at a few of them,
    # and the default policy's header objects cost more than the whole diff.
    mail = BytesParser(policy=email.policy.compat32).parsebytes(message)
    try:
        markup = _markup(message)
    except InputError:
        markup, broken_markup = None, True
    else:
        broken_markup = False
    ref = _reference_in(markup) or find_reference(mail, settings)
    if ref is None:
        # Markup that does not read is the likelier cause than a missing one.
        why = Reason.UNREADABLE_CONFIRMED if broken_markup else Reason.NO_REFERENCE
        return skipped(message, why)
    entry = lookup(ref)
    if entry is None:
        return skipped(message, Reason.NO_REQUEST)
    if mail.get_content_type() in _SIGNED_TYPES:
        return skipped(message, Reason.SIGNED)
    if "DKIM-Signature" in mail and not settings.allow_dkim:
        return skipped(message, Reason.DKIM)
    try:
        requested = read_document(entry.requested, path=("requested",))
    except InputError:
        return skipped(message, Reason.UNREADABLE_REQUEST)
    if broken_markup:
        return skipped(message, Reason.UNREADABLE_CONFIRMED)
    try:
        confirmed = markup or _calendars_in(mail)
        if confirmed is None and entry.confirmed is not None:
            confirmed = read_document(entry.confirmed, path=("confirmed",))
    except InputError:
        return skipped(message, Reason.UNREADABLE_CONFIRMED)
    if confirmed is None:
        return skipped(message, Reason.NO_CONFIRMED)
    try:
        report = compare(for_reservation(requested, ref), confirmed)
    except InputError:
        return skipped(message, Reason.UNREADABLE_CONFIRMED)
    stamp = None if mail_date(message) is not None else now
    try:
        changed = attach_summary(
            message,
            report,
            locale=settings.locale,
            attach_calendar=settings.attach_calendar,
            stamp=stamp,
            # As the webhook words it: the hotel, the confirmed references and
            # the hotel's names of its rooms.
            hotel=hotel_of(requested, confirmed),
            confirmed=confirmed.stays,
            room_types=room_types_of(requested, confirmed),
            allow_dkim=settings.allow_dkim,
        )
    except MailError:
        return skipped(message, Reason.UNSUPPORTED_MAIL)
    return Checked(changed, report)


def skipped(message: bytes, reason: Reason) -> Skipped:
    """The mail with ``X-Confirmcheck: skipped; reason=...`` on top, in the mail's
    own line ending; nothing else of it changes."""
    end = message.find(b"\n")
    newline = b"\r\n" if end > 0 and message[end - 1 : end] == b"\r" else b"\n"
    if end < 0:
        newline = b"\r\n"
    header = f"{SKIPPED_HEADER}: skipped; reason={reason.value}".encode("ascii")
    return Skipped(header + newline + message, reason)


def find_reference(mail: Message, settings: CheckSettings) -> str | None:
    """The reservation's reference: the configured header, else the first match of
    the configured pattern in the subject, else in the text of the mail."""
    if settings.ref_header is not None:
        value = _header(mail, settings.ref_header).strip()
        if _usable(value):
            return value
    pattern = settings.ref_pattern
    if pattern is None:
        return None
    for text in (_header(mail, "Subject"), _text_of(mail)):
        match = pattern.search(text)
        if match is not None:
            found = match.group(1) if pattern.groups else match.group(0)
            if found is not None and _usable(found):
                return found
    return None


def _usable(ref: str) -> bool:
    try:
        check_ref(ref)
    except InputError:
        return False
    return True


def _header(mail: Message, name: str) -> str:
    """A header's text with RFC 2047 encoded words decoded ("" when absent)."""
    value = mail.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, ValueError, UnicodeError):
        return str(value)


def _text_of(mail: Message) -> str:
    """The mail's text bodies (plain and HTML) as the guest reads them, bounded."""
    pieces: list[str] = []
    size = 0
    for part in mail.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_subtype() not in ("plain", "html"):
            continue
        if part.get_content_disposition() == "attachment":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        try:
            text = data.decode(part.get_content_charset() or "utf-8", "replace")
        except LookupError:  # a charset Python does not know
            text = data.decode("utf-8", "replace")
        pieces.append(text[: MAX_SEARCHED_CHARS - size])
        size += len(pieces[-1])
        if size >= MAX_SEARCHED_CHARS:
            break
    return "\n".join(pieces)


def _markup(message: bytes) -> StaysFile | None:
    """The confirmed stays of the mail's schema.org ``LodgingReservation`` markup,
    or None when it has none; broken markup is an :class:`InputError`."""
    from confirmcheck.readers.schemaorg import read_schemaorg

    # Markup names its type in the HTML; a mail without the word has none, and
    # is not parsed for it.
    if b"LodgingReservation" not in message:
        return None
    return read_schemaorg(message)


def _reference_in(markup: StaysFile | None) -> str | None:
    """The markup's ``reservationNumber`` (the first one), when it is usable."""
    if markup is None:
        return None
    refs = [ref for ref in references(markup) if _usable(ref)]
    refs += [c.ref for c in markup.cancelled if c.ref and _usable(c.ref)]
    return refs[0] if refs else None


def _calendars_in(mail: Message) -> StaysFile | None:
    """The confirmed stays of the mail's attached calendars (not confirmcheck's
    own booking-summary.ics), or None when it carries none."""
    from confirmcheck.mail import CALENDAR_FILENAME

    found: list[Stay | Series] | None = None
    for index, part in enumerate(mail.walk()):
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        if name == CALENDAR_FILENAME:
            continue
        if part.get_content_type() != "text/calendar" and not name.lower().endswith(
            ".ics"
        ):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        calendar = read_document(data, path=("mail", "part", index))
        found = (found or []) + list(calendar.stays)
    return None if found is None else StaysFile(found)


def hold_reply(report: Report) -> str:
    """The 550 reply that holds an incomplete confirmation, naming what is wrong.

    >>> from confirmcheck import Stay, diff
    >>> print(hold_reply(diff([Stay(dt.date(2026, 3, 9), dt.date(2026, 3, 13))], [])))
    550 5.7.1 NOT BOOKED nights 2026-03-09 to 2026-03-12 (stay 1); the confirmation
    is held: correct the booking and send it again
    """
    parts: list[str] = []
    for label, ranges in (
        ("NOT BOOKED nights", report.not_booked),
        ("booked differently", report.booked_differently),
        ("booked but not requested", report.unrequested),
    ):
        if not ranges:
            continue
        shown = [
            f"{r.check_in.isoformat()} to "
            f"{(r.check_out - dt.timedelta(days=1)).isoformat()}"
            + (f" (stay {r.stay})" if r.stay is not None else "")
            for r in ranges[:3]
        ]
        more = f" and {len(ranges) - 3} more" if len(ranges) > 3 else ""
        parts.append(f"{label} {', '.join(shown)}{more}")
    return (
        "550 5.7.1 "
        + "; ".join(parts)
        + "; the confirmation is held: correct the booking and send it again"
    )
