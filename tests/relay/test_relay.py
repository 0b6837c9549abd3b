"""The relay as a hotel runs it: a process between a sender (smtplib) and the
upstream (a recording sink), all on loopback."""

from __future__ import annotations

import contextlib
import email
import email.policy
import smtplib
import socket
import threading
from email.message import EmailMessage

import pytest

from tests.relay.conftest import StartRelay
from tests.relay.support import WAIT_SECONDS, Sink, confirmation_mail, free_port

GUEST = "guest@example.com"
HOTEL = "reservations@alpenblick.example"


def send(port: int, message: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=WAIT_SECONDS) as client:
        client.sendmail(HOTEL, [GUEST], message)


def first_text(content: bytes) -> str:
    mail = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def test_the_story_arrives_with_the_summary_on_top(
    start_relay: StartRelay, sink: Sink, story_registered_by_webhook: str
) -> None:
    relay = start_relay()
    mail = email.message_from_bytes(
        confirmation_mail(markup=True), policy=email.policy.SMTP
    )
    del mail["X-Reservation-Id"]  # the reference is the markup's reservationNumber
    send(relay.port, mail.as_bytes())
    [received] = sink.mails
    assert (received.mail_from, received.rcpt_tos) == (HOTEL, [GUEST])
    mail = email.message_from_bytes(received.content, policy=email.policy.default)
    assert mail["X-Confirmcheck-Complete"] == "no"
    assert "X-Confirmcheck" not in mail
    text = first_text(received.content)
    assert text.index("NOT BOOKED") < text.index("Dear guest")
    # The missing week under the verdict, said once (the series wording).
    assert "Mon, 9 Mar – Fri, 13 Mar 2026 (4 nights): no room" in text
    line = relay.wait_for(lambda line: line.get("event") == "mail")
    assert line["outcome"] == "incomplete"
    assert line["reply"] == 250
    assert "AB-4711" not in str(relay.seen)  # guest data is never logged


def test_a_mail_without_a_registered_request_goes_on_unchanged(
    start_relay: StartRelay, sink: Sink
) -> None:
    relay = start_relay()
    message = confirmation_mail(ref="UNKNOWN-1")
    send(relay.port, message)
    [received] = sink.mails
    assert received.content == (
        b"X-Confirmcheck: skipped; reason=no-request\r\n" + message
    )
    line = relay.wait_for(lambda line: line.get("event") == "mail")
    assert (line["outcome"], line["reason"]) == ("skipped", "no-request")


def test_a_mail_without_a_reference_says_so(
    start_relay: StartRelay, sink: Sink
) -> None:
    relay = start_relay()
    message = b"From: a@example.com\r\nSubject: hello\r\n\r\nno reservation here\r\n"
    send(relay.port, message)
    assert sink.mails[0].content.startswith(
        b"X-Confirmcheck: skipped; reason=no-reference\r\n"
    )


def test_the_reference_may_come_from_the_subject(
    start_relay: StartRelay, sink: Sink, story_registered: str
) -> None:
    relay = start_relay("--ref-pattern", r"Nr\. (\S+)")
    mail = email.message_from_bytes(confirmation_mail(), policy=email.policy.default)
    del mail["X-Reservation-Id"]
    send(relay.port, mail.as_bytes())
    assert b"X-Confirmcheck-Complete: no" in sink.mails[0].content


def test_upstream_down_is_451_and_the_retry_delivers_one_copy(
    start_relay: StartRelay, sink: Sink, story_registered: str
) -> None:
    relay = start_relay()
    sink.stop()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(relay.port, confirmation_mail())
    assert refused.value.smtp_code == 451
    sink.start()
    send(relay.port, confirmation_mail())
    assert len(sink.mails) == 1
    assert b"X-Confirmcheck-Complete: no" in sink.mails[0].content


def test_a_permanent_refusal_upstream_is_passed_back(
    start_relay: StartRelay, sink: Sink
) -> None:
    sink.recorder.refuse[GUEST] = "550 5.1.1 No such user here"
    relay = start_relay()
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(relay.port, confirmation_mail())
    assert refused.value.smtp_code == 550
    assert b"No such user here" in refused.value.smtp_error
    assert sink.mails == []


def test_hold_refuses_an_incomplete_confirmation(
    start_relay: StartRelay, sink: Sink, story_registered: str
) -> None:
    relay = start_relay("--on-incomplete", "hold")
    with pytest.raises(smtplib.SMTPDataError) as held:
        send(relay.port, confirmation_mail())
    assert held.value.smtp_code == 550
    error = held.value.smtp_error
    assert isinstance(error, bytes)
    assert error.startswith(
        b"5.7.1 NOT BOOKED nights 2026-03-09 to 2026-03-12 (stay 10)"
    )
    assert sink.mails == []


def test_a_client_outside_allow_is_refused(start_relay: StartRelay, sink: Sink) -> None:
    relay = start_relay(access=("--allow", "10.0.0.0/8"))
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(relay.port, confirmation_mail())
    assert refused.value.smtp_code == 550
    assert sink.mails == []


def test_8bitmime_smtputf8_and_crlf_pass_unchanged(
    start_relay: StartRelay, sink: Sink
) -> None:
    relay = start_relay()
    message = (
        "From: hôtel@alpenblick.example\r\nTo: gäst@example.com\r\n"
        "Subject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nZimmer für Sie – bis bald.\r\n"
        ".a line that starts with a dot\r\n"
    ).encode()
    with smtplib.SMTP("127.0.0.1", relay.port, timeout=WAIT_SECONDS) as client:
        client.sendmail(
            "hôtel@alpenblick.example",
            ["gäst@example.com"],
            message,
            mail_options=["SMTPUTF8", "BODY=8BITMIME"],
        )
    [received] = sink.mails
    assert received.rcpt_tos == ["gäst@example.com"]
    assert received.mail_from == "hôtel@alpenblick.example"
    assert {"SMTPUTF8", "BODY=8BITMIME"} <= set(received.mail_options)
    assert received.content == (
        b"X-Confirmcheck: skipped; reason=no-reference\r\n" + message
    )


def big_mail(size: int) -> bytes:
    line = b"x" * 76 + b"\r\n"
    head = b"From: a@example.com\r\nSubject: big\r\n\r\n"
    return head + line * (size // len(line))


def test_20_mb_pass_and_more_than_the_limit_is_552(
    start_relay: StartRelay, sink: Sink
) -> None:
    relay = start_relay("--max-size", str(21 * 1024 * 1024))
    twenty = big_mail(20 * 1024 * 1024)
    send(relay.port, twenty)
    assert sink.mails[0].content.endswith(twenty)
    with pytest.raises(smtplib.SMTPException) as refused:
        send(relay.port, big_mail(22 * 1024 * 1024))
    assert getattr(refused.value, "smtp_code", None) == 552
    assert len(sink.mails) == 1


def raw_client(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=WAIT_SECONDS)
    read_reply(client)  # 220
    return client


def read_reply(client: socket.socket) -> bytes:
    """One whole reply (the last line has a blank after the code)."""
    data = b""
    while True:
        chunk = client.recv(65536)
        if not chunk:
            return data
        data += chunk
        lines = data.split(b"\r\n")
        if len(lines) > 1 and any(
            len(line) >= 4 and line[3:4] == b" " for line in lines[:-1]
        ):
            return data


def test_a_client_that_never_sends_data_is_timed_out_and_others_go_on(
    start_relay: StartRelay, sink: Sink
) -> None:
    # Checks in the relay's own process: a worker's cold start must not take
    # longer than the short idle timeout while the other client waits for DATA.
    relay = start_relay("--idle-timeout", "2", "--workers", "0")
    with raw_client(relay.port) as idle:
        idle.sendall(
            b"EHLO idle\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
        )
        send(relay.port, confirmation_mail(ref="OTHER"))
        assert len(sink.mails) == 1
        # The relay hangs up on the idle client (recv gives the end of the
        # stream, bounded by the socket's timeout).
        while idle.recv(65536):
            pass


def test_a_10_mb_line_is_refused_and_the_session_goes_on(
    start_relay: StartRelay, sink: Sink
) -> None:
    relay = start_relay()
    with raw_client(relay.port) as client:
        client.sendall(b"EHLO long\r\n")
        read_reply(client)
        client.sendall(b"NOOP " + b"x" * (10 * 1024 * 1024) + b"\r\n")
        assert read_reply(client).startswith(b"500")
        client.sendall(b"NOOP\r\n")
        assert read_reply(client).startswith(b"250")
    send(relay.port, confirmation_mail(ref="OTHER"))
    assert len(sink.mails) == 1


def test_a_million_recipients_are_bounded(start_relay: StartRelay, sink: Sink) -> None:
    relay = start_relay()
    flood = b"RCPT TO:<someone@example.com>\r\n" * 1_000_000
    answers, reset = b"", False
    with raw_client(relay.port) as client:
        client.sendall(b"EHLO many\r\nMAIL FROM:<a@example.com>\r\n")

        def write() -> None:
            with contextlib.suppress(OSError):  # the relay hangs up, as it should
                client.sendall(flood)

        writer = threading.Thread(target=write)
        writer.start()
        try:
            # Ends when the relay hangs up; a relay reading on would run into
            # the socket's timeout instead.
            while chunk := client.recv(1 << 20):
                answers += chunk
        except ConnectionResetError:
            reset = True  # it hung up with the flood still unread
        writer.join(timeout=WAIT_SECONDS)
    assert not writer.is_alive()
    # At most MAIL and the 100 recipients the relay takes are accepted.
    assert answers.count(b"250 OK") <= 101
    assert b"452 4.5.3 Too many recipients" in answers or reset
    send(relay.port, confirmation_mail(ref="OTHER"))
    assert len(sink.mails) == 1


def test_one_refused_recipient_holds_the_mail_for_all(
    start_relay: StartRelay, sink: Sink
) -> None:
    sink.recorder.refuse["gone@example.com"] = "550 5.1.1 No such user here"
    relay = start_relay()
    with (
        smtplib.SMTP("127.0.0.1", relay.port, timeout=WAIT_SECONDS) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.sendmail(HOTEL, [GUEST, "gone@example.com"], confirmation_mail())
    assert refused.value.smtp_code == 550
    assert sink.mails == []  # so the sender's bounce or retry delivers no copy twice


def test_the_counters_are_served_for_prometheus(
    start_relay: StartRelay, sink: Sink
) -> None:
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    port = free_port()
    relay = start_relay("--metrics-listen", f"127.0.0.1:{port}")
    send(relay.port, confirmation_mail(ref="UNKNOWN-1"))
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=WAIT_SECONDS) as answer:
        text = answer.read().decode()
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    mails = ("confirmcheck_relay_mails_total",
             (("outcome", "skipped"), ("reason", "no-request")))  # fmt: skip
    assert samples[mails] == 1.0
    upstream = ("confirmcheck_relay_upstream_total", (("result", "accepted"),))
    assert samples[upstream] == 1.0
