"""OpenTelemetry traces of the service, when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.

Needs ``pip install "confirmcheck[otel]"``. Every request becomes a span named
after its route pattern (``POST /v1/check``), exported over OTLP/HTTP to the
collector OpenTelemetry's own ``OTEL_*`` variables name; the service is called
``confirmcheck-webhook`` unless ``OTEL_SERVICE_NAME`` says otherwise. The spans
hold what the instrumentation records about HTTP (method, route, path, status,
peer address): no body, hence no stays, names or mails. Errors are answered by
the app's own handlers, so no exception message (which may quote input) reaches a
span; do not turn on the instrumentation's header capture for ``webhook-*`` or
``Authorization``. Liveness, readiness and metrics requests are not traced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

__all__ = ["SERVICE_NAME", "UNTRACED", "instrument"]

SERVICE_NAME = "confirmcheck-webhook"
#: Requests that are not traced (regular expressions over the URL).
UNTRACED = "/healthz,/readyz,/metrics"


def instrument(app: Flask, *, exporter: SpanExporter | None = None) -> TracerProvider:
    """Trace every request of ``app``; spans go to ``exporter`` (OTLP by default).

    Returns the tracer provider, whose ``force_flush`` and ``shutdown`` send what
    is still buffered.
    """
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        exporter = OTLPSpanExporter()
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": SERVICE_NAME}))
    provider = TracerProvider(resource=resource)
    # The batch processor restarts its thread in each gunicorn worker after the
    # fork (the SDK registers that itself).
    provider.add_span_processor(BatchSpanProcessor(exporter))
    FlaskInstrumentor().instrument_app(  # type: ignore[no-untyped-call]
        app, tracer_provider=provider, excluded_urls=UNTRACED
    )
    return provider
