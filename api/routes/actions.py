"""Every lifecycle action a person takes, one operation each:
``POST /api/agreements/{agreement_id}/actions/{CommandType}``.

The body is the command's fields (its ``type`` comes from the path and may be left out); the
actor is always the authenticated user. The command types are the domain's own (the same names
the inbox lists as a task's ``commands``). pit's own system commands (lapses, overdue marks,
notices, reminders) are its timers' and have no operation here.

Checked in this order: credentials (401), the role by the domain's PERMISSIONS (403), the input
(422), the agreement (404), then the workflow decides: 409 with the rule's code and legal basis
when it refuses, and the refusal is recorded.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any, cast, get_args

from fastapi import APIRouter, Body, Depends, Header

from api.accounts import User
from api.acting import act
from api.deps import Services, permitted_to
from api.errors import ApiError, error_responses
from api.reading import agreement_view, require_agreement
from api.routes.agreements import AgreementIdPath
from api.schemas import AgreementView
from domain.actors import Role
from domain.agreement import PERMISSIONS, AgreementCommand, Command, allowed_roles

router = APIRouter(tags=["actions"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9._:-]{1,100}$",
        description="Retrying with the same key returns the first attempt's answer",
    ),
]


def command_classes() -> tuple[type[Command], ...]:
    """Every command model of the domain's union, in its order."""
    union = get_args(AgreementCommand)[0]
    return tuple(cast(tuple[type[Command], ...], get_args(union)))


def command_type(command_class: type[Command]) -> str:
    """The ``type`` a command model fixes (``"RecommendConclusion"``)."""
    return str(command_class.model_fields["type"].default)


def person_actions() -> tuple[type[Command], ...]:
    """The commands a person may take on an existing agreement: those PERMISSIONS allows some
    role other than pit's own system, submission apart (``POST /api/applications``)."""
    return tuple(
        c
        for c in command_classes()
        if command_type(c) != "SubmitApplication"
        and command_type(c) in PERMISSIONS
        and allowed_roles(command_type(c)) - {Role.SYSTEM}
    )


def _holds_nul(value: object) -> bool:
    """Whether any text in ``value`` has a NUL, which the event log cannot keep (most of the
    domain's text types refuse it already; this catches the rest before the workflow does)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    return False


def _action_endpoint(command_class: type[Command]) -> Any:
    name = command_type(command_class)
    needs_body = any(
        field.is_required() for key, field in command_class.model_fields.items() if key != "type"
    )

    async def take_action(
        agreement_id: AgreementIdPath,
        user: User,
        services: Services,
        command: Command | None,
        idempotency_key: IdempotencyKey = None,
    ) -> AgreementView:
        chosen = command if command is not None else command_class.model_validate({})
        if _holds_nul(chosen.model_dump()):
            raise ApiError(
                422,
                "invalid_input",
                "text must not contain the NUL character (U+0000)",
            )
        await require_agreement(services, agreement_id, user)
        state = await act(
            services,
            agreement_id,
            cast(AgreementCommand, chosen),
            user,
            idempotency_key=idempotency_key,
        )
        return agreement_view(agreement_id, state)

    # FastAPI reads the body's model and the role check from the signature: give it this
    # command's model, required when the command has fields to fill.
    signature = inspect.signature(take_action)
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.name == "user":
            parameter = parameter.replace(annotation=Annotated[User, Depends(permitted_to(name))])
        elif parameter.name == "command" and needs_body:
            parameter = parameter.replace(annotation=Annotated[command_class, Body()])
        elif parameter.name == "command":
            parameter = parameter.replace(
                annotation=Annotated[command_class | None, Body()], default=None
            )
        parameters.append(parameter)
    take_action.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters
    )
    take_action.__name__ = f"act_{name}"
    take_action.__doc__ = command_class.__doc__
    return take_action


for _command_class in person_actions():
    _name = command_type(_command_class)
    _roles = ", ".join(sorted(r.value for r in allowed_roles(_name) - {Role.SYSTEM}))
    router.add_api_route(
        f"/agreements/{{agreement_id}}/actions/{_name}",
        _action_endpoint(_command_class),
        methods=["POST"],
        response_model=AgreementView,
        responses=error_responses(401, 403, 404, 409),
        operation_id=f"act_{_name}",
        summary=f"{_name} (by: {_roles})",
    )
