"""Fixtures for the webhook: apps on a fixed clock whose log lines are kept, and
clients that hold every response to the OpenAPI document the app serves."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import pytest
from flask import Flask

from tests.webhook.helpers import NOW, SECRET, DocumentedClient, documented
from webhook import create_app


class AppFactory(Protocol):
    def __call__(self, **settings: str) -> Flask: ...


@pytest.fixture
def log_lines() -> list[str]:
    """Where the apps of a test write their log lines."""
    return []


@pytest.fixture
def make_app(log_lines: list[str]) -> AppFactory:
    """Make an app with extra CONFIRMCHECK_* settings (names without the prefix)."""

    def make(**settings: str) -> Flask:
        config: dict[str, object] = {
            "CONFIRMCHECK_SECRET": SECRET,
            "NOW": lambda: float(NOW),
            "LOG": log_lines.append,
        }
        config.update({"CONFIRMCHECK_" + k: v for k, v in settings.items()})
        return create_app(config)

    return make


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> DocumentedClient:
    return documented(app)


@pytest.fixture
def client_for(make_app: AppFactory) -> Callable[..., DocumentedClient]:
    """A documented client for an app with extra settings."""

    def make(**settings: str) -> DocumentedClient:
        return documented(make_app(**settings))

    return make


@pytest.fixture
def logs(log_lines: list[str]) -> Callable[[], list[dict[str, Any]]]:
    """The log lines written so far, decoded."""
    return lambda: [json.loads(line) for line in log_lines]
