"""Who may send through the relay with SMTP AUTH: a file of ``name:hash`` lines.

The hashes are those of Werkzeug's ``generate_password_hash`` (its default
``scrypt:32768:8:1$salt$hex``, or ``pbkdf2:sha256:600000$salt$hex``), checked
here with the standard library's ``hashlib.scrypt``/``pbkdf2_hmac``, so a hotel can
make one with ``confirmcheck relay --hash-password NAME`` or with Werkzeug, and
the relay needs neither Werkzeug nor a plain password on disk. Blank lines and
lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Final

from confirmcheck.errors import InputError

__all__ = ["hash_password", "read_users", "verify_password"]

#: Werkzeug's default scrypt cost: N, r, p.
SCRYPT_COST: Final = (32768, 8, 1)
#: Iterations above this are refused (a file must not make a login take minutes).
MAX_PBKDF2_ITERATIONS: Final = 10_000_000
_MAX_SCRYPT_N: Final = 2**20


def hash_password(password: str, *, salt: str | None = None) -> str:
    """A Werkzeug-compatible scrypt hash of ``password``."""
    n, r, p = SCRYPT_COST
    salt = salt if salt is not None else secrets.token_urlsafe(12)[:16]
    digest = _scrypt(password, salt, n, r, p)
    return f"scrypt:{n}:{r}:{p}${salt}${digest}"


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt.encode("utf-8"),
        n=n,
        r=r,
        p=p,
        maxmem=132 * n * r * p,
    ).hex()


def _check_hash(text: str) -> None:
    """Raise ValueError unless ``text`` is a hash this module can check."""
    method, _, rest = text.partition("$")
    salt, _, digest = rest.partition("$")
    if not salt or not digest:
        raise ValueError("is not method$salt$hash")
    kind, *params = method.split(":")
    if kind == "scrypt":
        n, r, p = (int(v) for v in params)
        if not (1 < n <= _MAX_SCRYPT_N and n & (n - 1) == 0 and 0 < r <= 64 and p == 1):
            raise ValueError("has scrypt parameters out of range")
    elif kind == "pbkdf2":
        name, iterations = params
        if name not in hashlib.algorithms_guaranteed:
            raise ValueError(f"names an unknown hash {name}")
        if not 0 < int(iterations) <= MAX_PBKDF2_ITERATIONS:
            raise ValueError("has a pbkdf2 iteration count out of range")
    else:
        raise ValueError("is neither scrypt:N:r:p nor pbkdf2:HASH:ITERATIONS")


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (compared in constant time)."""
    method, _, rest = stored.partition("$")
    salt, _, digest = rest.partition("$")
    kind, *params = method.split(":")
    if kind == "scrypt":
        n, r, p = (int(v) for v in params)
        computed = _scrypt(password, salt, n, r, p)
    else:
        name, iterations = params
        computed = hashlib.pbkdf2_hmac(
            name, password.encode("utf-8"), salt.encode("utf-8"), int(iterations)
        ).hex()
    return hmac.compare_digest(computed, digest)


def read_users(text: str, *, name: str = "users file") -> Mapping[str, str]:
    """The users of a ``name:hash`` file; an :class:`InputError` names the line."""
    users: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        user, colon, stored = line.partition(":")
        if not colon or not user:
            raise InputError(f"line {number}: must be name:hash", path=(name,))
        try:
            _check_hash(stored)
        except ValueError as error:
            raise InputError(f"line {number}: the hash {error}", path=(name,)) from None
        if user in users:
            raise InputError(f"line {number}: {user} is given twice", path=(name,))
        users[user] = stored
    if not users:
        raise InputError("names no user", path=(name,))
    return users
