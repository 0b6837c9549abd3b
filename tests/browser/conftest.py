"""One headless Chromium for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.page import launch


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    yield from launch()
