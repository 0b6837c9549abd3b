"""The SMTP relay: accept a mail, check it, hand it to the one upstream, and only
then answer the sender.

Nothing is queued here: the sender's DATA is answered after the upstream has
accepted the (changed or unchanged) mail, with ``451`` when the upstream is down
or refuses for now (the sender retries, as every MTA does) and with the
upstream's own permanent code and text when it refuses for good. The sender's
queue is the queue.

Never an open relay: a client sends only after SMTP AUTH (over TLS) as a user of
the users file, or from an address in one of the allowed networks; and every mail
goes to the configured upstream, whatever its recipients.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import aiosmtplib
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from confirmcheck.registry import Registry, retention_cutoff
from confirmcheck.relay.check import (
    CheckSettings,
    Reason,
    Verdict,
    check_mail,
    skipped,
    verdict,
)
from confirmcheck.relay.metrics import Counts, RelayMetrics
from confirmcheck.relay.users import verify_password
from confirmcheck.relay.workers import check_in_worker, worker_pool

__all__ = [
    "DEFAULT_MAX_RECIPIENTS",
    "DEFAULT_MAX_SIZE",
    "DailyPurge",
    "RelayConfig",
    "RelayHandler",
    "Upstream",
    "deliver",
    "serve",
]

#: The largest mail accepted (SIZE): the mail library's own limit.
DEFAULT_MAX_SIZE: Final = 25 * 1024 * 1024
#: Recipients of one mail; RFC 5321 asks servers to take at least 100.
DEFAULT_MAX_RECIPIENTS: Final = 100
#: The longest line taken in DATA (RFC 5322 says 998; some PMSs write longer).
MAX_LINE_BYTES: Final = 64 * 1024
#: Commands of one connection before it is closed with 421: bounds a client that
#: sends RCPT a million times or fails AUTH again and again.
COMMAND_LIMITS: Final = {"RCPT": 10_000, "MAIL": 10_000, "DATA": 10_000, "AUTH": 5}
COMMAND_LIMIT_OTHERS: Final = 10_000

_UNREACHABLE: Final = (
    "451 4.4.1 The upstream mail server cannot be reached; try again later"
)

Clock = Callable[[], dt.datetime]
LogWriter = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Upstream:
    """The hotel's real smart host, where every mail goes."""

    host: str
    port: int
    tls: Literal["starttls", "tls", "none"] = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    tls_context: ssl.SSLContext | None = None


@dataclass(frozen=True, slots=True)
class RelayConfig:
    """Everything the relay needs, read at the edge (the command line)."""

    host: str
    port: int
    upstream: Upstream
    registry: Registry
    settings: CheckSettings = field(default_factory=CheckSettings)
    allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    users: Mapping[str, str] = field(default_factory=dict, repr=False)
    tls_context: ssl.SSLContext | None = None
    hold_incomplete: bool = False
    max_size: int = DEFAULT_MAX_SIZE
    max_recipients: int = DEFAULT_MAX_RECIPIENTS
    idle_timeout: float = 300.0
    retention_days: int = 30
    hostname: str = "confirmcheck-relay"
    #: Check in this many worker processes (each opens ``registry_url``); 0
    #: checks in threads of the relay's own process.
    workers: int = 0
    registry_url: str | None = None


class RelayHandler:
    """aiosmtpd's handler: the access rules, the recipient bound, and DATA."""

    def __init__(
        self,
        config: RelayConfig,
        *,
        clock: Clock,
        metrics: RelayMetrics,
        log: LogWriter,
        pool: Executor | None = None,
    ) -> None:
        self.config = config
        self.pool = pool
        self.clock = clock
        self.metrics = metrics
        self.log = log

    def authenticate(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        """aiosmtpd's authenticator: a user of the users file and his password."""
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        stored = self.config.users.get(user)
        if stored is None or not verify_password(
            auth_data.password.decode("utf-8", "replace"), stored
        ):
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True)

    def _allowed(self, session: Session) -> bool:
        if session.authenticated:
            return True
        if not self.config.allow or not session.peer:
            return False
        try:
            address = ipaddress.ip_address(session.peer[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.config.allow)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if not self._allowed(session):
            if self.config.users:
                return "530 5.7.0 Authentication required"
            return "550 5.7.1 Relaying denied: this client may not send here"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def _check(self, message: bytes) -> Verdict:
        """The mail's verdict, from a worker process or a thread of this one; a
        worker that dies costs a check, never the mail."""
        settings, now = self.config.settings, self.clock()
        if self.pool is None:
            lookup = self.config.registry.get
            return await asyncio.to_thread(
                lambda: verdict(
                    check_mail(message, settings=settings, lookup=lookup, now=now)
                )
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.pool, check_in_worker, message, settings, now
            )
        except Exception:
            return verdict(skipped(message, Reason.INTERNAL_ERROR))

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        started = time.monotonic()
        message = envelope.original_content or b""
        found = await self._check(message)
        record: dict[str, object] = {"event": "mail", "bytes": len(message)}
        record["outcome"] = found.outcome
        if found.reason:
            record["reason"] = found.reason
        if found.hold and self.config.hold_incomplete:
            record["outcome"] = "held"
            reply = found.hold
        else:
            reply, result = await deliver(
                self.config.upstream,
                envelope,
                found.message,
                local_hostname=self.config.hostname,
            )
            self.metrics.upstream(result)
            record["upstream"] = result
        self.metrics.mail(str(record["outcome"]), found.reason)
        record["reply"] = int(reply[:3])
        record["ms"] = round((time.monotonic() - started) * 1000, 1)
        self.log(json.dumps(record))
        return reply


async def deliver(
    upstream: Upstream,
    envelope: Envelope,
    message: bytes,
    *,
    local_hostname: str,
) -> tuple[str, str]:
    """Hand ``message`` to the upstream for the envelope's sender and recipients.

    Returns the reply for the sender and what happened (``accepted``,
    ``temporary``, ``permanent``, ``unreachable``). All or nothing: if the upstream
    refuses any recipient, the mail goes to none of them and the sender gets the
    refusal for the whole mail, so that its retry cannot deliver a second copy.
    """
    client = aiosmtplib.SMTP(
        hostname=upstream.host,
        port=upstream.port,
        use_tls=upstream.tls == "tls",
        start_tls=upstream.tls == "starttls",
        timeout=upstream.timeout,
        local_hostname=local_hostname,
        tls_context=upstream.tls_context,
        username=upstream.user,
        password=upstream.password,
    )
    utf8 = envelope.smtp_utf8 or any(
        o.upper() == "SMTPUTF8" for o in envelope.mail_options
    )
    encoding = "utf-8" if utf8 else "ascii"
    try:
        await client.connect()
    except (aiosmtplib.SMTPException, OSError):
        return _UNREACHABLE, "unreachable"
    try:
        response = await _send(client, envelope, message, encoding)
    except aiosmtplib.SMTPResponseException as error:
        client.close()
        return _refused(error)
    except (aiosmtplib.SMTPException, OSError):
        client.close()
        return "451 4.4.2 The upstream mail server went away; try again later", (
            "unreachable"
        )
    # A polite QUIT once the mail is taken; its reply no longer matters.
    with contextlib.suppress(aiosmtplib.SMTPException, OSError):
        await client.quit()
    client.close()
    if not isinstance(response, aiosmtplib.SMTPResponse):
        return response  # a recipient was refused: nothing was sent
    first = response.message.splitlines()[0] if response.message else ""
    return f"250 2.0.0 Accepted upstream: {_printable(first)}", "accepted"


#: MAIL options passed on, and the extension the upstream must announce for each.
_EXTENSIONS: Final = {"BODY": "8bitmime", "SMTPUTF8": "smtputf8", "SIZE": "size"}


async def _send(
    client: aiosmtplib.SMTP, envelope: Envelope, message: bytes, encoding: str
) -> aiosmtplib.SMTPResponse | tuple[str, str]:
    """MAIL, every RCPT, then DATA; a recipient refused stops it before DATA
    (RSET) and gives the refusal for the whole mail."""
    if client.last_ehlo_response is None:
        await client.ehlo()  # to learn what the upstream supports
    options = _options_for(client, envelope.mail_options)
    await client.mail(envelope.mail_from or "", options=options, encoding=encoding)
    refusals: list[aiosmtplib.SMTPRecipientRefused] = []
    for recipient in envelope.rcpt_tos:
        try:
            await client.rcpt(recipient, encoding=encoding)
        except aiosmtplib.SMTPRecipientRefused as refused:
            refusals.append(refused)
    if refusals:
        await client.rset()
        return _refused(min(refusals, key=lambda r: r.code))
    return await client.data(message)


def _options_for(client: aiosmtplib.SMTP, options: Sequence[str]) -> list[str]:
    """The sender's MAIL options the upstream announced it supports."""
    out: list[str] = []
    for option in options:
        keyword = option.split("=", 1)[0].upper()
        extension = _EXTENSIONS.get(keyword)
        if extension is not None and client.supports_extension(extension):
            out.append(option)
    return out


def _refused(error: Any) -> tuple[str, str]:
    code = int(error.code)
    text = _printable(str(error.message).splitlines()[0] if error.message else "")
    if 500 <= code <= 599:
        return f"{code} {text or '5.0.0 Refused by the upstream'}", "permanent"
    # A temporary refusal (or anything odd) is a 451 here: the sender retries.
    return f"451 4.3.0 The upstream refused for now: {code} {text}", "temporary"


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)[:400]


class DailyPurge:
    """The retention rule, run once per day of the relay's clock."""

    def __init__(self, registry: Registry, *, clock: Clock, days: int) -> None:
        self.registry = registry
        self.clock = clock
        self.days = days
        self.last_day: dt.date | None = None

    def run_if_due(self) -> int | None:
        """Purge if it has not run today; how many requests went, or None."""
        today = self.clock().date()
        if self.last_day == today:
            return None
        removed = self.registry.purge(retention_cutoff(today, self.days))
        self.last_day = today
        return removed


class _RelaySMTP(SMTP):
    line_length_limit = MAX_LINE_BYTES


async def serve(
    config: RelayConfig,
    *,
    clock: Clock,
    metrics: RelayMetrics | None = None,
    log: LogWriter,
    stop: asyncio.Event | None = None,
    purge_check_seconds: float = 600.0,
) -> None:
    """Run the relay until ``stop`` is set (or the task is cancelled)."""
    # aiosmtpd logs every command with its addresses at INFO: guests' data.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    pool = None
    if config.workers > 0 and config.registry_url is not None:
        pool = worker_pool(config.registry_url, config.workers)
    handler = RelayHandler(
        config, clock=clock, metrics=metrics or Counts(), log=log, pool=pool
    )
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        return _RelaySMTP(
            handler,
            data_size_limit=config.max_size,
            enable_SMTPUTF8=True,
            hostname=config.hostname,
            ident="confirmcheck relay",
            tls_context=config.tls_context,
            timeout=config.idle_timeout,
            auth_require_tls=True,
            authenticator=handler.authenticate if config.users else None,
            command_call_limit={"*": COMMAND_LIMIT_OTHERS, **COMMAND_LIMITS},
            loop=loop,
        )

    server = await loop.create_server(protocol, host=config.host, port=config.port)
    bound = server.sockets[0].getsockname()
    log(json.dumps({"event": "listening", "address": f"{bound[0]}:{bound[1]}"}))
    purge = DailyPurge(config.registry, clock=clock, days=config.retention_days)
    stop = stop or asyncio.Event()
    try:
        while not stop.is_set():
            try:
                removed = await asyncio.to_thread(purge.run_if_due)
            except Exception as error:  # the registry may be down; mail goes on
                log(json.dumps({"event": "purge", "error": type(error).__name__}))
            else:
                if removed is not None:
                    log(json.dumps({"event": "purge", "removed": removed}))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), purge_check_seconds)
    finally:
        server.close()
        await server.wait_closed()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
