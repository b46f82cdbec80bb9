"""Monitoring: the deadlines past due across the zone, and the participants register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReadingUser, Services, require_staff_reader
from api.errors import error_responses
from domain.actors import Role
from domain.agreement import Status
from domain.values import PlainText
from projections import MAX_LIMIT, OverdueDeadline, ParticipantPage

router = APIRouter(tags=["monitoring"])


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
