"""What a decision knows besides the command and the state: who acts, when, under which rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.actors import Actor
from domain.calendar import almaty_date
from domain.rules import RuleBook, RuleSet


class Stamp(TypedDict):
    """The fields every event takes from its decision: ``Event(**ctx.stamp(...), ...)``."""

    occurred_at: datetime
    actor: Actor
    legal_basis: tuple[str, ...]
    rule_set_version: str


class DecisionContext(BaseModel):
    """The actor (authenticated outside the domain), the business time (the workflow's clock)
    and the zone's rule book; decisions use the rule set in force on the Almaty date of ``now``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    now: AwareDatetime
    rules: RuleBook

    @property
    def today(self) -> date:
        """The date in Almaty at ``now``: the decision date."""
        return almaty_date(self.now)

    @property
    def rule_set(self) -> RuleSet:
        """The rule set in force on the decision date.

        Raises:
            RuleViolation: if no version of the rules is in force yet.
        """
        return self.rules.in_force(self.today)

    def stamp(self, *legal_basis: str, actor: Actor | None = None) -> Stamp:
        """The metadata of an event decided now: each tag once, in order; the rule-set version in
        force; the actor (pass ``actor`` for what the system does by itself, e.g. screening)."""
        return Stamp(
            occurred_at=self.now,
            actor=self.actor if actor is None else actor,
            legal_basis=tuple(dict.fromkeys(legal_basis)),
            rule_set_version=self.rule_set.version,
        )
