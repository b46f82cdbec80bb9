"""The API's own request and response bodies (the domain's models are used as they are
wherever they fit: commands, the application form, the agreement's state)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.accounts import AccountRole, User
from domain.agreement import AgreementState, Status
from domain.agreement.reminders import Reminder
from domain.application import ApplicationForm
from domain.indicators import Indicator
from domain.values import PlainText
from domain.zone_indicators import IndicatorStanding, ZoneActuals
from projections import OpenDeadline, ParticipantCounts, TaskKind

AGREEMENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

AgreementId = Annotated[
    str,
    Field(
        pattern=AGREEMENT_ID_PATTERN,
        description="An agreement's id: 1-100 letters, digits, '.', '_' or '-', starting with a "
        "letter or digit",
        examples=["demo-001"],
    ),
]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UserView(_Body):
    """The authenticated user, as the API shows it."""

    id: str
    display_name: str
    role: AccountRole
    bin: str | None = Field(description="A participant's BIN; None for staff")

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(id=user.id, display_name=user.display_name, role=user.role, bin=user.bin)


class LoginRequest(_Body):
    """A login and its password."""

    login: PlainText = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class SessionView(_Body):
    """Who is logged in; ``csrf_token`` (cookie sessions only) goes in ``X-CSRF-Token`` on
    every POST and DELETE."""

    user: UserView
    csrf_token: str | None


class ApplicationSubmission(_Body):
    """A participant's application; its BIN must be the participant's own.

    ``agreement_id`` names the new agreement; pit makes one when it is left out. Sending the
    same id again never makes a second agreement (a retry after a lost answer is refused with
    ``agreement_exists`` and the first one stands).
    """

    agreement_id: AgreementId | None = None
    form: ApplicationForm


class AgreementView(_Body):
    """An agreement as its stream folds now, with its open deadlines (each with its basis).

    ``deadlines`` include those the system has already recorded as missed while the matter is
    still open (``missed``).
    """

    agreement_id: str
    status: Status
    version: int = Field(description="How many events the agreement's stream has")
    bin: str | None
    name: str | None
    agreement_number: str | None
    state: AgreementState
    deadlines: list[OpenDeadline]


class AgreementDetail(AgreementView):
    """The detail view: the fold of the stream (always current) and the reminders the
    agreement's workflow still plans (None when the workflow could not be asked now)."""

    upcoming_reminders: list[Reminder] | None


class ActorView(_Body):
    id: str
    role: str


class TimelineEvent(_Body):
    """One event of an agreement's stream, as the log records it (older shapes lifted)."""

    version: int
    type: str
    schema_version: int = Field(description="The shape the event was stored with")
    occurred_at: AwareDatetime = Field(description="Business time, from the workflow's clock")
    recorded_at: AwareDatetime = Field(description="When the log recorded it")
    actor: ActorView
    legal_basis: list[str]
    rule_set_version: str
    correlation_id: str
    data: dict[str, Any] = Field(description="The event's own fields, in its current shape")


class Timeline(_Body):
    agreement_id: str
    events: list[TimelineEvent]


class TaskClaim(_Body):
    """A task of the inbox and who holds it now (None: released)."""

    agreement_id: str
    kind: TaskKind
    related_id: str
    claimed_by: str | None
    claimed_at: datetime | None


class IndicatorLevelView(_Body):
    indicator: Indicator
    unit: str
    year: int
    target: Decimal
    critical: Decimal | None


class ZoneIndicators(_Body):
    """The zone's target indicators and critical levels, as its stream has them (the seed's
    annex values and any set since); blank ones are not listed."""

    zone_code: str
    established: bool
    levels: list[IndicatorLevelView]


class ZoneDashboard(_Body):
    """The zone's results for the management company's report [Decree 1166 Reg. §9.4]: the
    participants register counted, and the zone's figures per year from the accepted annual
    reports, each indicator set against the level for its year.

    ``actuals`` are in KZT, counts and basis points; ``indicators`` in the annex's units
    (investment and production in billions of KZT). Kazakhstani content is the share of the
    year's production (weighted by each report's production volume). ``assessment`` is
    ``at_or_above_target``, ``between`` or ``below_critical``; null where the year has no level
    or no figure. Everything comes from read models and the zone's stream as of ``as_of``.
    """

    zone_code: str
    established: bool
    as_of: AwareDatetime
    participants: ParticipantCounts
    actuals: list[ZoneActuals]
    indicators: list[IndicatorStanding]


class Health(_Body):
    status: str
