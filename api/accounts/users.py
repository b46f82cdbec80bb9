"""Who may log in to pit: a user's record, its role, and the rules a new user must meet."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from activities.mail import EmailAddress
from api.accounts.errors import InvalidAccountInput
from domain.actors import Actor, Role
from domain.bin import parse_bin, require_eligible_participant
from domain.errors import DomainError

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
"""A login: 3-64 lower-case letters, digits, dots, dashes and underscores (``reviewer-aliya``)."""

MAX_DISPLAY_NAME = 200


class AccountRole(StrEnum):
    """The roles a person can have. pit's own ``system`` role is no one's to log in as."""

    PARTICIPANT = "participant"  # bound to its BIN: sees and acts on its own agreements only
    REVIEWER = "reviewer"
    APPROVER = "approver"
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # users and the zone's configuration

    @property
    def domain_role(self) -> Role:
        """The domain's name for this role: a participant acts as the domain's applicant."""
        return Role.APPLICANT if self is AccountRole.PARTICIPANT else Role(self.value)


class User(BaseModel):
    """A user as the API sees it; the password hash never leaves the store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    display_name: str
    email: str | None
    role: AccountRole
    bin: str | None
    created_at: datetime
    disabled_at: datetime | None

    @property
    def disabled(self) -> bool:
        """True while the user may not log in."""
        return self.disabled_at is not None

    def actor(self) -> Actor:
        """The domain actor this user acts as: the actor of every event they cause."""
        return Actor(id=self.id, role=self.role.domain_role, bin=self.bin)


def check_login(login: str) -> str:
    """Refuse a login that does not match :data:`LOGIN_PATTERN`.

    Raises:
        InvalidAccountInput: ``invalid_login`` on field ``login``.
    """
    if LOGIN_PATTERN.fullmatch(login) is None:
        raise InvalidAccountInput(
            f"{login!r} is not a login: 3 to 64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            code="invalid_login",
            field="login",
        )
    return login


def check_role(role: str) -> AccountRole:
    """The role named ``role``; ``system`` and unknown names are refused.

    Raises:
        InvalidAccountInput: ``invalid_role`` on field ``role``.
    """
    try:
        return AccountRole(role)
    except ValueError:
        allowed = ", ".join(r.value for r in AccountRole)
        raise InvalidAccountInput(
            f"{role!r} is not a role a person can have; one of: {allowed}",
            code="invalid_role",
            field="role",
        ) from None


def check_bin_for_role(role: AccountRole, bin_: str | None) -> str | None:
    """A participant needs the valid BIN of an eligible legal entity; staff have none.

    Raises:
        InvalidAccountInput: ``bin_required``, ``bin_not_allowed``, or the domain's BIN code
            (``invalid_bin``, ``bin_not_legal_entity``, ``bin_not_head_office``), on ``bin``.
    """
    if role is not AccountRole.PARTICIPANT:
        if bin_ is not None:
            raise InvalidAccountInput(
                f"a {role.value} acts for the management company and has no BIN; "
                "only a participant is bound to one",
                code="bin_not_allowed",
                field="bin",
            )
        return None
    if not bin_:
        raise InvalidAccountInput(
            "a participant is bound to the BIN of its legal entity: give one",
            code="bin_required",
            field="bin",
        )
    try:
        require_eligible_participant(parse_bin(bin_))
    except DomainError as refused:
        raise InvalidAccountInput(refused.message, code=refused.code, field="bin") from None
    return bin_


_EMAIL = TypeAdapter(EmailAddress)


def check_email(email: str | None) -> str | None:
    """An address pit can send mail to (the same rule as its outbound mail), or None.

    Raises:
        InvalidAccountInput: ``invalid_email`` on field ``email``.
    """
    if email is None:
        return None
    try:
        return _EMAIL.validate_python(email)
    except ValidationError:
        raise InvalidAccountInput(
            f"{email!r} is not an e-mail address", code="invalid_email", field="email"
        ) from None


def check_display_name(name: str) -> str:
    """A name to show: 1-200 printable characters, trimmed.

    Raises:
        InvalidAccountInput: ``invalid_name`` on field ``display_name``.
    """
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= MAX_DISPLAY_NAME or not trimmed.isprintable():
        raise InvalidAccountInput(
            f"a display name has 1 to {MAX_DISPLAY_NAME} printable characters",
            code="invalid_name",
            field="display_name",
        )
    return trimmed
