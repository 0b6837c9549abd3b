"""The errors confirmcheck raises on purpose, each with the place it came from.

Every malformed input becomes an :class:`InputError` (or a subclass) that carries one
or more :class:`Problem` values. A problem knows its *path* into the input
(``("requested", 3, "check_out")``) and renders it for people
(``requested[3].check_out``) and for HTTP APIs as an RFC 6901 JSON pointer
(``/requested/3/check_out``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "ConfirmcheckError",
    "InputError",
    "LocaleError",
    "Path",
    "Problem",
]

Path: TypeAlias = tuple[str | int, ...]
"""Where a value sits in the input: keys and 0-based indexes from the outside in."""


def format_place(path: Path) -> str:
    """Render a path the way a person reads it: ``requested[3].check_out``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out)


def kind_of(value: object) -> str:
    """What kind of value ``value`` is, in the words of JSON (never a Python type
    name): ``null``, ``true/false``, ``a number``, ``text``, ``an array``, ...

    >>> kind_of(None), kind_of("2"), kind_of(2)
    ('null', 'text', 'a number')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, dt.datetime):
        return "a date and time"
    return f"a {type(value).__name__} value"


def format_pointer(path: Path) -> str:
    """Render a path as an RFC 6901 JSON pointer: ``/requested/3/check_out``."""
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in path
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and where it is."""

    path: Path
    message: str

    @property
    def place(self) -> str:
        """The place for people: ``requested[3].check_out``."""
        return format_place(self.path)

    @property
    def pointer(self) -> str:
        """The place as an RFC 6901 JSON pointer: ``/requested/3/check_out``."""
        return format_pointer(self.path)

    def under(self, prefix: Path) -> Problem:
        """The same problem, seen from further out (``prefix`` + path)."""
        return Problem(prefix + self.path, self.message)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.path else self.message


class ConfirmcheckError(Exception):
    """Root of every error confirmcheck raises on purpose."""


class InputError(ConfirmcheckError, ValueError):
    """Input that cannot be used as it is; ``problems`` says what and where.

    ``str(error)`` is one line: the first problem, and how many more there are.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: str | Problem | Sequence[Problem], *, path: Path = ()):
        if isinstance(problems, str):
            problems = (Problem(path, problems),)
        elif isinstance(problems, Problem):
            problems = (problems.under(path),)
        else:
            problems = tuple(p.under(path) for p in problems)
        if not problems:
            raise ValueError("an InputError needs at least one problem")
        self.problems = problems
        super().__init__(self._summary())

    def _summary(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more == 1:
            return f"{first} (and 1 more problem)"
        if more:
            return f"{first} (and {more} more problems)"
        return first

    def under(self, prefix: Path) -> InputError:
        """The same error with every path seen from further out."""
        error = type(self).__new__(type(self))
        InputError.__init__(error, self.problems, path=prefix)
        return error

    @classmethod
    def collect(cls, errors: Iterable[InputError]) -> InputError | None:
        """One error holding the problems of all ``errors``, or None if none."""
        problems = [p for e in errors for p in e.problems]
        return cls(problems) if problems else None


class LocaleError(InputError):
    """A locale confirmcheck has no translation for; the message lists those it has."""
