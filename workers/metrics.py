"""The Temporal SDK's metrics, served for Prometheus on PIT_METRICS_ADDRESS (empty: off).

The SDK's core (not Python) owns the HTTP endpoint, and its Runtime binds it when created: a
process makes one Runtime per address and every client of that process shares it.
"""

from __future__ import annotations

from functools import cache

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig


class MetricsUnavailable(Exception):
    """The metrics endpoint cannot be served: the address is malformed or in use."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(f"PIT_METRICS_ADDRESS {address}: {reason}")
        self.address = address
        self.reason = reason


def metrics_url(address: str) -> str:
    """Where Prometheus scrapes the metrics served on ``address`` (host:port)."""
    return f"http://{address}/metrics"


def temporal_runtime(address: str) -> Runtime | None:
    """The Runtime whose clients and workers export metrics on ``address``; None when empty.

    None leaves the SDK's default Runtime (no metrics endpoint) in place. Asking again for the
    same address returns the same Runtime: the endpoint is bound once per process.

    Raises:
        MetricsUnavailable: the address is malformed, or the port is taken.
    """
    if not address:
        return None
    return _prometheus_runtime(address)


def made_runtimes() -> int:
    """How many Runtimes (with their Rust threads) this process made for metrics endpoints."""
    return _prometheus_runtime.cache_info().currsize


@cache
def _prometheus_runtime(address: str) -> Runtime:
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
    except ValueError as refused:  # the core's words: "Address already in use", "Invalid ..."
        raise MetricsUnavailable(address, str(refused)) from refused
