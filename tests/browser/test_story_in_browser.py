"""Done when: the story's confirmation as an Austrian hotel sends it
(examples/story/confirmation-de-AT.eml), changed by ``confirmcheck attach`` as the
README shows, opened in Chromium, shows within its first screen the verdict, the
one missing week and the stays booked as requested, inside the hotel's layout
and in the hotel's font."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import Browser

from confirmcheck.cli import EXIT_DIFFERS, main
from tests.browser.page import DESKTOP, html_of, render
from tests.support import EXAMPLES

STORY = EXAMPLES / "story"
#: The hotel's content container: the centred table right after <body>.
CONTAINER = 'body > table[align="center"]'


def _attached(target: Path) -> bytes:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        [
            "attach",
            str(STORY / "confirmation-de-AT.eml"),
            str(STORY / "requested-de-AT.json"),
            str(STORY / "confirmed-de-AT.json"),
            "-o",
            str(target),
        ],
        stdin=io.BytesIO(),
        stdout=out,
        stderr=err,
    )
    assert (status, out.getvalue(), err.getvalue()) == (EXIT_DIFFERS, "", "")
    return target.read_bytes()


def test_the_first_screen_shows_the_verdict_and_the_missing_week(
    browser: Browser, tmp_path: Path
) -> None:
    html = html_of(_attached(tmp_path / "confirmation.eml"))
    # The template marks nothing for tests: find its container and greeting here.
    html = html.replace(
        '<table role="presentation" align="center"',
        '<table data-test="container" role="presentation" align="center"',
        1,
    ).replace(
        '<p style="margin:0 0 12px 0;">Sehr geehrter',
        '<p data-test="greeting" style="margin:0 0 12px 0;">Sehr geehrter',
        1,
    )
    for scheme in ("light", "dark"):
        layout = render(
            browser,
            html,
            scheme=scheme,
            viewport=DESKTOP,
            screenshot=f"story-de-AT-{scheme}",
        )
        assert layout["inside_container"]
        assert layout["before_greeting"]
        texts = layout["texts"]
        assert (
            texts[0]["text"] == "NICHT GEBUCHT: 1 Ihrer 20 wöchentlichen Aufenthalte."
        )
        on_screen = " ".join(
            item["text"]
            for item in texts
            if item["box"]["bottom"] <= layout["viewport"]["height"]
        )
        assert "Mo., 9. – Fr., 13. März 2026" in on_screen  # the missing week
        # The booked weeks as the series they are, in Austrian German ("Jän."),
        # with the hotel's room type in words and its references.
        assert "Wie angefragt gebucht: jede Woche" in on_screen
        assert "Jän." in on_screen
        assert "Einzelzimmer" in on_screen
        assert "AB-4711" in on_screen
        assert layout["font"] == layout["container_font"]
        assert "Georgia" in layout["font"]
