"""What the format tests share: the data files, a reader by file name, and a
StaysFile written out as the plain JSON the expectations are written in."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from confirmcheck.readers.json import StaysFile, read_stay_list
from confirmcheck.readers.ota import read_ota
from confirmcheck.readers.schemaorg import read_schemaorg
from confirmcheck.stay import Stay

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def shared_samples() -> Path:
    """The published samples beside the repository (``../shared/samples``).

    A work tree one level deeper finds them further up. The AlpineBits samples
    may not be copied into the repository (their licence does not allow it), so
    a clone on its own does not have them: there the tests that read them are
    skipped, saying why. CI (the ``CI`` variable set) always has them beside its
    clone, and there a missing folder is a failure, never a skip.
    """
    for parent in ROOT.parents:
        samples = parent / "shared" / "samples"
        if samples.is_dir():
            return samples
    message = f"no shared/samples beside {ROOT} or above it"
    if os.environ.get("CI"):
        raise AssertionError(message)
    pytest.skip(
        f"{message}: the published samples are not part of a clone",
        allow_module_level=True,
    )


def read(path: Path) -> StaysFile:
    """The stays of a data file, by the reader its name says."""
    data = path.read_bytes()
    return read_ota(data) if path.suffix == ".xml" else read_schemaorg(data)


def stay_json(stay: Stay) -> dict[str, Any]:
    out: dict[str, Any] = {
        "check_in": stay.check_in.isoformat(),
        "check_out": stay.check_out.isoformat(),
    }
    for key in ("rooms", "room_type", "guests", "ref"):
        value = getattr(stay, key)
        if value is not None and not (key == "rooms" and value == 1):
            out[key] = value
    return out


def as_json(read: StaysFile) -> dict[str, Any]:
    """The parts of ``read`` the expectations name, empty ones left out."""
    out: dict[str, Any] = {}
    if read.stays:
        out["stays"] = [stay_json(s) for s in read.stays if isinstance(s, Stay)]
    if read.cancelled:
        out["cancelled"] = [
            {"ref": c.ref, "stays": [stay_json(s) for s in c.stays]}
            if c.stays
            else {"ref": c.ref}
            for c in read.cancelled
        ]
    if read.flexible:
        out["flexible"] = [
            {
                "earliest": f.earliest.isoformat(),
                "latest": f.latest.isoformat(),
                "nights": f.nights,
                **stay_json(f.arriving(f.earliest)),
            }
            for f in read.flexible
        ]
        for item in out["flexible"]:
            del item["check_in"], item["check_out"]
    if read.room_types:
        out["room_types"] = read.room_types
    if read.hotel is not None:
        out["hotel"] = read.hotel
    return out


def expected(path: Path) -> dict[str, Any]:
    """The expectation beside a data file (its stays must read as stays JSON)."""
    case: dict[str, Any] = json.loads(path.with_suffix(".json").read_text("utf-8"))
    assert "description" in case, path
    del case["description"]
    if "stays" in case:  # written in the stays JSON: it must read as one
        read_stay_list(case["stays"])
    return case
