"""Applying: a participant submits an application, which starts its agreement's workflow."""

from __future__ import annotations

from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Depends, Response

from api.accounts import User
from api.acting import submit
from api.deps import Services, permitted_to
from api.errors import ApiError, error_responses
from api.reading import agreement_view
from api.schemas import AgreementView, ApplicationSubmission
from domain.agreement.permissions import OWN_AGREEMENT_BASIS
from workflows.agreement import workflow_id

router = APIRouter(tags=["applications"])


@router.post(
    "/applications",
    status_code=201,
    response_model=AgreementView,
    responses=error_responses(401, 403, 409),
)
async def submit_application(
    submission: ApplicationSubmission,
    user: Annotated[User, Depends(permitted_to("SubmitApplication"))],
    services: Services,
    response: Response,
) -> AgreementView:
    """Submit an application (participants only, for their own BIN).

    It is registered and screened at once: the answer is the new agreement, ``in_review`` or,
    when a hard rule fails, ``refused`` with every reason and its legal basis in the state's
    findings. ``Location`` names the agreement.
    """
    if submission.form.bin != user.bin:
        raise ApiError(
            403,
            "not_own_agreement",
            f"{user.id} applies for BIN {user.bin or '(none)'} only, not {submission.form.bin}",
            field="form.bin",
            legal_basis=[OWN_AGREEMENT_BASIS],
        )
    agreement_id = submission.agreement_id or uuid4().hex
    if await services.store.stream_version(workflow_id(agreement_id)) > 0:
        raise ApiError(
            409,
            "agreement_exists",
            f"agreement {agreement_id!r} exists already: an id is used once",
            field="agreement_id",
        )
    state = await submit(services, agreement_id, submission.form, user)
    response.headers["Location"] = f"/api/agreements/{agreement_id}"
    return agreement_view(agreement_id, state)
