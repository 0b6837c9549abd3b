"""The issue-11 edges that are no refusal: what a user owns is not clobbered,
the output's failures are one line, the stays files' hotel and time zone count,
attaching twice is attaching once. Real processes where users run them."""

from __future__ import annotations

import io
import json
import os
import select
import stat
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from confirmcheck import attach_summary, diff, expand, read_stays
from confirmcheck.cli import EXIT_OUTPUT, main

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "story"
MAIL = (
    b"From: hotel@example.com\r\nTo: guest@example.com\r\nSubject: Booking\r\n"
    b"Date: Mon, 05 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nYour booking is confirmed.\r\n"
)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=America/New_York:20260309T200000\r\n"
    "DTEND;TZID=America/New_York:20260312T200000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def confirmcheck(
    *args: str | Path, stdout: int | IO[bytes] = subprocess.PIPE
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "confirmcheck", *map(str, args)],
        check=False,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture
def mail(tmp_path: Path) -> Path:
    path = tmp_path / "mail.eml"
    path.write_bytes(MAIL)
    return path


def attach_to(mail: Path, out: str | Path) -> subprocess.CompletedProcess[str]:
    return confirmcheck(
        "attach", mail, STORY / "requested.json", STORY / "confirmed.json", "-o", out
    )


# --- item 13: -o OUT ---------------------------------------------------------------


def test_attach_into_a_character_device_leaves_it_a_device(mail: Path) -> None:
    # A terminal of this test's own (a pseudo-terminal), not /dev/null: were the
    # device replaced by a file, as it was, no one else's device is harmed.
    master, slave = os.openpty()
    device = os.ttyname(slave)
    try:
        args: list[str | Path] = [
            mail,
            STORY / "requested.json",
            STORY / "confirmed.json",
        ]
        args += ["-o", device]
        attach = subprocess.Popen(
            [sys.executable, "-m", "confirmcheck", "attach", *args],
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        received = bytearray()
        while attach.poll() is None or select.select([master], [], [], 0)[0]:
            # Read what arrives, so that the terminal's buffer never fills up.
            if select.select([master], [], [], 1)[0]:
                received += os.read(master, 65536)
        attach.communicate(timeout=120)
        assert attach.returncode == 1
        assert stat.S_ISCHR(os.stat(device).st_mode)
        assert b"NOT BOOKED" in received
    finally:
        os.close(slave)
        os.close(master)


def test_attach_into_a_fifo_writes_into_it(mail: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = attach_to(mail, fifo)
    written, _ = reader.communicate(timeout=120)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b"NOT BOOKED" in written


def test_attach_over_a_symlink_replaces_its_target_and_keeps_the_link(
    mail: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target.eml"
    target.write_bytes(b"old")
    link = tmp_path / "link.eml"
    link.symlink_to(target)
    assert attach_to(mail, link).returncode == 1
    assert link.is_symlink()
    assert b"NOT BOOKED" in target.read_bytes()


def test_attach_keeps_the_mode_of_out_and_gives_a_new_file_the_umask(
    mail: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.eml"
    out.write_bytes(b"old")
    out.chmod(0o640)
    assert attach_to(mail, out).returncode == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    new = tmp_path / "new.eml"
    umask = os.umask(0o022)
    try:
        assert attach_to(mail, new).returncode == 1
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


def test_attach_refuses_a_directory_as_out(mail: Path, tmp_path: Path) -> None:
    result = attach_to(mail, tmp_path)
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.count("\n") == 1
    assert "not a regular file" in result.stderr


# --- item 18: standard output closed or full; blanks before BEGIN:VCALENDAR ----------


def test_a_full_standard_output_is_one_line_and_exit_4() -> None:
    with open("/dev/full", "wb") as full:
        result = confirmcheck(
            "check", STORY / "requested.json", STORY / "confirmed.json", stdout=full
        )
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.splitlines() == [
        "confirmcheck: cannot write to standard output: No space left on device"
    ]


def test_a_closed_standard_output_is_one_line_and_exit_4() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: every write fails with EPIPE
    try:
        result = confirmcheck(
            "check",
            STORY / "requested.json",
            STORY / "confirmed.json",
            stdout=write_end,
        )
    finally:
        os.close(write_end)
    assert result.returncode == EXIT_OUTPUT
    assert result.stderr.splitlines() == [
        "confirmcheck: cannot write to standard output: Broken pipe"
    ]


def test_blank_lines_before_begin_vcalendar_are_read(tmp_path: Path) -> None:
    calendar = tmp_path / "blank.ics"
    calendar.write_text(
        "\r\n  \r\n\t\r\n"
        + CALENDAR.replace("TZID=America/New_York", "VALUE=DATE").replace(
            "T200000", ""
        ),
        newline="",
    )
    # Issue 11, item 18: it was "line 2: '  ' is not an iCalendar line".
    stays = expand(read_stays(calendar.read_bytes()).stays)
    assert [s.check_in.isoformat() for s in stays] == ["2026-03-09"]


# --- item 22: the stays files' hotel and time zone ---------------------------------


def _run_main(*args: str | Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([str(a) for a in args], stdout=out, stderr=err)
    return status, out.getvalue() + err.getvalue()


def test_the_command_line_names_calendar_events_by_the_files_hotel(
    tmp_path: Path,
) -> None:
    stays = json.loads((STORY / "confirmed.json").read_text("utf-8"))
    stays = stays["stays"] if isinstance(stays, dict) else stays
    confirmed = tmp_path / "confirmed.json"
    confirmed.write_text(json.dumps({"hotel": "Alpenblick", "stays": stays}))
    _, calendar = _run_main(
        "check", STORY / "requested.json", confirmed, "--format", "ics"
    )
    assert "LOCATION:Alpenblick" in calendar


def test_a_json_files_timezone_is_the_zone_a_calendar_is_read_in(
    tmp_path: Path,
) -> None:
    # 20:00 in New York is 02:00 the next day in Vienna: the stay is 10-13 March
    # in the hotel's zone, 9-12 March in the event's own.
    calendar = tmp_path / "requested.ics"
    calendar.write_text(CALENDAR, newline="")
    confirmed = tmp_path / "confirmed.json"
    stay = {"check_in": "2026-03-10", "check_out": "2026-03-13"}
    confirmed.write_text(json.dumps({"timezone": "Europe/Vienna", "stays": [stay]}))
    status, output = _run_main("check", calendar, confirmed)
    assert status == 0, output
    status, output = _run_main(
        "check", calendar, confirmed, "--timezone", "America/New_York"
    )
    assert status == 1, output


# --- item 27: a mail with empty MIME parts -------------------------------------------


def test_attaching_to_a_mail_with_empty_parts_twice_is_attaching_once() -> None:
    mail = (
        b"From: hotel@example.com\nTo: guest@example.com\nSubject: Booking\n"
        b"Date: Mon, 05 Jan 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n'
        b"--B\n--B\nContent-Type: text/plain; charset=utf-8\n\n"
        b"Confirmed.\n--B\n\n--B--\n"
    )
    report = diff(
        read_stays((STORY / "requested.json").read_bytes()).stays,
        read_stays((STORY / "confirmed.json").read_bytes()).stays,
    )
    once = attach_summary(mail, report)
    assert attach_summary(once, report) == once
