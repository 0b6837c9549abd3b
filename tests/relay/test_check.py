"""What the relay does to one mail, without a network: check it or say why not."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from confirmcheck.registry import Entry, RegistryError, make_entries, make_entry
from confirmcheck.relay.check import (
    Checked,
    CheckSettings,
    Reason,
    Skipped,
    check_mail,
    hold_reply,
)
from confirmcheck.relay.metrics import Counts, prometheus_metrics
from confirmcheck.relay.server import DailyPurge
from tests.relay.support import STORY, confirmation_mail, story_markup

NOW = dt.datetime(2025, 12, 3, 9, 0, tzinfo=dt.UTC)
BY_HEADER = CheckSettings(ref_header="X-Reservation-Id")


def story(*, confirmed: bool = False) -> Entry:
    return make_entry(
        "AB-4711",
        (STORY / "requested.json").read_bytes(),
        stored_at=NOW,
        confirmed=(STORY / "confirmed.json").read_bytes() if confirmed else None,
    )


def check(
    message: bytes, entry: Entry | None, settings: CheckSettings = BY_HEADER
) -> Checked | Skipped:
    """check_mail with a registry holding ``entry`` only."""
    return check_mail(
        message,
        settings=settings,
        lookup=lambda ref: entry if entry and ref == entry.ref else None,
        now=NOW,
    )


def reason(outcome: Checked | Skipped) -> Reason:
    assert isinstance(outcome, Skipped)
    return outcome.reason


def edited(**changes: str | None) -> bytes:
    mail = email.message_from_bytes(confirmation_mail(), policy=email.policy.SMTP)
    assert isinstance(mail, EmailMessage)
    for name, value in changes.items():
        del mail[name.replace("_", "-")]
        if value is not None:
            mail[name.replace("_", "-")] = value
    return mail.as_bytes()


def test_the_confirmed_stays_may_come_from_the_registry() -> None:
    outcome = check(confirmation_mail(calendar=False), story(confirmed=True))
    assert isinstance(outcome, Checked)
    assert [r.stay for r in outcome.report.not_booked] == [10]


def test_without_confirmed_stays_anywhere_it_is_skipped() -> None:
    outcome = check(confirmation_mail(calendar=False), story())
    assert reason(outcome) is Reason.NO_CONFIRMED


def test_a_dkim_signed_mail_is_skipped_unless_allowed() -> None:
    signed = edited(DKIM_Signature="v=1; a=rsa-sha256; d=example.com; b=abc")
    assert reason(check(signed, story())) is Reason.DKIM
    allowed = CheckSettings(ref_header="X-Reservation-Id", allow_dkim=True)
    assert isinstance(check(signed, story(), allowed), Checked)


def test_an_s_mime_signed_mail_is_skipped() -> None:
    message = (
        b"X-Reservation-Id: AB-4711\r\nContent-Type: multipart/signed; "
        b'protocol="application/pkcs7-signature"; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"
    )
    assert reason(check(message, story())) is Reason.SIGNED


def test_an_unreadable_stored_request_is_skipped() -> None:
    broken = Entry("AB-4711", b"not stays", dt.date(2026, 1, 1), NOW)
    assert reason(check(confirmation_mail(), broken)) is Reason.UNREADABLE_REQUEST


def test_an_unreadable_attached_calendar_is_skipped() -> None:
    message = confirmation_mail(calendar=False).replace(
        b"Content-Type: text/plain", b"Content-Type: text/calendar"
    )
    assert reason(check(message, story())) is Reason.UNREADABLE_CONFIRMED


def test_a_registry_that_cannot_be_reached_is_skipped() -> None:
    def down(ref: str) -> Entry | None:
        raise RegistryError("sqlite:/x.db: disk I/O error")

    outcome = check_mail(confirmation_mail(), settings=BY_HEADER, lookup=down, now=NOW)
    assert reason(outcome) is Reason.REGISTRY_UNAVAILABLE


def test_a_bug_forwards_the_mail_as_it_came() -> None:
    def bug(ref: str) -> Entry | None:
        raise KeyError(ref)

    message = confirmation_mail()
    outcome = check_mail(message, settings=BY_HEADER, lookup=bug, now=NOW)
    assert reason(outcome) is Reason.INTERNAL_ERROR
    assert outcome.message.endswith(message)


def test_the_skipped_header_takes_the_mails_line_ending() -> None:
    message = b"Subject: hello\n\nno reservation\n"
    outcome = check(message, None)
    assert outcome.message == (
        b"X-Confirmcheck: skipped; reason=no-reference\n" + message
    )


@pytest.mark.parametrize(
    ("pattern", "subject", "found"),
    [
        (r"Nr\. (\S+)", "Buchung Nr. AB-4711", True),
        (r"AB-\d+", "Ihre Buchung AB-4711", True),  # no group: the whole match
        (r"Nr\. (\S+)", "Buchung AB-4711", False),
    ],
)
def test_the_reference_pattern(pattern: str, subject: str, found: bool) -> None:
    message = edited(X_Reservation_Id=None, Subject=subject)
    settings = CheckSettings(ref_pattern=re.compile(pattern))
    outcome = check(message, story(), settings)
    assert isinstance(outcome, Checked) is found


def test_the_pattern_also_searches_the_text() -> None:
    message = edited(X_Reservation_Id=None, Subject="Your booking").replace(
        b"thank you for your booking.", b"booking number AB-4711."
    )
    settings = CheckSettings(ref_pattern=re.compile(r"number (\S+)\."))
    assert isinstance(check(message, story(), settings), Checked)


def test_the_hold_reply_names_every_kind_and_bounds_its_length() -> None:
    from confirmcheck import Stay, diff

    requested = [
        Stay(dt.date(2026, 3, day), dt.date(2026, 3, day + 1)) for day in (2, 4, 6, 8)
    ]
    reply = hold_reply(diff(requested, []))
    assert reply.startswith("550 5.7.1 NOT BOOKED nights 2026-03-02 to 2026-03-02")
    assert "and 1 more" in reply


class Clock:
    def __init__(self, when: dt.datetime) -> None:
        self.when = when

    def __call__(self) -> dt.datetime:
        return self.when


class Purged:
    def __init__(self) -> None:
        self.cutoffs: list[dt.date] = []

    def purge(self, day: dt.date) -> int:
        self.cutoffs.append(day)
        return 2


def test_the_purge_runs_once_a_day() -> None:
    clock = Clock(dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC))
    registry = Purged()
    purge = DailyPurge(registry, clock=clock, days=30)  # type: ignore[arg-type]
    assert purge.run_if_due() == 2
    assert purge.run_if_due() is None
    clock.when += dt.timedelta(hours=2)
    assert purge.run_if_due() == 2
    assert registry.cutoffs == [dt.date(2026, 5, 31), dt.date(2026, 6, 1)]


def test_the_counts_and_the_prometheus_counters() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    counts = Counts()
    counts.mail("skipped", "no-request")
    counts.upstream("accepted")
    assert counts.mails["skipped", "no-request"] == 1
    collector = CollectorRegistry()
    metrics = prometheus_metrics(collector)
    metrics.mail("skipped", "no-request")
    metrics.upstream("temporary")
    text = generate_latest(collector).decode()
    assert (
        'confirmcheck_relay_mails_total{outcome="skipped",reason="no-request"} 1.0'
        in text
    )
    assert 'confirmcheck_relay_upstream_total{result="temporary"} 1.0' in text


GUEST_REQUESTS = (
    Path(__file__).parent / "data" / "guest-requests-two.xml"
).read_bytes()


def test_guest_requests_are_stored_under_each_unique_id() -> None:
    entries = make_entries(GUEST_REQUESTS, stored_at=NOW)
    assert [(e.ref, e.last_night) for e in entries] == [
        ("GR-1001", dt.date(2026, 3, 12)),
        ("GR-1002", dt.date(2026, 4, 3)),
    ]
    # Each reservation is checked against its own request only.
    markup_mail = confirmation_mail(ref="GR-1002", markup=True, calendar=False)
    outcome = check(markup_mail, entries[1], CheckSettings())
    assert isinstance(outcome, Checked)
    assert [(s.check_in, s.room_type) for s in outcome.report.stays] == [
        (dt.date(2026, 4, 1), "single")
    ]


def test_the_reference_comes_from_the_markup_first() -> None:
    message = edited(X_Reservation_Id="SOMETHING-ELSE")
    marked = confirmation_mail(markup=True)
    outcome = check(marked, story(), CheckSettings())
    assert isinstance(outcome, Checked)
    assert [r.stay for r in outcome.report.not_booked] == [10]
    assert reason(check(message.replace(b"AB-4711", b"ZZ"), story())) is (
        Reason.NO_REQUEST
    )


def test_broken_markup_is_skipped_as_unreadable() -> None:
    mail = EmailMessage()
    mail["Subject"] = "Ihre Buchung"
    mail.set_content("Dear guest")
    html = story_markup("AB-4711").replace('"2026-01-05"', '"2026-13-05"')
    mail.add_alternative(html, subtype="html")
    broken = mail.as_bytes()
    assert reason(check(broken, story(), CheckSettings())) is (
        Reason.UNREADABLE_CONFIRMED
    )


def test_the_summary_names_the_confirmed_references_and_the_hotels_room_names() -> None:
    # As the webhook's /v1/attach and `confirmcheck check` word it: the
    # references of what is booked, and the room as the hotel names it in the
    # guest's language (the confirmed document's room_types).
    settings = CheckSettings(ref_header="X-Reservation-Id", locale="de")
    outcome = check(confirmation_mail(calendar=False), story(confirmed=True), settings)
    assert isinstance(outcome, Checked)
    mail = email.message_from_bytes(outcome.message, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(("plain",))
    assert body is not None
    text = re.sub(r"\s+", " ", body.get_content())
    assert "AB-4711 – AB-4719, AB-4721 – AB-4730" in text
    assert "Einzelzimmer" in text
