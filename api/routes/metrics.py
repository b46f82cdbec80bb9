"""``GET /metrics``: the API's metrics for Prometheus (api.metrics), at the path Prometheus
scrapes by default, beside ``/api`` rather than under it (its answer is the exposition format,
not JSON).

It needs no credentials unless ``PIT_METRICS_TOKEN`` is set; then it answers 401 to a scrape
without ``Authorization: Bearer <that token>``. The counts are the zone's totals (agreements by
status, overdue deadlines, staff tasks past due): no BIN, name or agreement is ever a label.
Whatever the database does, a scrape answers 200 (``pit_up{component="database"} 0`` when the
read models cannot be read within the scrape's time), never a 500.
"""

from __future__ import annotations

import asyncio
import hmac
from datetime import datetime, timedelta
from typing import cast

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client.exposition import choose_encoder

from api.deps import Services
from api.errors import not_authenticated
from api.metrics import ApiMetrics, Reading, ReadModelCollector
from api.services import ApiServices
from projections import SUBSCRIPTION_ID, ReadModelGauges

router = APIRouter(tags=["monitoring"])

_log = structlog.get_logger(__name__)

SCRAPE_BUDGET = timedelta(seconds=2)
"""How long a scrape may wait for the database (connecting included) before it answers
``pit_up{component="database"} 0``."""
STATEMENT_TIMEOUT = timedelta(milliseconds=1500)
"""How long the server lets each of the scrape's queries run."""

BEARER = "bearer "


def _authorized(services: ApiServices, request: Request) -> None:
    # Read here rather than declared: the token is optional in the API's contract (needed only
    # where the operator set one), as the OpenAPI document says in words.
    expected = services.metrics_token
    if expected is None:
        return
    given = request.headers.get("authorization", "")
    offered = given[len(BEARER) :] if given.lower().startswith(BEARER) else ""
    if not hmac.compare_digest(offered.encode(), expected.get_secret_value().encode()):
        raise not_authenticated(
            "not_authenticated", "the metrics need the bearer token PIT_METRICS_TOKEN"
        )


async def _gauges(services: ApiServices, now: datetime) -> ReadModelGauges | None:
    try:
        async with asyncio.timeout(SCRAPE_BUDGET.total_seconds()):
            return await services.read_models.gauges(
                now, subscription_id=SUBSCRIPTION_ID, statement_timeout=STATEMENT_TIMEOUT
            )
    # A scrape answers whatever went wrong (unreachable, slow, not migrated): the reason goes
    # to the log, the state to pit_up.
    except Exception as error:
        _log.warning("metrics_database_unavailable", error=repr(error))
        return None


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        200: {"description": "The metrics, in Prometheus' text format (or OpenMetrics)"},
        401: {
            "description": "`PIT_METRICS_TOKEN` is set and the request did not bear it",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        },
    },
)
async def metrics(request: Request, services: Services) -> Response:
    """The API's metrics for Prometheus: requests by route and status and their latency;
    agreements not in a final status by status; overdue deadlines by kind; the staff's tasks
    past due by kind; how far the projections lag the log; the latest signed checkpoint's size
    and age. No credentials unless the API was started with `PIT_METRICS_TOKEN`; then
    `Authorization: Bearer <that token>`. Always 200 once authorized:
    `pit_up{component="database"} 0` says the read models could not be read."""
    _authorized(services, request)
    now = services.clock()
    reading = Reading(now=now, gauges=await _gauges(services, now))
    api_metrics = cast(ApiMetrics, request.app.state.metrics)
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    with ReadModelCollector.reading(reading):
        body = encode(api_metrics.registry)
    return Response(content=body, media_type=content_type)
