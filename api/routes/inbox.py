"""The inbox: the open tasks the user's role may take, soonest due first; claim and release.

Tasks come from the projections (they may lag an action by a moment). Tasks the four-eyes rule
bars the user from are left out; a participant sees the tasks of its own BIN's agreements.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.accounts import User
from api.deps import ActingUser, ReadingUser, Services, role_refusal
from api.errors import ApiError, error_responses
from api.routes.agreements import AgreementIdPath
from api.schemas import AGREEMENT_ID_PATTERN, TaskClaim
from api.services import ApiServices
from domain.actors import Role
from projections import MAX_LIMIT, InboxItem, TaskKind

router = APIRouter(tags=["inbox"])

RelatedId = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="The matter the task is about (a report's id, an amendment's...); the "
        "agreement's id when left out",
    ),
]


async def _inbox(
    services: ApiServices,
    user: User,
    *,
    agreement_id: str | None = None,
    limit: int = 100,
) -> list[InboxItem]:
    actor = user.actor()
    if actor.role is Role.APPLICANT and actor.bin is None:
        return []
    return await services.read_models.get_inbox(
        actor.role,
        actor.id,
        now=services.clock(),
        bin=actor.bin if actor.role is Role.APPLICANT else None,
        agreement_id=agreement_id,
        limit=limit,
    )


@router.get("/inbox", response_model=list[InboxItem], responses=error_responses(401))
async def inbox(
    user: ReadingUser,
    services: Services,
    agreement_id: Annotated[str | None, Query(pattern=AGREEMENT_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> list[InboxItem]:
    """The open tasks the user may take now: those of their role, soonest due first (with
    whether each is overdue and who has claimed it); ``commands`` are the actions that settle a
    task (``POST /api/agreements/{agreement_id}/actions/{command}``)."""
    return await _inbox(services, user, agreement_id=agreement_id, limit=limit)


async def _task(
    services: ApiServices, user: User, agreement_id: str, kind: TaskKind, related_id: str | None
) -> InboxItem:
    if user.actor().role is Role.AUDITOR:
        raise role_refusal(user, "take tasks", frozenset({Role.REVIEWER, Role.APPROVER}))
    matter = related_id or agreement_id
    for item in await _inbox(services, user, agreement_id=agreement_id, limit=MAX_LIMIT):
        if item.kind == kind.value and item.related_id == matter:
            return item
    raise ApiError(
        404,
        "task_not_found",
        f"no open task {kind.value} on {matter!r} of agreement {agreement_id!r} in your inbox",
        field="kind",
    )


@router.post(
    "/inbox/{agreement_id}/{kind}/claim",
    response_model=TaskClaim,
    responses=error_responses(401, 403, 404, 409),
)
async def claim_task(
    agreement_id: AgreementIdPath,
    kind: TaskKind,
    user: ActingUser,
    services: Services,
    related_id: RelatedId = None,
) -> TaskClaim:
    """Claim a task of your inbox, so that colleagues see you are on it (claiming your own
    claim again renews it); 409 ``task_claimed`` when someone else holds it."""
    item = await _task(services, user, agreement_id, kind, related_id)
    now = services.clock()
    claimed = await services.read_models.claim_task(
        agreement_id, item.kind, item.related_id, actor_id=user.id, now=now
    )
    if not claimed:
        raise ApiError(
            409,
            "task_claimed",
            f"the task is claimed by {item.claimed_by or 'someone else'}",
            field="kind",
        )
    return TaskClaim(
        agreement_id=agreement_id,
        kind=kind,
        related_id=item.related_id,
        claimed_by=user.id,
        claimed_at=now,
    )


@router.post(
    "/inbox/{agreement_id}/{kind}/release",
    response_model=TaskClaim,
    responses=error_responses(401, 403, 404, 409),
)
async def release_task(
    agreement_id: AgreementIdPath,
    kind: TaskKind,
    user: ActingUser,
    services: Services,
    related_id: RelatedId = None,
) -> TaskClaim:
    """Release your claim on a task; 409 ``not_claimed_by_you`` when you do not hold it."""
    item = await _task(services, user, agreement_id, kind, related_id)
    released = await services.read_models.release_task(
        agreement_id, item.kind, item.related_id, actor_id=user.id
    )
    if not released:
        raise ApiError(409, "not_claimed_by_you", "you hold no claim on this task", field="kind")
    return TaskClaim(
        agreement_id=agreement_id,
        kind=kind,
        related_id=item.related_id,
        claimed_by=None,
        claimed_at=None,
    )
