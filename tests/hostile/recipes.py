"""Hostile inputs, each made at test time from a small recipe in ``data/``.

A recipe (``data/NAME.json``) says what the input is and what a user must see:

* ``item``: the number of the issue-11 item it reproduces, or the family it
  belongs to (``"deep JSON"``); ``about``: the input in words;
* ``kind``: ``stays`` (the REQUESTED side of ``confirmcheck check`` and of
  ``/v1/check``) or ``mail`` (the MAIL of ``confirmcheck attach`` and of
  ``/v1/attach``); the other inputs are a good stay;
* ``parts``: the input, concatenated: text, ``{"repeat": TEXT, "times": N}``
  (``{i}`` in TEXT becomes 0, 1, ... or, with ``"reverse": true``, ..., 1, 0;
  ``"join"`` goes between), or
  ``{"bytes": HEX}``; ``encoding`` (default utf-8) turns the text into bytes;
* ``cli``: extra arguments of the command; ``request``: extra request fields;
* ``http``: how the input travels in the request body: ``string`` (a JSON
  string, for calendars), ``embed`` (the JSON document as it is, for stays
  files) or ``body`` (the bytes are the whole body); ``mail`` inputs go base64;
* ``place``: what the command's one line must name; ``pointer``: what the
  problem document must name (either may be left out where there is none).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

GOOD_STAYS = '[{"check_in": "2026-03-09", "check_out": "2026-03-13"}]'


@dataclass(frozen=True)
class Recipe:
    name: str
    item: int | str
    about: str
    kind: str
    parts: list[Any]
    encoding: str = "utf-8"
    cli: list[str] = field(default_factory=list)
    request: dict[str, Any] = field(default_factory=dict)
    http: str = "string"
    place: str | None = None
    pointer: str | None = None

    def content(self) -> bytes:
        """The input, made from its parts."""
        out: list[bytes] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part.encode(self.encoding, "surrogatepass"))
            elif "bytes" in part:
                out.append(bytes.fromhex(part["bytes"]))
            else:
                text, times = part["repeat"], part["times"]
                join = part.get("join", "")
                if "{i}" in text:
                    order = range(times)[:: -1 if part.get("reverse") else 1]
                    made = join.join(text.replace("{i}", str(i)) for i in order)
                else:
                    made = join.join([text] * times) if join else text * times
                out.append(made.encode(self.encoding, "surrogatepass"))
        return b"".join(out)

    def request_body(self, content: bytes) -> bytes:
        """The body of the signed request that carries the input."""
        if self.kind == "mail":
            fields = {
                "requested": json.loads(GOOD_STAYS),
                "confirmed": json.loads(GOOD_STAYS),
                "mail": base64.b64encode(content).decode("ascii"),
                **self.request,
            }
            return json.dumps(fields).encode("utf-8")
        if self.http == "body":
            return content
        extra = "".join(
            f", {json.dumps(k)}: {json.dumps(v)}" for k, v in self.request.items()
        )
        if self.http == "embed":
            inner = content
        else:
            inner = json.dumps(content.decode("utf-8", "surrogatepass")).encode()
        return (
            b'{"requested": '
            + inner
            + b', "confirmed": '
            + GOOD_STAYS.encode()
            + extra.encode()
            + b"}"
        )


def load(path: Path) -> Recipe:
    return Recipe(name=path.stem, **json.loads(path.read_text("utf-8")))


def all_recipes() -> list[Recipe]:
    return [load(path) for path in sorted(DATA.glob("*.json"))]
