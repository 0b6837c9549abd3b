"""The service's settings, read from ``CONFIRMCHECK_*`` environment variables.

The environment is read at the edge only (:func:`webhook.create_app` without a test
config, and the ``confirmcheck-webhook`` command); everything below receives a
:class:`Config`. A setting that is missing or malformed stops start-up with a message
that names the variable: a webhook that silently runs without its secret is worse
than one that does not run.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.util import find_spec

from confirmcheck import ConfirmcheckError, resolve_locale

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TOLERANCE_SECONDS",
    "ENV_PREFIX",
    "MIN_SECRET_BYTES",
    "MIN_TOKEN_CHARS",
    "SETTINGS",
    "Config",
    "ConfigError",
    "PreviewUser",
    "config_from_env",
    "decode_secret",
    "read_preview_users",
    "unknown_variables",
]

ENV_PREFIX = "CONFIRMCHECK_"
DEFAULT_TOLERANCE_SECONDS = 300
#: 4 MiB: a confirmation mail of about 3 MB (base64 in the body) and the most stays;
#: with it the largest request costs about 1 s of CPU at most (benchmarks/README.md).
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
#: A signing key shorter than this is refused; Standard Webhooks asks for 24 to 64.
MIN_SECRET_BYTES = 16
MIN_TOKEN_CHARS = 16
SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret

#: The service's variables (without the prefix) and what each one sets; serving
#: variables are read by the ``confirmcheck-webhook`` command (its ``serve``).
SETTINGS: Mapping[str, str] = {
    "SECRET": "signing secrets (whsec_...), separated by spaces; required",
    "SECRET_FILE": "a file holding the signing secrets, instead of SECRET",
    "TOLERANCE_SECONDS": "how far webhook-timestamp may be from now",
    "MAX_BODY_BYTES": "largest request body accepted",
    "DEFAULT_LOCALE": "locale of the summary when a request names none",
    "ATTACH_CALENDAR": "whether /v1/attach adds booking-summary.ics",
    "SUBJECT_PREFIX": "prefix /v1/attach puts before the mail's subject",
    "ALLOW_DKIM": "whether /v1/attach changes mails with a DKIM-Signature",
    "BEARER_TOKEN": "static bearer token accepted instead of a signature",
    "PREVIEW": "whether the preview page for hotel staff is served at /preview",
    "PREVIEW_USERS": "who may open the preview: name:hash entries separated by "
    "blanks (hashes from `confirmcheck-webhook hash-password`)",
    "REGISTRY": "request registry URL (sqlite:///... or postgresql://...); "
    "enables /v1/requests/{ref}",
    "BIND": "address the command listens on",
    "WORKERS": "number of gunicorn worker processes",
    "THREADS": "threads per gunicorn worker",
    "TIMEOUT_SECONDS": "seconds before gunicorn restarts a silent worker",
    "METRICS": "whether GET /metrics serves Prometheus metrics",
    "METRICS_TOKEN": "bearer token GET /metrics asks for, if set",
}
#: OpenTelemetry's own variables; either one turns tracing on (the otel extra).
OTEL_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
#: A secret file larger than this is not a file of secrets.
MAX_SECRET_FILE_BYTES = 64 * 1024

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_BASE64 = re.compile(r"[A-Za-z0-9+/]*")
# What werkzeug.security.generate_password_hash writes: method$salt$hex digest,
# the method scrypt[:n:r:p] or pbkdf2:<hash>[:iterations].
_PASSWORD_HASH = re.compile(
    r"(scrypt(:[0-9]+){0,3}|pbkdf2:[a-z0-9_]+(:[0-9]+)?)\$[^$\s]+\$[0-9a-f]+"
)
_USER_NAME = re.compile(r"[^\s:]+")


@dataclass(frozen=True, slots=True)
class PreviewUser:
    """A person who may open the preview page: a name and a werkzeug password hash."""

    name: str
    password_hash: str = field(repr=False)


class ConfigError(ConfirmcheckError):
    """Settings the service cannot start with; the message names every variable."""


@dataclass(frozen=True, slots=True)
class Config:
    """What the service needs to know, explicitly, instead of the environment.

    ``keys`` are the raw HMAC keys of the configured ``whsec_`` secrets, tried in
    order (several for rotation). ``now`` gives the current Unix time; tests pass a
    fixed clock instead of sleeping.
    """

    keys: tuple[bytes, ...] = field(repr=False)
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    default_locale: str = "en"
    attach_calendar: bool = True
    subject_prefix: str | None = None
    allow_dkim: bool = False
    bearer_token: str | None = field(default=None, repr=False)
    preview: bool = False
    preview_users: tuple[PreviewUser, ...] = field(default=(), repr=False)
    #: ``--dev`` on loopback: the preview needs no credentials.
    preview_open: bool = False
    metrics: bool = False
    metrics_token: str | None = field(default=None, repr=False)
    tracing: bool = False
    registry_url: str | None = field(default=None, repr=False)
    now: Callable[[], float] = field(default=time.time, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ConfigError("at least one signing key is needed")
        if any(len(key) < MIN_SECRET_BYTES for key in self.keys):
            raise ConfigError(
                f"a signing key must have {MIN_SECRET_BYTES} bytes or more"
            )
        if self.tolerance_seconds < 1:
            raise ConfigError("the timestamp tolerance must be at least 1 second")
        if self.max_body_bytes < 1024:
            raise ConfigError("the body size limit must be at least 1024 bytes")
        if self.preview and not self.preview_open and not self.preview_users:
            raise ConfigError(
                f"{ENV_PREFIX}PREVIEW is on but {ENV_PREFIX}PREVIEW_USERS names "
                "nobody: give name:hash entries (`confirmcheck-webhook "
                "hash-password` prints a hash)"
            )


def decode_secret(text: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret, as Standard Webhooks defines it.

    Padding may be left out, as the specification's own client allows; anything
    but base64 after the prefix is refused rather than skipped.
    """
    if not text.startswith(SECRET_PREFIX):
        raise ConfigError(f"a secret must start with {SECRET_PREFIX}")
    body = text[len(SECRET_PREFIX) :].rstrip("=")
    if not _BASE64.fullmatch(body) or len(body) % 4 == 1:
        raise ConfigError(f"the part after {SECRET_PREFIX} must be base64")
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error:  # pragma: no cover - excluded by the pattern above
        raise ConfigError(f"the part after {SECRET_PREFIX} must be base64") from None
    if len(key) < MIN_SECRET_BYTES:
        raise ConfigError(
            f"the key has {len(key)} bytes; use {MIN_SECRET_BYTES} or more "
            "(Standard Webhooks recommends 24 to 64)"
        )
    return key


def read_preview_users(text: str) -> tuple[PreviewUser, ...]:
    """The ``name:hash`` entries of ``CONFIRMCHECK_PREVIEW_USERS``, separated by
    blanks; a :class:`ConfigError` naming the first malformed entry by its number
    (never its text, which holds a hash)."""
    users: list[PreviewUser] = []
    for number, entry in enumerate(text.split(), 1):
        name, sep, password_hash = entry.partition(":")
        if not sep or not _USER_NAME.fullmatch(name):
            raise ConfigError(
                f"entry {number} is not name:hash (a name without blanks or colons, "
                "a colon, a password hash)"
            )
        if not _PASSWORD_HASH.fullmatch(password_hash):
            raise ConfigError(
                f"entry {number} ({name}): the part after the first colon is not a "
                "werkzeug password hash (method$salt$digest); make one with "
                "`confirmcheck-webhook hash-password`"
            )
        if any(user.name == name for user in users):
            raise ConfigError(f"entry {number}: {name} is named twice")
        users.append(PreviewUser(name, password_hash))
    return tuple(users)


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError("must be true or false (also 1/0, yes/no, on/off)")


def _integer(text: str, low: int, high: int) -> int:
    value = text.strip()
    if not value.isdigit():
        raise ConfigError(f"must be a whole number from {low} to {high}")
    number = int(value)
    if not low <= number <= high:
        raise ConfigError(f"must be from {low} to {high}, not {number}")
    return number


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """``CONFIRMCHECK_*`` variables that are not settings (likely typos)."""
    return sorted(
        name
        for name in environ
        if name.startswith(ENV_PREFIX) and name[len(ENV_PREFIX) :] not in SETTINGS
    )


def config_from_env(
    environ: Mapping[str, str],
    *,
    now: Callable[[], float] = time.time,
    keys: tuple[bytes, ...] | None = None,
    open_preview: bool = False,
) -> Config:
    """The service's settings from ``environ`` (``CONFIRMCHECK_*`` variables).

    ``keys`` replaces ``CONFIRMCHECK_SECRET`` (the development mode's one-time
    secret); ``open_preview`` serves the preview page without credentials (the
    development mode, on loopback). Raises :class:`ConfigError` listing every bad
    variable.
    """
    problems: list[str] = []
    values: dict[str, object] = {}

    def read(name: str, convert: Callable[[str], object]) -> None:
        text = environ.get(ENV_PREFIX + name)
        if text is None or not text.strip():
            return
        try:
            values[name.lower()] = convert(text)
        except ConfigError as error:
            problems.append(f"{ENV_PREFIX}{name}: {error}")

    if keys is None:
        source, secrets = _secrets(environ, problems)
        if not secrets and not problems:
            problems.append(
                f"{ENV_PREFIX}SECRET is not set: give one or more {SECRET_PREFIX} "
                "secrets separated by spaces, or name a file holding them in "
                f"{ENV_PREFIX}SECRET_FILE (or start `confirmcheck-webhook --dev` "
                "for a one-time secret on 127.0.0.1)"
            )
        found: list[bytes] = []
        for index, secret in enumerate(secrets, 1):
            try:
                found.append(decode_secret(secret))
            except ConfigError as error:
                problems.append(f"{source}, secret {index}: {error}")
        keys = tuple(found)

    read("TOLERANCE_SECONDS", lambda t: _integer(t, 1, 24 * 3600))
    read("MAX_BODY_BYTES", lambda t: _integer(t, 1024, 1024**3))
    read("DEFAULT_LOCALE", lambda t: _locale(t.strip()))
    read("ATTACH_CALENDAR", _boolean)
    read("SUBJECT_PREFIX", _subject_prefix)
    read("ALLOW_DKIM", _boolean)
    read("BEARER_TOKEN", _token)
    read("PREVIEW", _boolean)
    read("PREVIEW_USERS", read_preview_users)
    if open_preview:
        values["preview"] = True
    read("METRICS", _boolean)
    read("METRICS_TOKEN", _token)
    if any(environ.get(name, "").strip() for name in OTEL_ENDPOINTS):
        values["tracing"] = True
        if not _installed("opentelemetry.instrumentation.flask"):
            problems.append(
                f"{OTEL_ENDPOINTS[0]} is set, but tracing needs the otel extra: "
                "pip install 'confirmcheck[otel]'"
            )
    read("REGISTRY", _registry_url)
    if problems:
        raise ConfigError("; ".join(problems))
    return Config(
        keys=keys,
        now=now,
        preview_open=open_preview,
        **{"registry_url" if k == "registry" else k: v for k, v in values.items()},  # type: ignore[arg-type]
    )


def _secrets(environ: Mapping[str, str], problems: list[str]) -> tuple[str, list[str]]:
    """The secrets' texts, from the variable or from the file it names."""
    given = environ.get(ENV_PREFIX + "SECRET", "").split()
    path = environ.get(ENV_PREFIX + "SECRET_FILE", "").strip()
    if not path:
        return f"{ENV_PREFIX}SECRET", given
    name = f"{ENV_PREFIX}SECRET_FILE"
    if given:
        problems.append(f"set {ENV_PREFIX}SECRET or {name}, not both")
        return name, []
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_SECRET_FILE_BYTES + 1)
    except OSError as error:
        problems.append(f"{name}: cannot read {path} ({error.strerror})")
        return name, []
    if len(data) > MAX_SECRET_FILE_BYTES:
        problems.append(f"{name}: {path} has more than {MAX_SECRET_FILE_BYTES} bytes")
        return name, []
    try:
        secrets = data.decode("ascii").split()
    except UnicodeDecodeError:
        problems.append(f"{name}: {path} is not ASCII text")
        return name, []
    if not secrets:
        problems.append(f"{name}: {path} holds no secret")
    return name, secrets


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def _locale(tag: str) -> str:
    try:
        resolve_locale(tag)
    except ConfirmcheckError as error:
        raise ConfigError(str(error)) from None
    return tag


def _subject_prefix(text: str) -> str:
    # The mail module's own rules, checked once at start-up rather than failing
    # every request.
    from confirmcheck.mail import MAX_PREFIX_CHARS

    prefix = text.strip()
    if not prefix.isprintable():
        raise ConfigError("must be one line of printable text (no line breaks)")
    if len(prefix) > MAX_PREFIX_CHARS:
        raise ConfigError(f"must have at most {MAX_PREFIX_CHARS} characters")
    return prefix


def _token(text: str) -> str:
    token = text.strip()
    if len(token) < MIN_TOKEN_CHARS or not token.isascii() or " " in token:
        raise ConfigError(
            f"must be {MIN_TOKEN_CHARS} or more ASCII characters without blanks"
        )
    return token


def _registry_url(text: str) -> str:
    url = text.strip()
    if not url.startswith(("sqlite:", "postgresql://", "postgres://")):
        raise ConfigError("must start with sqlite: or postgresql://")
    return url
