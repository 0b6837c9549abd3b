"""Generated exports of many reservations, for the audit's tests and benchmark.

Each key requests one stay (some two) of 1-8 nights in 2026; the confirmation is
the same, except that some keys lose a night (``missing``), some get another room
type (``other_type``), and ``one_sided`` keys are on one side only. The same seed
gives the same exports; the stays are returned too, so a test can audit them one
by one and compare.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from confirmcheck.stay import Stay

__all__ = ["Exports", "generate", "write_exports"]

FIRST_DAY = dt.date(2026, 1, 1)
ROOM_TYPES = ("single", "double", "suite")
FIELDS = ("key", "check_in", "check_out", "rooms", "room_type", "guests", "ref")


@dataclass(frozen=True, slots=True)
class Reservation:
    key: str
    requested: tuple[Stay, ...]
    confirmed: tuple[Stay, ...]


@dataclass(frozen=True, slots=True)
class Exports:
    requested: Path
    confirmed: Path


def generate(
    keys: int,
    *,
    seed: int = 15,
    missing: float = 0.05,
    other_type: float = 0.02,
    one_sided: float = 0.0,
) -> Iterator[Reservation]:
    """``keys`` reservations in key order (``R0000001``, ...)."""
    rng = random.Random(seed)
    for number in range(1, keys + 1):
        key = f"R{number:07d}"
        requested = [_stay(rng, key)]
        if rng.random() < 0.05:
            requested.append(_stay(rng, key))
        confirmed = list(requested)
        draw = rng.random()
        if draw < missing:
            last = confirmed[-1]
            if last.nights > 1:
                confirmed[-1] = Stay(
                    last.check_in,
                    last.check_out - dt.timedelta(days=1),
                    rooms=last.rooms,
                    room_type=last.room_type,
                    guests=last.guests,
                    ref=last.ref,
                )
            else:
                del confirmed[-1]
        elif draw < missing + other_type:
            first = confirmed[0]
            confirmed[0] = Stay(
                first.check_in,
                first.check_out,
                rooms=first.rooms,
                room_type="suite" if first.room_type != "suite" else "single",
                guests=first.guests,
                ref=first.ref,
            )
        side = rng.random()
        if side < one_sided / 2:
            confirmed = []
        elif side < one_sided:
            requested = []
        yield Reservation(key, tuple(requested), tuple(confirmed))


def _stay(rng: random.Random, key: str) -> Stay:
    check_in = FIRST_DAY + dt.timedelta(days=rng.randrange(365))
    rooms = 2 if rng.random() < 0.1 else 1
    return Stay(
        check_in,
        check_in + dt.timedelta(days=rng.randint(1, 8)),
        rooms=rooms,
        room_type=rng.choice(ROOM_TYPES),
        guests=rooms * rng.randint(1, 2),
        ref=f"{key}-{check_in:%m%d}",
    )


def csv_row(key: str, stay: Stay) -> list[str]:
    return [
        key,
        stay.check_in.isoformat(),
        stay.check_out.isoformat(),
        str(stay.rooms),
        stay.room_type or "",
        "" if stay.guests is None else str(stay.guests),
        stay.ref or "",
    ]


def stay_json(stay: Stay) -> dict[str, object]:
    out: dict[str, object] = {
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
        "rooms": stay.rooms,
    }
    for name in ("room_type", "guests", "ref"):
        if getattr(stay, name) is not None:
            out[name] = getattr(stay, name)
    return out


def write_exports(
    directory: Path,
    reservations: Iterator[Reservation] | list[Reservation],
    *,
    format: str = "csv",
    shuffle: int | None = None,
) -> Exports:
    """Write the two exports: ``csv``, ``jsonl`` (one stay per line) or
    ``stays`` (JSON Lines, one object with a key and its stays per line).

    ``shuffle`` (a seed) writes the records in a random order.
    """
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "csv" if format == "csv" else "jsonl"
    paths = Exports(
        directory / f"requested.{suffix}", directory / f"confirmed.{suffix}"
    )
    lines: tuple[list[str], list[str]] = ([], [])
    for reservation in reservations:
        for side, stays in enumerate((reservation.requested, reservation.confirmed)):
            lines[side].extend(_lines(reservation.key, stays, format))
    for side, path in enumerate((paths.requested, paths.confirmed)):
        if shuffle is not None:
            random.Random(shuffle + side).shuffle(lines[side])
        with path.open("w", encoding="utf-8", newline="") as handle:
            if format == "csv":
                handle.write(",".join(FIELDS) + "\r\n")
            handle.writelines(lines[side])
    return paths


def _lines(key: str, stays: tuple[Stay, ...], format: str) -> list[str]:
    if not stays:
        return []
    if format == "csv":
        return [",".join(csv_row(key, stay)) + "\r\n" for stay in stays]
    if format == "jsonl":
        return [json.dumps({"key": key, **stay_json(stay)}) + "\n" for stay in stays]
    return [json.dumps({"key": key, "stays": [stay_json(s) for s in stays]}) + "\n"]


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
