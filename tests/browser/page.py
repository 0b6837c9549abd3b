"""A mail's HTML as Chromium lays it out: what the browser tests read from the DOM.

Debian's ``chromium`` is driven with Playwright (never ``playwright install``: the
browser is the distribution's). Screenshots go to ``build/screenshots/`` for a
person to look at; CI keeps them as artifacts.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support import ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1024, "height": 800}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    """Debian's chromium, when it is installed."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


def launch() -> Iterator[Browser]:
    """Chromium, headless; in CI (``CI`` set) a missing browser is a failure."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def html_of(mail: bytes) -> str:
    """The decoded text/html body of a mail."""
    message = email.message_from_bytes(mail, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("html",))
    assert body is not None
    content = body.get_content()
    assert isinstance(content, str)
    return content


# Everything the tests read from the laid-out page, in one evaluation.
_MEASURE = """
(canvasColour) => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.width};
  };
  // What is painted behind elements without a background of their own: the
  // canvas, as sampled from the screen (headless Chromium paints it dark under a
  // dark preference even for a page that declares no colour scheme).
  const canvas = () => canvasColour;
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = getComputedStyle(e).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent') {
        return colour;
      }
    }
    return canvas();
  };
  const texts = (root) => {
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || !element.checkVisibility()) {
        continue;  // blanks, and text a closed <details> hides
      }
      out.push({text: node.textContent.replace(/\\s+/g, ' ').trim(),
                colour: getComputedStyle(element).color,
                background: background(element),
                box: box(element)});
    }
    return out;
  };
  const block = document.querySelector('[data-confirmcheck="summary"]');
  const detail = document.querySelector('[data-confirmcheck="detail"]');
  const container = document.querySelector('[data-test="container"]')
    || document.body;
  const greeting = document.querySelector('[data-test="greeting"]');
  const cell = block.querySelector('td');
  return {
    block: box(block),
    container: box(container),
    greeting: greeting ? box(greeting) : null,
    greeting_texts: greeting ? texts(greeting) : [],
    before_greeting: greeting ? Boolean(
      block.compareDocumentPosition(greeting) & Node.DOCUMENT_POSITION_FOLLOWING)
      : null,
    inside_container: container.contains(block),
    texts: texts(block),
    font: getComputedStyle(cell).fontFamily,
    container_font: getComputedStyle(greeting || container).fontFamily,
    rule: getComputedStyle(cell).borderLeftColor,
    rule_width: getComputedStyle(cell).borderLeftWidth,
    text_colour: getComputedStyle(cell).color,
    detail: detail ? {box: box(detail),
                      open: [...detail.querySelectorAll('details')]
                        .some((d) => d.open),
                      texts: texts(detail)} : null,
    viewport: {width: innerWidth, height: innerHeight},
  };
}
"""


@dataclass(frozen=True)
class Layout:
    """What the browser laid out, as read from the DOM."""

    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def first_text(self) -> str:
        text: str = self.data["texts"][0]["text"]
        return text

    def visible_text(self) -> str:
        return " ".join(item["text"] for item in self.data["texts"])


def render(
    browser: Browser,
    html: str,
    *,
    scheme: str,
    viewport: dict[str, int],
    screenshot: str,
) -> Layout:
    """Lay out ``html`` in a fresh page; a full-page screenshot is kept."""
    page: Page = browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    try:
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        # Nothing is fetched: the mails refer to no external resources.
        page.set_content(html, wait_until="load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=True)
        return Layout(page.evaluate(_MEASURE, _canvas_colour(page)))
    finally:
        page.close()


def _canvas_colour(page: Page) -> str:
    """The colour painted at the page's top left corner, as CSS ``rgb()``: the
    canvas, for the pages here (a body margin, or the body's own background)."""
    png = page.screenshot(clip={"x": 1, "y": 1, "width": 1, "height": 1})
    data, offset = b"", 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        if png[offset + 4 : offset + 8] == b"IDAT":
            data += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    # One pixel: a filter byte, then its channels; no filter changes a lone pixel.
    red, green, blue = zlib.decompress(data)[1:4]
    return f"rgb({red}, {green}, {blue})"


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    found = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", colour)
    assert found, colour
    red, green, blue = (_channel(float(found.group(i))) for i in (1, 2, 3))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two CSS ``rgb()`` colours (1 to 21)."""
    lighter, darker = sorted(
        (_luminance(foreground), _luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
