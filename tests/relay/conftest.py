"""Fixtures of the relay's tests: a sink, a registry file, and relays to start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from confirmcheck.registry import make_entry, open_registry
from tests.relay.support import STORY, Relay, Sink


@pytest.fixture
def sink() -> Iterator[Sink]:
    upstream = Sink()
    upstream.start()
    yield upstream
    upstream.stop()


@pytest.fixture
def registry_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'requests.db'}"


@pytest.fixture
def story_registered(registry_url: str) -> str:
    """The story's request stored under AB-4711; the reference."""
    registry = open_registry(registry_url)
    registry.put(
        make_entry(
            "AB-4711",
            (STORY / "requested.json").read_bytes(),
            stored_at=dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
        )
    )
    registry.close()
    return "AB-4711"


StartRelay = Callable[..., Relay]


@pytest.fixture
def start_relay(sink: Sink, registry_url: str) -> Iterator[StartRelay]:
    """Start a relay forwarding to the sink; extra arguments replace the access
    rule (--allow 127.0.0.1/32 unless given)."""
    started: list[Relay] = []

    def start(*extra: str, access: tuple[str, ...] | None = None) -> Relay:
        args = [
            "--listen", "127.0.0.1:0",
            "--forward", f"127.0.0.1:{sink.port}",
            "--forward-tls", "none",
            "--registry", registry_url,
            "--ref-header", "X-Reservation-Id",
            # The story's nights are in 2026: its request must outlive the
            # relay's start-up purge whatever today's date.
            "--retention-days", "36500",
            *(access if access is not None else ("--allow", "127.0.0.1/32")),
            *extra,
        ]  # fmt: skip
        relay = Relay(args)
        started.append(relay)
        return relay

    yield start
    for relay in started:
        relay.stop()


@pytest.fixture
def story_registered_by_webhook(registry_url: str) -> str:
    """The story's request stored under AB-4711 by the booking engine's call,
    ``PUT /v1/requests/AB-4711`` on the webhook; the reference."""
    import json

    from tests.webhook.helpers import NOW, SECRET, sign_headers
    from webhook import create_app

    app = create_app(
        {
            "CONFIRMCHECK_SECRET": SECRET,
            "CONFIRMCHECK_REGISTRY": registry_url,
            "NOW": lambda: float(NOW),
            "LOG": lambda line: None,
        }
    )
    body = json.dumps(
        {"requested": json.loads((STORY / "requested.json").read_text("utf-8"))}
    )
    answer = app.test_client().put(
        "/v1/requests/AB-4711", data=body, headers=sign_headers(body)
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    app.extensions["confirmcheck.registry"].close()
    return "AB-4711"
