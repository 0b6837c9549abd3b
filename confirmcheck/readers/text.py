"""Bytes to text for every reader: the one place a decoding problem becomes an
:class:`~confirmcheck.InputError` that names its place (line and column).

Stays files and calendars are UTF-8 (RFC 8259 8.1, RFC 5545 3.1.4), with an
optional byte order mark. UTF-16 and UTF-32 are refused by name rather than
guessed, and text that holds a lone surrogate (half of a UTF-16 pair, which no
UTF-8 text can hold: every answer, log line or mail quoting it would fail) is
refused as well, whether it came as a character or as a JSON escape.
"""

from __future__ import annotations

import codecs

from confirmcheck.errors import InputError, Path

__all__ = ["decode_text", "position", "refuse_surrogates"]

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def position(text: str | bytes, index: int) -> str:
    """``line L, column C`` (1-based) of ``index`` in ``text``."""
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, index) + 1  # type: ignore[arg-type]
    start = text.rfind(newline, 0, index) + 1  # type: ignore[arg-type]
    return f"line {line}, column {index - start + 1}"


def decode_text(data: bytes | str, *, path: Path = ()) -> str:
    """``data`` as text: UTF-8 bytes decoded (a byte order mark dropped), text
    checked for lone surrogates; else an InputError naming line and column.

    >>> decode_text("[]".encode("utf-16"))
    Traceback (most recent call last):
    ...
    confirmcheck.errors.InputError: is UTF-16 text; it must be UTF-8
    """
    if isinstance(data, str):
        refuse_surrogates(data, path=path)
        return data.removeprefix("\ufeff")
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            raise InputError(f"is {name} text; it must be UTF-8", path=path)
    if b"\x00" in data[:4] and len(data) >= 2:
        # What JSON's own detection takes for UTF-16 or UTF-32 without a mark.
        raise InputError(
            "is UTF-16 or UTF-32 text (it has NUL bytes); it must be UTF-8", path=path
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputError(
            f"is not UTF-8 text ({position(data, error.start)}: {error.reason})",
            path=path,
        ) from None


def refuse_surrogates(text: str, *, path: Path = ()) -> None:
    """An InputError naming line and column when ``text`` holds a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            f"is not text ({position(text, error.start)}: a lone surrogate, half "
            "of a UTF-16 pair)",
            path=path,
        ) from None
