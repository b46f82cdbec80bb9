"""pit's own metrics, recorded through the Temporal SDK's metric meter: they are exported with
the SDK's on the worker's Prometheus endpoint (PIT_METRICS_ADDRESS), labelled like the SDK's
(task queue, activity type). Outside an activity (a test calling a method directly) they are
not recorded."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity


def count(name: str, value: int, description: str, **attributes: str) -> None:
    """Add ``value`` to the counter ``name`` (with ``attributes`` as labels)."""
    if activity.in_activity():
        counter = activity.metric_meter().create_counter(name, description)
        counter.add(value, dict(attributes))


def took(name: str, elapsed: timedelta, description: str, **attributes: str) -> None:
    """Record ``elapsed`` in the millisecond histogram ``name``."""
    if activity.in_activity():
        histogram = activity.metric_meter().create_histogram_timedelta(name, description, "ms")
        histogram.record(elapsed, dict(attributes))
