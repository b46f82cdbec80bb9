"""Reading agreements: the list (a projection, which may lag an action by a moment), and one
agreement's detail and timeline (its stream folded at the time of asking: always current)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ReadingUser, Services
from api.errors import ApiError, error_responses
from api.reading import agreement_view, read_agreement, reminders_for, upcoming_reminders
from api.schemas import AGREEMENT_ID_PATTERN, ActorView, AgreementDetail, Timeline, TimelineEvent
from domain.actors import Role
from domain.agreement import Status
from domain.application import PriorityArea
from domain.values import PlainText
from projections import MAX_LIMIT, AgreementFilters, AgreementPage
from projections.queries import decode_cursor

router = APIRouter(tags=["agreements"])

AgreementIdPath = Annotated[
    str, Path(pattern=AGREEMENT_ID_PATTERN, description="The agreement's id", examples=["demo-001"])
]


def _check_cursor(cursor: str | None) -> None:
    # decode_cursor refuses what is no cursor; a NUL would pass it and fail in PostgreSQL.
    if cursor is not None and "\x00" in decode_cursor(cursor)[1]:
        raise ApiError(422, "invalid_input", "cursor is malformed", field="cursor")


@router.get("/agreements", response_model=AgreementPage, responses=error_responses(401))
async def list_agreements(
    user: ReadingUser,
    services: Services,
    status: Annotated[list[Status] | None, Query(description="Any of these statuses")] = None,
    oked_section: Annotated[
        str | None, Query(pattern=r"^[A-U]$", description="OKED section letter, e.g. J")
    ] = None,
    priority_area: PriorityArea | None = None,
    overdue: Annotated[
        bool | None, Query(description="Only with (true) or without (false) a deadline past due")
    ] = None,
    bin: Annotated[str | None, Query(pattern=r"^\d{12}$", description="Exactly this BIN")] = None,
    q: Annotated[
        PlainText | None,
        Query(max_length=200, description="A BIN prefix, or part of the name or the number"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="`next_cursor` of the previous page")
    ] = None,
) -> AgreementPage:
    """Agreements, newest first, from the projections.

    The list is a read model kept by a catch-up subscription on the event log: right after an
    action it may show the agreement as it was a moment before (the detail, which folds the
    stream, is always current). A participant sees the agreements of its own BIN only, whatever
    ``bin`` it asks for.
    """
    actor = user.actor()
    if actor.role is Role.APPLICANT:
        if actor.bin is None:
            return AgreementPage(items=(), next_cursor=None)
        bin = actor.bin
    _check_cursor(cursor)
    filters = AgreementFilters(
        statuses=tuple(status or ()),
        oked_section=oked_section,
        priority_area=priority_area,
        overdue=overdue,
        bin=bin,
    )
    return await services.read_models.list_agreements(
        filters, q, now=services.clock(), limit=limit, cursor=cursor
    )


@router.get(
    "/agreements/{agreement_id}",
    response_model=AgreementDetail,
    responses=error_responses(401, 404),
)
async def agreement_detail(
    agreement_id: AgreementIdPath, user: ReadingUser, services: Services
) -> AgreementDetail:
    """One agreement: its state folded from its stream now, its open deadlines with their
    legal basis, and the reminders its workflow still plans (None if it cannot be asked): to a
    participant, those pit will write to it."""
    read = await read_agreement(services, agreement_id, user)
    view = agreement_view(agreement_id, read.state)
    planned = await upcoming_reminders(services, agreement_id, read.state)
    return AgreementDetail(**dict(view), upcoming_reminders=reminders_for(user, planned))


@router.get(
    "/agreements/{agreement_id}/timeline",
    response_model=Timeline,
    responses=error_responses(401, 404),
)
async def agreement_timeline(
    agreement_id: AgreementIdPath, user: ReadingUser, services: Services
) -> Timeline:
    """Every event of the agreement, oldest first: when, who, what, on which legal basis and
    rule set; refused attempts (``ActionRefused``) included."""
    read = await read_agreement(services, agreement_id, user)
    envelope = {"type", "schema_version", "occurred_at", "actor", "legal_basis", "rule_set_version"}
    return Timeline(
        agreement_id=agreement_id,
        events=[
            TimelineEvent(
                version=recorded.stream_version,
                type=recorded.type,
                schema_version=recorded.schema_version,
                occurred_at=recorded.metadata.occurred_at,
                recorded_at=recorded.recorded_at,
                actor=ActorView(id=recorded.metadata.actor_id, role=recorded.metadata.actor_role),
                legal_basis=list(recorded.metadata.legal_basis),
                rule_set_version=recorded.metadata.rule_set_version,
                correlation_id=recorded.metadata.correlation_id,
                data=event.model_dump(mode="json", exclude=envelope),
            )
            for recorded, event in zip(read.recorded, read.events, strict=True)
        ],
    )
