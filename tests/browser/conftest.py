"""A headless Chromium per browser test module.

Per module, not per session: Playwright's sync API runs one event loop at a time,
and other tests (the preview page's) start their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.page import launch


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launch()
