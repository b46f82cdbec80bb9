"""Whole agreement lifecycles (and the zone's configuration) decided by the real deciders, kept
decision by decision.

``Story`` (tests/domain/agreement/agreement_scenarios.py) keeps a flat list of events; the event
log needs more: the workflow appends each decision's events as one batch at the version the
stream had before it, and records a real actor's refused attempt as an event of its own.
``DecidedStory`` keeps those batches. The lifecycles follow the builders' timeline (submitted on
16 March 2026, approved on 31 March, concluded on 2 April...) with the builders' actors, forms
and obligations, so the stream stored here is the one the domain tests reason about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.actors import Actor, Role
from domain.agreement import (
    AgreementCommand,
    AgreementEvent,
    DeadlineKind,
    decide,
    refusal_event,
)
from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    ApproveConclusion,
    ApproveTermination,
    IssueBreachNotice,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
    TerminateForZoneEnd,
)
from domain.agreement.vocabulary import Authority
from domain.errors import DomainError
from domain.indicators import Indicator, IndicatorLevel
from domain.rules import RuleSet, ZoneTerms, decree_1166_rulebook
from domain.zone import (
    AdoptRegulationAmendment,
    ChangeZoneTerms,
    SetIndicatorLevel,
    ZoneCommand,
    ZoneEvent,
    ZoneState,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
)
from tests.domain.agreement.agreement_scenarios import (
    APPROVED_ON,
    APPROVER,
    AUDITOR,
    CONCLUDED_ON,
    PARTICIPANT,
    REVIEWER,
    SUBMITTED_ON,
    SYSTEM,
    ZONE_END,
    Story,
    at,
    form,
    notice,
    obligations,
)

# The reviewer of the application, also holding the approver's role: the four-eyes rule must
# stop them deciding what they reviewed.
REVIEWER_AS_APPROVER = Actor(id=REVIEWER.id, role=Role.APPROVER)

AGREEMENT_ID = "agr-1"
STREAM_ID = f"agreement-{AGREEMENT_ID}"


class AttemptAccepted(AssertionError):
    """A command the lifecycle expects the decider to refuse was accepted."""


@dataclass
class DecidedStory(Story):
    """A story that also keeps its decisions: the events of each command, in order.

    ``decisions[n]`` is the batch the workflow appends after ``decisions[:n]``, so its expected
    version is the number of events before it.
    """

    decisions: list[list[AgreementEvent]] = field(default_factory=list)

    def when(
        self, command: AgreementCommand, *, by: Actor, on: date | datetime
    ) -> list[AgreementEvent]:
        """Decide the command and keep its events as one decision."""
        new = super().when(command, by=by, on=on)
        self.decisions.append(new)
        return new

    def attempt(
        self, command: AgreementCommand, *, by: Actor, on: date | datetime
    ) -> list[AgreementEvent]:
        """Record a real actor's attempt the decider refuses, as the workflow does.

        Raises:
            AttemptAccepted: the decider accepted the command.
        """
        ctx = self.context(by, on)
        try:
            decide(command, self.state, ctx)
        except DomainError as error:
            refusal: list[AgreementEvent] = [refusal_event(command, error, ctx)]
            self.events.extend(refusal)
            self.decisions.append(refusal)
            return refusal
        raise AttemptAccepted(f"{command.type} by {by.id} was accepted")


class Ending(StrEnum):
    """How the breach of the lifecycle ends."""

    CURED = "cured"  # the breach is cured; the agreement runs until the zone ends
    UNCURED = "uncured"  # the cure period lapses; termination is approved by another person


# The days of the lifecycle beyond the builders' (all Almaty dates).
REFUSED_ATTEMPT_ON = date(2026, 3, 17)
REGISTERED_ON = date(2026, 4, 6)
REPORTED_ON = date(2027, 2, 15)
REPORT_ACCEPTED_ON = date(2027, 3, 1)
BREACH_NOTICE_ON = date(2027, 3, 2)
CURED_ON = date(2027, 3, 20)


def whole_lifecycle(ending: Ending) -> DecidedStory:
    """Application to the final record, with two refused attempts on the way.

    Application (and screening) → a participant's premature signature, refused → review → the
    reviewer's own approval, refused under four-eyes → approval by another person → both
    signatures (conclusion) → both authorities' notices → register entry → the 2026 report
    (10 jobs of 25) submitted and accepted → breach notice → cured (then the zone ends) or
    uncured (then terminated) → the notices of termination and the register closure.
    """
    story = DecidedStory()
    story.when(
        SubmitApplication(agreement_id=AGREEMENT_ID, form=form()), by=PARTICIPANT, on=SUBMITTED_ON
    )
    story.attempt(SignAsParticipant(), by=PARTICIPANT, on=REFUSED_ATTEMPT_ON)
    story.when(
        RecommendConclusion(note="the project fits the zone"), by=REVIEWER, on=date(2026, 3, 18)
    )
    story.attempt(
        ApproveConclusion(agreement_number="PIT-2026-001"), by=REVIEWER_AS_APPROVER, on=APPROVED_ON
    )
    story.when(ApproveConclusion(agreement_number="PIT-2026-001"), by=APPROVER, on=APPROVED_ON)
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    story.when(SignForManagementCompany(), by=APPROVER, on=CONCLUDED_ON)
    for authority in Authority:
        story.when(notice(authority), by=SYSTEM, on=at(CONCLUDED_ON, 15))
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"out-{authority.value}"),
            by=SYSTEM,
            on=at(CONCLUDED_ON, 15),
        )
    story.when(
        RecordRegisterEntry(register_number="SEZ-PIT-0042", entered_on=REGISTERED_ON),
        by=REVIEWER,
        on=REGISTERED_ON,
    )
    story.when(
        SubmitAnnualReport(
            report_id="report-2026",
            year=2026,
            actuals=obligations(2026, jobs=10),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        by=PARTICIPANT,
        on=REPORTED_ON,
    )
    story.when(AcceptAnnualReport(report_id="report-2026"), by=REVIEWER, on=REPORT_ACCEPTED_ON)
    story.when(
        IssueBreachNotice(notice_id="notice-1", description="jobs far below the obligation"),
        by=REVIEWER,
        on=BREACH_NOTICE_ON,
    )
    if ending is Ending.CURED:
        story.when(
            RecordBreachCured(notice_id="notice-1", note="22 jobs filled by March"),
            by=REVIEWER,
            on=CURED_ON,
        )
        story.when(
            AddAuditAnnotation(annotation_id="note-1", text="cure evidence checked"),
            by=AUDITOR,
            on=CURED_ON,
        )
        # The zone's end terminates the agreement: the system's command at its first instant.
        story.when(TerminateForZoneEnd(), by=SYSTEM, on=at(ZONE_END, 0))
        ended_on = ZONE_END
    else:
        ended_on = _terminate_uncured(story)
    for authority in Authority:
        story.when(
            RecordAuthorityNotified(authority=authority, reference=f"end-{authority.value}"),
            by=SYSTEM,
            on=ended_on,
        )
    story.when(RecordRegisterEntryClosed(closed_on=ended_on), by=REVIEWER, on=ended_on)
    return story


def _terminate_uncured(story: DecidedStory) -> date:
    """The cure period's timer fires at its due instant (proposing termination on behalf of
    the notice's issuer); an approver other than the issuer approves it the next day."""
    (cure,) = [d for d in story.state.deadlines if d.kind is DeadlineKind.CURE_PERIOD]
    assert cure.on_due is not None
    story.when(cure.on_due, by=SYSTEM, on=cure.due)
    decided_on = cure.due_date + timedelta(days=2)
    story.when(ApproveTermination(termination_id=_proposal_id(story)), by=APPROVER, on=decided_on)
    return decided_on


def _proposal_id(story: DecidedStory) -> str:
    proposal = story.state.termination_proposal
    assert proposal is not None
    return proposal.termination_id


# --- The zone's stream -----------------------------------------------------------------------

ADMIN = Actor(id="admin-timur", role=Role.ADMIN)


def _extending_decree() -> RuleSet:
    """A (hypothetical) decree extending the zone to 2030 from 1 June 2027."""
    extended = decree_1166_rulebook().latest.model_copy(
        update={
            "version": "decree-x-2027",
            "effective_from": date(2027, 6, 1),
            "zone_end": date(2030, 1, 1),
            "source": "Decree No. X of the President (hypothetical)",
            "amends": ("item 1",),
            "assumptions": (),
        }
    )
    # Validated again: model_copy(update=...) skips validation.
    return RuleSet.model_validate(extended.model_dump())


def zone_configuration() -> tuple[list[list[ZoneEvent]], ZoneState]:
    """The decisions on ``zone-pit`` and the state they fold to: establishment by Decree 1166,
    a policy change of the cure period, an extending decree, an indicator level."""
    commands: list[tuple[ZoneCommand, datetime]] = [
        (pit_establishment(), datetime(2026, 12, 1, 6, tzinfo=UTC)),
        (
            ChangeZoneTerms(
                version="policy-1",
                effective_from=date(2027, 1, 1),
                terms=ZoneTerms(cure_period_days=90),
                source="Board resolution No. 1",
            ),
            datetime(2026, 12, 2, 6, tzinfo=UTC),
        ),
        (
            AdoptRegulationAmendment(rule_set=_extending_decree()),
            datetime(2027, 5, 20, 6, tzinfo=UTC),
        ),
        (
            SetIndicatorLevel(
                level=IndicatorLevel(
                    indicator=Indicator.PARTICIPANTS, year=2028, target=Decimal(300)
                ),
                source="authorized body letter",
            ),
            datetime(2027, 5, 21, 6, tzinfo=UTC),
        ),
    ]
    state = initial_zone_state()
    decisions: list[list[ZoneEvent]] = []
    for command, now in commands:
        events = decide_zone(command, state, actor=ADMIN, now=now)
        for event in events:
            state = evolve_zone(state, event)
        decisions.append(events)
    return decisions, state
