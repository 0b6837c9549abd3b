"""The preview page in a real browser, as a receptionist uses it.

The real app runs under gunicorn (``confirmcheck-webhook --dev`` on a free
loopback port); Playwright drives the system's Chromium (``/usr/bin/chromium``,
Debian's ``chromium`` package; Playwright's own browser download is never used).
Without Chromium the tests are skipped on a developer's machine, and fail in CI
(``CI`` set), where ``.ci/run`` installs it. Screenshots go to
``build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from confirmcheck import Series, Stay, attach_summary, diff, load_stays, read_stays
from tests.webhook.helpers import ROOT
from tests.webhook.test_webhook_serve import Server, _environ, start

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
STORY = ROOT / "examples" / "story"
PREVIEW_URL = re.compile(r"^    (http://127\.0\.0\.1:\d+/preview)$")
TIMEOUT_MS = 30_000

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "no /usr/bin/chromium (apt-get install chromium); CI installs it",
        allow_module_level=True,
    )

from playwright.sync_api import (  # noqa: E402 - only with a browser to drive
    Browser,
    Page,
    expect,
    sync_playwright,
)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """The preview page of ``confirmcheck-webhook --dev`` on a free port."""
    server: Server = start(
        ["-m", "webhook", "--dev", "--bind", "127.0.0.1:0", "--workers", "1"],
        _environ(),
    )
    try:
        found = server.wait_for(PREVIEW_URL, server.stdout)
        yield found.group(1)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def click(page: Page, name: str) -> None:
    """Click a button as a person does: scroll to it, point at it, click.

    Playwright's bare click right after scrolling a long page down was now and
    then not taken as a click by Chromium (no request followed); a person's
    pointer is on the button before it is pressed.
    """
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    button.hover()
    button.click()


def fill_story_series(page: Page) -> None:
    """The story's request, as staff enter it: every Monday to Friday, 20 times."""
    page.get_by_label("First arrival (first night)").fill("2026-01-05")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_label(day, exact=True).check()
    page.get_by_label("… or this many stays").fill("20")
    page.get_by_label("Room type (optional)").fill("single")
    page.get_by_label("Guests per room (optional)").fill("1")


def test_the_story_s_missing_week_in_german(page: Page, url: str) -> None:
    # A policy violation (a blocked style, frame or form) is a console error.
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.goto(url)
    fill_story_series(page)
    page.get_by_label("Paste the confirmed stays").fill(
        (STORY / "confirmed.json").read_text(encoding="utf-8")
    )
    page.get_by_label("Language of the guest's summary").select_option("de")
    page.get_by_role("button", name="Check the confirmation").click()

    expect(page.locator("#verdict-text")).to_have_text(
        "NOT BOOKED: 1 of your 20 weekly stays."
    )
    expect(page.locator("#rrule")).to_have_text("FREQ=WEEKLY;COUNT=20")
    expect(page.locator("#series-first")).to_have_text(
        "Mon 5 Jan 2026 – Fri 9 Jan 2026 (4 nights)"
    )
    expect(page.locator("#series-last")).to_have_text(
        "Mon 18 May 2026 – Fri 22 May 2026 (4 nights)"
    )
    for day in range(9, 13):
        expect(page.locator(f'td[data-date="2026-03-{day:02d}"]')).to_contain_text(
            "NOT BOOKED"
        )
    expect(page.locator('td[data-date="2026-03-13"]')).not_to_contain_text("BOOKED")
    expect(page.locator('td[data-date="2026-03-16"]')).to_contain_text("booked")
    frame = page.frame_locator("iframe")
    expect(frame.locator("div[data-confirmcheck=summary]")).to_contain_text(
        "NICHT GEBUCHT: 1 Ihrer 20 wöchentlichen Aufenthalte."
    )
    expect(frame.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("pre.summary-text")).to_contain_text("NICHT GEBUCHT")
    # What was typed is still there to change.
    expect(page.get_by_label("First arrival (first night)")).to_have_value("2026-01-05")
    screenshot(page, "story-1440")
    assert errors == []

    page.set_viewport_size({"width": 360, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"
    screenshot(page, "story-360")


def test_upload_the_story_s_mail_and_download_it_changed(
    page: Page, url: str, tmp_path: Path
) -> None:
    page.goto(url)
    page.get_by_label("… or upload it", exact=True).set_input_files(
        STORY / "requested.ics"
    )
    page.get_by_label("… or upload them").set_input_files(STORY / "confirmed.json")
    mail_path = STORY / "confirmation.eml"
    page.get_by_label("Upload the mail (.eml)").set_input_files(mail_path)
    page.get_by_role("button", name="Check the confirmation").click()
    expect(page.locator("#verdict-text")).to_have_text(
        "NOT BOOKED: 1 of your 20 weekly stays."
    )
    # No language chosen: the mail's own (Content-Language: de).
    expect(page.frame_locator("iframe").locator("html")).to_have_attribute("lang", "de")
    with page.expect_download() as download_info:
        click(page, "Changed mail (.eml)")
    download = download_info.value
    assert download.suggested_filename == "confirmation-with-summary.eml"
    saved = tmp_path / "changed.eml"
    download.save_as(saved)
    changed = saved.read_bytes()

    # Exactly what the library makes of the mail for this report.
    mail = mail_path.read_bytes()
    requested = read_stays((STORY / "requested.ics").read_bytes())
    confirmed = load_stays(STORY / "confirmed.json")
    report = diff(
        [stay for item in requested.stays for stay in _stays(item)],
        [stay for item in confirmed.stays for stay in _stays(item)],
    )
    assert changed == attach_summary(
        mail,
        report,
        locale="de",
        hotel="Hotel Alpenblick",
        # The hotel's references and names of its rooms, from its stays file.
        confirmed=confirmed.stays,
        room_types=confirmed.room_types,
    )
    message = email.message_from_bytes(changed, policy=email.policy.default)
    text = message.get_body(("plain",))
    assert text is not None
    assert "NICHT GEBUCHT: 1 Ihrer 20" in text.get_content()

    with page.expect_download() as download_info:
        click(page, "Report (JSON)")
    report_path = tmp_path / "report.json"
    download_info.value.save_as(report_path)
    assert (
        json.loads(report_path.read_text(encoding="utf-8"))["totals"][
            "not_booked_room_nights"
        ]
        == 4
    )


def _stays(item: Stay | Series) -> tuple[Stay, ...]:
    return item.stays if isinstance(item, Series) else (item,)


def test_keyboard_alone_reaches_and_submits_the_form(page: Page, url: str) -> None:
    page.goto(url)
    reached: list[str] = []
    requested = json.dumps(
        [
            {
                "check_in": "2026-01-05",
                "check_out": "2026-01-09",
                "rrule": "FREQ=WEEKLY;COUNT=20",
            }
        ]
    )
    confirmed = json.dumps(
        json.loads((STORY / "confirmed.json").read_text(encoding="utf-8"))["stays"],
        separators=(",", ":"),
    )
    typed = {"requested": requested, "confirmed": confirmed}
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        reached.append(focused)
        if focused in ("requested", "locale", "submit"):
            # Focus is drawn where it is (WCAG 2.4.7).
            outline = page.evaluate(
                "getComputedStyle(document.activeElement).outlineStyle"
            )
            assert outline != "none", focused
        if focused in typed:
            page.keyboard.type(typed.pop(focused))
        if focused == "submit":
            break
    assert reached[-1] == "submit", reached
    assert not typed, f"never reached {list(typed)}: {reached}"
    page.keyboard.press("Enter")
    expect(page.locator("#verdict-text")).to_have_text(
        "NOT BOOKED: 1 of your 20 weekly stays."
    )


def test_a_bad_file_is_named_next_to_its_field(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("Paste the request (JSON").fill(
        '[{"check_in": "2026-03-09", "check_out": "2026-03-09"}]'
    )
    page.get_by_label("Paste the confirmed stays").fill("[]")
    page.get_by_role("button", name="Check the confirmation").click()
    errors = page.locator("#requested-errors")
    expect(errors).to_contain_text("requested[0]")
    expect(page.get_by_label("Paste the request (JSON")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.get_by_label("Paste the confirmed stays")).to_have_value("[]")
    screenshot(page, "error-1440")
