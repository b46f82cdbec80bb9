"""The API's Prometheus metrics, served by ``GET /metrics`` (api.routes.metrics) from a registry
of each app's own (never prometheus_client's global one).

- Requests: ``pit_api_requests_total{method, route, status}`` and the latency histogram
  ``pit_api_request_seconds{method, route}``. ``route`` is the matched route's template
  (``/api/agreements/{agreement_id}``), ``unmatched`` for a path no route serves, and ``method``
  one of the HTTP methods (``other`` for any other word): what a client sends cannot add series.
- The read models, counted when Prometheus scrapes (:class:`ReadModelCollector`):
  ``pit_up{component="database"}`` (0 when they could not be read: then none of the following),
  ``pit_open_agreements{status}``, ``pit_overdue_deadlines{kind}``,
  ``pit_sla_breaches{kind, roles}``, ``pit_projection_lag_events``,
  ``pit_checkpoint_tree_size``, ``pit_last_checkpoint_age_seconds`` and
  ``pit_oldest_unsigned_event_age_seconds``. Every known status and kind is exposed, 0 when
  there is none, so that a series never vanishes when its count falls to zero.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.actors import Role
from domain.agreement import TERMINAL, DeadlineKind, Status
from projections import ReadModelGauges, TaskKind
from projections.tasks import roles_for

UNMATCHED = "unmatched"
"""The ``route`` of a request no route matched (a 404 for an unknown path, a redirect)."""

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds: a read takes milliseconds, an action waits for its workflow's answer."""

OPEN_STATUSES = tuple(s.value for s in Status if s not in TERMINAL)
STAFF_TASKS = {
    kind.value: ",".join(sorted(role.value for role in roles_for(kind)))
    for kind in TaskKind
    if Role.APPLICANT not in roles_for(kind)
}
"""The kinds of task the management company's staff settle, with the roles that may."""


@dataclass(frozen=True)
class Reading:
    """What one scrape found: the read models' gauges at ``now`` (None: they could not be
    read)."""

    now: datetime
    gauges: ReadModelGauges | None


_reading: ContextVar[Reading | None] = ContextVar("pit_metrics_reading", default=None)


def _labelled(
    name: str, documentation: str, label: str, known: Iterable[str], counts: dict[str, int]
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value in sorted(set(known) | set(counts)):
        family.add_metric([value], counts.get(value, 0))
    return family


def _age(now: datetime, then: datetime) -> float:
    return max(0.0, (now - then).total_seconds())


class ReadModelCollector(Collector):
    """The read models' gauges, from the reading of the scrape under way (:meth:`reading`):
    the endpoint reads the database (asynchronously) and then encodes the registry, which asks
    this collector (synchronously) within the same request. Outside a scrape it yields
    nothing."""

    @staticmethod
    @contextmanager
    def reading(found: Reading) -> Iterator[None]:
        """Serve ``found`` to the collector while the registry is encoded."""
        token = _reading.set(found)
        try:
            yield
        finally:
            _reading.reset(token)

    def collect(self) -> Iterable[Metric]:
        found = _reading.get()
        if found is None:
            return
        up = GaugeMetricFamily(
            "pit_up", "1: the API reads the component now; 0: it cannot", labels=["component"]
        )
        up.add_metric(["database"], 0 if found.gauges is None else 1)
        yield up
        if found.gauges is None:
            return
        gauges, now = found.gauges, found.now
        yield _labelled(
            "pit_open_agreements",
            "Agreements and applications not in a final status, by status",
            "status",
            OPEN_STATUSES,
            gauges.open_agreements,
        )
        yield _labelled(
            "pit_overdue_deadlines",
            "Open deadlines past due, by kind",
            "kind",
            (kind.value for kind in DeadlineKind),
            gauges.overdue_deadlines,
        )
        breaches = GaugeMetricFamily(
            "pit_sla_breaches",
            "Open tasks of the management company's staff past their due date, by kind",
            labels=["kind", "roles"],
        )
        for kind in sorted(set(STAFF_TASKS) | set(gauges.sla_breaches)):
            breaches.add_metric([kind, STAFF_TASKS.get(kind, "")], gauges.sla_breaches.get(kind, 0))
        yield breaches
        yield GaugeMetricFamily(
            "pit_projection_lag_events",
            "Events of the log the projections have not handled yet (counted up to 100000)",
            value=gauges.projection_lag,
        )
        yield GaugeMetricFamily(
            "pit_checkpoint_tree_size",
            "Events the latest signed checkpoint covers (0: none yet)",
            value=gauges.checkpoint_tree_size,
        )
        if gauges.checkpoint_signed_at is not None:
            yield GaugeMetricFamily(
                "pit_last_checkpoint_age_seconds",
                "Seconds since the latest signed checkpoint was signed",
                value=_age(now, gauges.checkpoint_signed_at),
            )
        unsigned = gauges.oldest_unsigned_at
        yield GaugeMetricFamily(
            "pit_oldest_unsigned_event_age_seconds",
            "Seconds the oldest event no signed checkpoint covers has waited (0: none waits)",
            value=_age(now, unsigned) if unsigned is not None else 0.0,
        )


class ApiMetrics:
    """One app's metrics: the request counter and histogram, and the read models' collector,
    on a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "pit_api_requests",
            "Requests the API answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "pit_api_request_seconds",
            "Seconds the API took to answer, by method and route template",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.read_models = ReadModelCollector()
        self.registry.register(self.read_models)
        self._templates: dict[int, str] = {}
        self._mounts: set[str] = set()

    def learn_routes(self, routes: Sequence[BaseRoute]) -> None:
        """Learn the full template of every route of the app (call once all are added).

        A FastAPI that keeps included routers whole (0.16x) hands the request the route as its
        router declared it (``/agreements/{agreement_id}``, under ``/api`` or not): the
        template with the prefix is its route context's. An older FastAPI copied every included
        route with its full path, which the route itself gives.
        """
        found: list[tuple[BaseRoute, str | None]]
        try:
            from fastapi.routing import iter_route_contexts
        except ImportError:  # pragma: no cover - FastAPI before route contexts
            found = [(route, getattr(route, "path", None)) for route in routes]
        else:
            found = [
                (context.original_route, context.path) for context in iter_route_contexts(routes)
            ]
        for route, path in found:
            if path is not None:
                self._templates.setdefault(id(route), path)
                if isinstance(route, Mount):
                    self._mounts.add(path)

    def observe(self, scope: Scope, root_path: str, status: int, seconds: float) -> None:
        """Count one answered request (``root_path``: the scope's before routing)."""
        method = str(scope.get("method", "")).upper()
        method = method if method in METHODS else "other"
        route = self.template(scope, root_path)
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def template(self, scope: Scope, root_path: str) -> str:
        """The template of the route that served the request, after routing."""
        route = scope.get("route")
        if route is not None:
            path = self._templates.get(id(route)) or getattr(route, "path", None)
            if isinstance(path, str):
                return path
        # A mounted app (the console's /static) is handed the request with the mount's path
        # added to root_path, and no route of its own: its template is the mount's.
        mounted = str(scope.get("root_path", ""))
        prefix = mounted.removeprefix(root_path) if mounted.startswith(root_path) else ""
        if prefix and prefix in self._mounts:
            return f"{prefix}/{{path}}"
        return UNMATCHED


class RequestMetrics:
    """ASGI middleware: counts every HTTP request by its route's template, once answered (a
    request that raised counts as the 500 the server then answers)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        root_path = str(scope.get("root_path", ""))
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.observe(scope, root_path, status, time.perf_counter() - started)
