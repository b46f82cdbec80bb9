"""Monitoring: whether pit's services answer, the deadlines past due across the zone, and the
participants register."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated, Literal

import structlog
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from api.deps import ReadingUser, Services, require_staff_reader
from api.errors import error_responses
from domain.actors import Role
from domain.agreement import Status
from domain.values import PlainText
from eventstore import EventStore, PostgresEventStore
from projections import MAX_LIMIT, OverdueDeadline, ParticipantPage

router = APIRouter(tags=["monitoring"])

_log = structlog.get_logger(__name__)

READINESS_TIMEOUT = timedelta(seconds=2)
"""How long each check may take: a probe that hangs is as good as a failed one."""

Check = Literal["ok", "unavailable"]


class Readiness(BaseModel):
    """Whether each service pit needs answers now (the same shape with 200 and 503)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    postgres: Check
    temporal: Check


async def _postgres(store: EventStore) -> Check:
    try:
        async with asyncio.timeout(READINESS_TIMEOUT.total_seconds()):
            if isinstance(store, PostgresEventStore):
                async with store.connection("checking readiness") as connection:
                    await connection.fetchval("SELECT 1")
            else:  # a store of another kind: one cheap read through its own interface
                await store.stream_version("readiness-probe")
    # A probe answers whatever went wrong (a refused or hung connection, a pool being closed,
    # a store error): the reason goes to the log, never to the unauthenticated caller.
    except Exception as error:
        _log.warning("readiness_postgres_unavailable", error=repr(error))
        return "unavailable"
    return "ok"


async def _temporal(client: Client) -> Check:
    try:
        # DescribeNamespace proves both that the frontend answers and that pit's namespace is
        # there; the RPC's own deadline bounds it, and asyncio's in case connecting hangs.
        async with asyncio.timeout(READINESS_TIMEOUT.total_seconds()):
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=client.namespace),
                retry=False,
                timeout=READINESS_TIMEOUT,
            )
    except Exception as error:  # as above
        _log.warning("readiness_temporal_unavailable", error=repr(error))
        return "unavailable"
    return "ok"


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "PostgreSQL or Temporal is down"}},
)
async def ready(services: Services) -> JSONResponse:
    """Whether this API process can serve: PostgreSQL answers ``SELECT 1`` on the event store's
    pool and Temporal describes pit's namespace, each within 2 s (no credentials needed).
    200 when both do; 503 naming what is ``unavailable`` otherwise. ``/api/health`` stays the
    liveness check: it touches neither."""
    postgres, temporal = await asyncio.gather(
        _postgres(services.store), _temporal(services.temporal)
    )
    found = Readiness(postgres=postgres, temporal=temporal)
    if postgres == temporal == "ok":
        return JSONResponse(found.model_dump())
    return JSONResponse(found.model_dump(), status_code=503, headers={"Retry-After": "5"})


@router.get(
    "/deadlines/overdue",
    response_model=list[OverdueDeadline],
    responses=error_responses(401, 403),
)
async def overdue_deadlines(
    user: ReadingUser,
    services: Services,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = MAX_LIMIT,
) -> list[OverdueDeadline]:
    """Every open deadline past due now, the longest overdue first (staff and auditors; a
    participant finds its own deadlines in its agreement's detail)."""
    require_staff_reader(user, "read the zone's overdue deadlines")
    return await services.read_models.overdue(services.clock(), limit=limit)


@router.get("/participants", response_model=ParticipantPage, responses=error_responses(401))
async def participants(
    user: ReadingUser,
    services: Services,
    q: Annotated[
        PlainText | None, Query(max_length=200, description="A BIN prefix or part of the name")
    ] = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: Annotated[
        str | None, Query(pattern=r"^\d{12}$", description="`next_cursor` of the previous page")
    ] = None,
) -> ParticipantPage:
    """The participants register (one entry per BIN that has concluded an agreement), in BIN
    order. A participant sees its own entry only."""
    actor = user.actor()
    if actor.role is not Role.APPLICANT:
        return await services.read_models.participants(
            search=q, status=status, limit=limit, cursor=cursor
        )
    if actor.bin is None:
        return ParticipantPage(items=(), next_cursor=None)
    page = await services.read_models.participants(search=actor.bin, status=status, limit=MAX_LIMIT)
    return ParticipantPage(
        items=tuple(entry for entry in page.items if entry.bin == actor.bin), next_cursor=None
    )
