"""What the relay counts, for whoever collects it.

The relay reports each mail to a :class:`RelayMetrics`: its outcome (``complete``,
``incomplete``, ``held`` or ``skipped`` with a reason) and what the upstream
answered (``accepted``, ``temporary``, ``permanent``, ``unreachable``).
:class:`Counts` keeps them in memory (tests, the log); :func:`prometheus_metrics`
exposes them as Prometheus counters (``--metrics-listen`` serves them, or a
service that serves ``/metrics`` registers them in its registry). No
label holds a guest's data: only these fixed words.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

__all__ = ["Counts", "RelayMetrics", "prometheus_metrics", "serve_metrics"]


class RelayMetrics(Protocol):
    """Where the relay reports what it did with each mail."""

    def mail(self, outcome: str, reason: str) -> None:
        """One mail's outcome; ``reason`` is empty unless it was skipped."""

    def upstream(self, result: str) -> None:
        """What the upstream answered for one mail."""


class Counts:
    """The relay's counters in memory."""

    def __init__(self) -> None:
        self.mails: Counter[tuple[str, str]] = Counter()
        self.upstreams: Counter[str] = Counter()

    def mail(self, outcome: str, reason: str) -> None:
        self.mails[outcome, reason] += 1

    def upstream(self, result: str) -> None:
        self.upstreams[result] += 1


class _Prometheus:
    def __init__(self, registry: Any) -> None:
        from prometheus_client import Counter as PromCounter

        self._mails = PromCounter(
            "confirmcheck_relay_mails",
            "Mails through the relay by outcome (complete, incomplete, held, "
            "skipped) and the reason a mail was skipped",
            ["outcome", "reason"],
            registry=registry,
        )
        self._upstream = PromCounter(
            "confirmcheck_relay_upstream",
            "Upstream answers by result (accepted, temporary, permanent, unreachable)",
            ["result"],
            registry=registry,
        )

    def mail(self, outcome: str, reason: str) -> None:
        self._mails.labels(outcome=outcome, reason=reason).inc()

    def upstream(self, result: str) -> None:
        self._upstream.labels(result=result).inc()


def prometheus_metrics(registry: Any = None) -> RelayMetrics:
    """Counters in a ``prometheus_client`` registry (its default one unless
    given); needs prometheus-client installed."""
    if registry is None:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    return _Prometheus(registry)


def serve_metrics(host: str, port: int) -> None:
    """Serve prometheus_client's default registry at ``http://host:port/metrics``
    from a thread of this process (``confirmcheck relay --metrics-listen``)."""
    from prometheus_client import start_http_server

    start_http_server(port, addr=host)
