"""Recording a refused command: who tried what, and why it was refused."""

from __future__ import annotations

from domain.agreement.commands import AgreementCommand
from domain.agreement.context import DecisionContext, Stamp
from domain.agreement.events import ActionRefused
from domain.errors import DomainError, RuleViolation


def _stamp(error: DomainError, ctx: DecisionContext) -> Stamp:
    try:
        return ctx.stamp(*error.legal_basis)
    except RuleViolation:
        # No rule set is in force on that day (a clock before the zone's first version): the
        # refusal is still recorded, under the earliest version.
        return Stamp(
            occurred_at=ctx.now,
            actor=ctx.actor,
            legal_basis=tuple(dict.fromkeys(error.legal_basis)),
            rule_set_version=ctx.rules.versions[0].version,
        )


def refusal_event(
    command: AgreementCommand, error: DomainError, ctx: DecisionContext
) -> ActionRefused:
    """The event recording that ``ctx.actor``'s ``command`` was refused with ``error``.

    The workflow appends it for refused attempts by real actors (wrong role, four-eyes, wrong
    state...), then fails the update with the same reason; ``evolve`` changes nothing but the
    version for it.
    """
    return ActionRefused(
        **_stamp(error, ctx),
        command_type=command.type,
        code=error.code,
        message=error.message,
        field=error.field,
    )
