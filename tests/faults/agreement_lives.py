"""Scripted lives of agreements that the dev server's real clock reaches in seconds.

Each life is a list of steps: one person's action, sent as the workflow's ``act`` update under
a fixed update id (the correlation id too), and the events the log must hold for it. A step
says from the agreement's state whether it is still to do, and whether the workflow has done
its own part first (the notices an administrator then acknowledges), so that a driver can
retry a step after a crash without taking it twice, and every log comes out the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.actors import Actor, Role
from domain.agreement import AgreementCommand, AgreementState, Status
from domain.agreement.commands import (
    AddAuditAnnotation,
    ApproveConclusion,
    ApproveTermination,
    ConsentToTermination,
    ProposeTermination,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordSiteVisit,
    RequestTermination,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.vocabulary import IN_FORCE, Authority, TerminationGround
from domain.rules import decree_1166_rulebook
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    form,
    obligations,
)

# The reviewer acting as approver of what they reviewed: refused (four-eyes), and recorded.
SAME_PERSON = Actor(id=REVIEWER.id, role=Role.APPROVER)
NOTICE_EVENTS = ("AuthorityNoticeIssued",) * len(Authority)  # the workflow's own, in order


class Ending(StrEnum):
    """Where a life ends."""

    ACTIVE = "active"  # registered, both notices acknowledged
    MUTUAL_CONSENT = "mutual_consent"  # terminated by mutual consent, record closed
    PARTICIPANT_REQUEST = "participant_request"  # terminated on request, record closed


@dataclass(frozen=True)
class Step:
    """One action of a life.

    ``pending`` says from the state whether it is still to do (``None``: the state cannot
    tell, as for an action the domain refuses; the fixed update id then keeps it once).
    ``ready`` says whether the workflow did its part first. ``refused`` is the rule's code
    when the domain is to refuse the action; ``events`` are the types it adds to the log.
    """

    label: str
    actor: Actor
    command: Callable[[AgreementState], AgreementCommand]
    pending: Callable[[AgreementState], bool] | None
    events: tuple[str, ...]
    ready: Callable[[AgreementState], bool] = lambda state: True
    refused: str | None = None


@dataclass(frozen=True)
class Life:
    """One agreement's script and what it must come to."""

    agreement_id: str
    ending: Ending
    steps: tuple[Step, ...]
    agreement_number: str
    register_number: str
    annotations: tuple[str, ...] = field(default=())
    visits: tuple[str, ...] = field(default=())

    def update_id(self, step: Step) -> str:
        """The step's update id and correlation id: the same on every retry (shaped as the
        API's, ``api:<user>:<idempotency key>``)."""
        return f"crash-test:{self.agreement_id}:{step.label}"

    @property
    def expected_events(self) -> list[str]:
        """The types of the events the log must hold, in order (reminders aside)."""
        return [event for step in self.steps for event in step.events]

    @property
    def final_status(self) -> Status:
        return Status.ACTIVE if self.ending is Ending.ACTIVE else Status.TERMINATED


def _annotate(annotation_id: str) -> Step:
    return Step(
        f"annotate-{annotation_id}",
        AUDITOR,
        lambda state: AddAuditAnnotation(
            annotation_id=annotation_id, text=f"checked {annotation_id}"
        ),
        lambda state: annotation_id not in state.ids,
        ("AuditAnnotationAdded",),
    )


def _visit(visit_id: str) -> Step:
    def visited(state: AgreementState) -> AgreementCommand:
        if state.concluded_on is None:
            raise AssertionError(f"{state.agreement_id} is visited before its conclusion")
        return RecordSiteVisit(
            visit_id=visit_id,
            visited_on=state.concluded_on,
            findings="the studio is equipped and staffed as agreed",
            terms_met=True,
        )

    return Step(
        f"visit-{visit_id}",
        REVIEWER_2,
        visited,
        lambda state: visit_id not in state.ids,
        ("SiteVisitRecorded",),
    )


def _all_notices_issued(state: AgreementState) -> bool:
    """Every notice still due is issued: acknowledgments wait for both, so that the log's
    order does not depend on how fast the workflow is."""
    return set(state.notices_due) <= set(state.notices_issued)


def _acknowledgment(authority: Authority, of: str, closing: bool) -> Step:
    """An administrator records the authority's acknowledgment of the workflow's notice."""
    statuses = {Status.CLOSING} if closing else IN_FORCE
    return Step(
        f"acknowledge-{authority.value}-{of}",
        ADMIN,
        lambda state: RecordAuthorityNotified(
            authority=authority, reference=f"ack-{authority.value}-{of}"
        ),
        lambda state: state.status in statuses and authority in state.notices_due,
        ("AuthorityNotified",),
        ready=_all_notices_issued,
    )


def _acknowledgments(of: str, closing: bool) -> list[Step]:
    return [_acknowledgment(authority, of, closing) for authority in Authority]


def _register(register_number: str) -> Step:
    def entered(state: AgreementState) -> AgreementCommand:
        if state.concluded_on is None:
            raise AssertionError(f"{state.agreement_id} is registered before its conclusion")
        return RecordRegisterEntry(register_number=register_number, entered_on=state.concluded_on)

    return Step(
        "register",
        REVIEWER,
        entered,
        lambda state: state.status in IN_FORCE and state.register_number is None,
        ("RegisterEntryRecorded",),
    )


def _close_register() -> Step:
    def closed(state: AgreementState) -> AgreementCommand:
        if state.termination is None:
            raise AssertionError(f"{state.agreement_id} closes its entry before termination")
        return RecordRegisterEntryClosed(closed_on=state.termination.terminated_on)

    return Step(
        "close-register",
        REVIEWER,
        closed,
        lambda state: state.status is Status.CLOSING and state.register_closure_due is not None,
        ("RegisterEntryClosed",),
    )


def _termination(ending: Ending) -> list[Step]:
    termination_id = "termination-1"
    if ending is Ending.MUTUAL_CONSENT:
        proposed = [
            Step(
                "propose-termination",
                REVIEWER_2,
                lambda state: ProposeTermination(
                    termination_id=termination_id,
                    ground=TerminationGround.MUTUAL_CONSENT,
                    reason="the participant moves its studio to Astana",
                ),
                lambda state: termination_id not in state.ids,
                ("TerminationProposed",),
            ),
            Step(
                "consent-to-termination",
                PARTICIPANT,
                lambda state: ConsentToTermination(termination_id=termination_id),
                lambda state: (
                    state.termination_proposal is not None
                    and not state.termination_proposal.consented
                ),
                ("TerminationConsented",),
            ),
        ]
        approver = APPROVER
    else:
        proposed = [
            Step(
                "request-termination",
                PARTICIPANT,
                lambda state: RequestTermination(
                    termination_id=termination_id, reason="the parent company takes the work over"
                ),
                lambda state: termination_id not in state.ids,
                ("TerminationProposed",),
            )
        ]
        approver = APPROVER_2
    return [
        *proposed,
        Step(
            "approve-termination",
            approver,
            lambda state: ApproveTermination(termination_id=termination_id),
            lambda state: state.status is Status.TERMINATION_PROPOSED,
            ("AgreementTerminated", *NOTICE_EVENTS),
        ),
        *_acknowledgments("termination", closing=True),
        _close_register(),
    ]


def life(agreement_id: str, number: int, ending: Ending, today: date) -> Life:
    """Application to conclusion, notices, register, annotations and site visits; then, for
    the endings that say so, a termination to the closed record.

    ``today`` is Almaty's: the requested term starts the next day (still in the future if
    the day changes during the test) and runs to the zone's end.
    """
    start = date.fromordinal(today.toordinal() + 1)
    zone_end = decree_1166_rulebook().in_force(today).zone_end
    application = form(
        requested_start=start,
        requested_end=zone_end,
        planned_obligations=tuple(obligations(y) for y in range(start.year, zone_end.year)),
    )
    agreement_number = f"PIT-{today.year}-{number:03d}"
    register_number = f"SEZ-PIT-{today.year}-{number:04d}"
    steps = [
        Step(
            "submit",
            PARTICIPANT,
            lambda state: SubmitApplication(agreement_id=agreement_id, form=application),
            lambda state: state.status is Status.NEW,
            ("ApplicationSubmitted", "ScreeningPassed"),
        ),
        _annotate("note-1"),
        Step(
            "recommend",
            REVIEWER,
            lambda state: RecommendConclusion(note="fits the ICT priority"),
            lambda state: state.status is Status.IN_REVIEW,
            ("ConclusionRecommended",),
        ),
        Step(
            "approve-own-recommendation",
            SAME_PERSON,
            lambda state: ApproveConclusion(agreement_number=agreement_number),
            None,
            ("ActionRefused",),
            refused="four_eyes",
        ),
        Step(
            "approve",
            APPROVER,
            lambda state: ApproveConclusion(agreement_number=agreement_number),
            lambda state: state.status is Status.RECOMMENDED,
            ("ConclusionApproved",),
        ),
        _annotate("note-2"),
        Step(
            "sign-as-participant",
            PARTICIPANT,
            lambda state: SignAsParticipant(),
            lambda state: (
                state.status is Status.AWAITING_SIGNATURES and not state.signed_by_participant
            ),
            ("SignedByParticipant",),
        ),
        Step(
            "sign-for-management-company",
            APPROVER,
            lambda state: SignForManagementCompany(),
            lambda state: (
                state.status is Status.AWAITING_SIGNATURES
                and not state.signed_by_management_company
            ),
            # Concluded: the workflow issues the notices to both authorities on its own.
            ("SignedByManagementCompany", "AgreementConcluded", *NOTICE_EVENTS),
        ),
        *_acknowledgments("conclusion", closing=False),
        _register(register_number),
        _visit("visit-1"),
        _annotate("note-3"),
        _visit("visit-2"),
    ]
    if ending is not Ending.ACTIVE:
        steps += _termination(ending)
    return Life(
        agreement_id=agreement_id,
        ending=ending,
        steps=tuple(steps),
        agreement_number=agreement_number,
        register_number=register_number,
        annotations=("note-1", "note-2", "note-3"),
        visits=("visit-1", "visit-2"),
    )
