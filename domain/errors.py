"""The domain's errors: every refusal names its rule and its legal basis."""

from __future__ import annotations


class DomainError(Exception):
    """A command the domain refuses.

    Attributes:
        code: a stable, machine-readable name of the rule (``"oked_not_allowed"``).
        message: what a person reads: what was refused and why.
        legal_basis: the tags of DOMAIN.md the refusal rests on
            (``("Decree 1166 Reg. §3",)``); policy refusals say ``"pit policy: ..."``.
        field: the input field at fault, when the refusal is about one.
    """

    code: str = "domain_error"

    def __init__(
        self,
        message: str,
        legal_basis: tuple[str, ...] | list[str] = (),
        *,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.legal_basis = tuple(legal_basis)
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        basis = f" [{'; '.join(self.legal_basis)}]" if self.legal_basis else ""
        where = f" ({self.field})" if self.field else ""
        return f"{self.message}{where}{basis}"


class InvalidInput(DomainError):
    """Input that breaks a rule of form (a bad BIN, an unknown OKED code, a negative amount)."""

    code = "invalid_input"


class NotPermitted(DomainError):
    """The actor's role may not perform this command, or the four-eyes rule forbids it."""

    code = "not_permitted"


class InvalidTransition(DomainError):
    """The command is not allowed in the agreement's current state."""

    code = "invalid_transition"


class DeadlinePassed(DomainError):
    """The command came after its deadline."""

    code = "deadline_passed"


class RuleViolation(DomainError):
    """The command breaks a substantive rule of the zone (decree, law or policy)."""

    code = "rule_violation"
