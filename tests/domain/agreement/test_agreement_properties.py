"""Properties over random command sequences: random commands from random actors at increasing
times, half of them the timers' own commands when a deadline is open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_reach
from hypothesis import strategies as st

from domain.actors import Actor, Role
from domain.agreement import (
    AGREEMENT_EVENT,
    PERMISSIONS,
    AgreementCommand,
    AgreementEvent,
    AgreementState,
    DecisionContext,
    decide,
    evolve,
    fold,
    initial_state,
    is_terminal,
    refusal_event,
)
from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    ApproveAmendment,
    ApproveConclusion,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    EscalateOverdueReport,
    ExpireAgreement,
    IssueBreachNotice,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    LapseSigning,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RefuseApplication,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    RequestTermination,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
    TerminateForZoneEnd,
)
from domain.agreement.vocabulary import (
    Authority,
    DeadlineKind,
    RefusalGround,
    Status,
    TerminationGround,
)
from domain.calendar import almaty_date
from domain.errors import DomainError
from domain.rules import RuleBook
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    RULES,
    STRANGER,
    SUBMITTED_ON,
    SYSTEM,
    Story,
    approved,
    at,
    form,
    goods,
    in_breach,
    notified,
    obligations,
    rules_extending_zone_to,
    submitted,
)

# A reviewer who also holds the approver's role: the four-eyes rule must stop them.
REVIEWER_AS_APPROVER = Actor(id=REVIEWER.id, role=Role.APPROVER)
ACTORS = [
    PARTICIPANT,
    STRANGER,
    REVIEWER,
    REVIEWER_2,
    APPROVER,
    APPROVER_2,
    REVIEWER_AS_APPROVER,
    AUDITOR,
    ADMIN,
    SYSTEM,
]
ZONE_END_2028 = date(2028, 1, 1)
PLACEHOLDER_DAY = date(2026, 1, 1)
RULE_BOOKS = [RULES, rules_extending_zone_to(date(2030, 1, 1))]
STEPS = [timedelta(hours=h) for h in (1, 6)] + [
    timedelta(days=d) for d in (1, 2, 5, 10, 15, 30, 61, 120, 200)
]


def _commands() -> st.SearchStrategy[AgreementCommand]:
    """Any command, with ids from small pools so that they meet again. Dates of records are
    placeholders, set to the day of the step by :func:`_dated`."""
    ids = st.sampled_from(["x-1", "x-2", "x-3"])
    years = st.sampled_from([2026, 2027])
    ends = st.sampled_from([None, date(2027, 6, 1), ZONE_END_2028, date(2029, 1, 1)])
    grounds = st.sampled_from(list(TerminationGround))
    schedules = st.sampled_from(
        [None, (obligations(2026), obligations(2027)), (obligations(2026, jobs=1),)]
    )
    actuals = st.builds(lambda y, j: obligations(y, jobs=j), years, st.sampled_from([0, 30]))
    return st.one_of(
        st.builds(
            SubmitApplication,
            agreement_id=st.just("agr-1"),
            form=st.sampled_from([form(), form(oked_code="12.00")]),
        ),
        st.builds(RequestChanges, items=st.just(("budget",))),
        st.just(ResubmitApplication(form=form())),
        st.just(LapseApplication()),
        st.just(RecommendConclusion(note="fits")),
        st.just(RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="no")),
        st.just(MarkDecisionOverdue()),
        st.builds(ApproveConclusion, agreement_number=st.just("PIT-1"), end_date=ends),
        st.just(RefuseApplication(grounds=(RefusalGround.DOCUMENTS,), note="no")),
        st.just(SignAsParticipant()),
        st.just(SignForManagementCompany()),
        st.just(LapseSigning()),
        st.builds(
            RecordAuthorityNotified, authority=st.sampled_from(list(Authority)), reference=ids
        ),
        st.builds(RecordRegisterEntry, register_number=ids, entered_on=st.just(PLACEHOLDER_DAY)),
        st.builds(RecordRegisterEntryClosed, closed_on=st.just(PLACEHOLDER_DAY)),
        st.builds(
            SubmitAnnualReport,
            report_id=ids,
            year=years,
            actuals=actuals,
            imported_goods_consumed_kzt=st.just(Decimal(0)),
        ),
        st.builds(
            ResubmitAnnualReport,
            report_id=ids,
            actuals=actuals,
            imported_goods_consumed_kzt=st.just(Decimal(0)),
        ),
        st.builds(AcceptAnnualReport, report_id=ids),
        st.builds(ReturnAnnualReport, report_id=ids, reasons=st.just(("x",))),
        st.builds(MarkAnnualReportOverdue, year=years),
        st.builds(EscalateOverdueReport, year=years),
        st.builds(
            RecordSiteVisit,
            visit_id=ids,
            visited_on=st.just(PLACEHOLDER_DAY),
            findings=st.just("x"),
            terms_met=st.booleans(),
        ),
        st.builds(IssueBreachNotice, notice_id=ids, description=st.just("x")),
        st.builds(RecordBreachCured, notice_id=ids, note=st.just("x")),
        st.builds(LapseCurePeriod, notice_id=ids),
        st.builds(
            ProposeAmendment,
            amendment_id=ids,
            end_date=ends,
            obligations=schedules,
            reason=st.just("x"),
        ),
        st.builds(ApproveAmendment, amendment_id=ids),
        st.builds(RejectAmendment, amendment_id=ids, reason=st.just("x")),
        st.builds(SignAmendment, amendment_id=ids),
        st.builds(LapseAmendment, amendment_id=ids),
        st.builds(
            ProposeTermination,
            termination_id=ids,
            ground=grounds,
            reason=st.just("x"),
            reference=st.sampled_from([None, "court 1"]),
        ),
        st.builds(RequestTermination, termination_id=ids, reason=st.just("x")),
        st.builds(ConsentToTermination, termination_id=ids),
        st.builds(ApproveTermination, termination_id=ids),
        st.builds(RejectTermination, termination_id=ids, reason=st.just("x")),
        st.just(ExpireAgreement()),
        st.just(TerminateForZoneEnd()),
        st.builds(DeclareGoodsConsumption, declaration_id=ids, goods=st.just(goods())),
        st.builds(ConfirmGoodsConsumption, declaration_id=ids, document_number=ids),
        st.builds(RejectGoodsDeclaration, declaration_id=ids, reasons=st.just(("x",))),
        st.builds(AddAuditAnnotation, annotation_id=ids, text=st.just("x")),
        st.builds(
            RecordReminderSent,
            deadline_kind=st.sampled_from(list(DeadlineKind)),
            related_id=st.sampled_from(["agr-1", "2026", "x-1"]),
        ),
    )


COMMANDS = _commands()


def _dated(command: AgreementCommand, today: date) -> AgreementCommand:
    """The command with its record date (if any) set to today."""
    for name in ("entered_on", "closed_on", "visited_on"):
        if name in type(command).model_fields:
            return command.model_copy(update={name: today})
    return command


@dataclass
class Run:
    """One random run: the stream as appended, the state kept alongside it."""

    rules: RuleBook
    now: datetime = field(default_factory=lambda: at(SUBMITTED_ON))
    stream: list[tuple[int, AgreementEvent]] = field(default_factory=list)  # (version, event)
    state: AgreementState = field(default_factory=initial_state)
    accepted: int = 0

    @property
    def events(self) -> list[AgreementEvent]:
        return [event for _, event in self.stream]

    def append(self, events: list[AgreementEvent]) -> None:
        """Append at the expected version, as the store would, and evolve."""
        expected = len(self.stream)
        assert self.state.version == expected
        for offset, event in enumerate(events, start=1):
            self.stream.append((expected + offset, event))
            self.state = evolve(self.state, event)


# Where runs start: a fresh application, or a given stream further on, so that runs reach the
# agreement in force, breach, amendment and termination often.
STARTS: list[Callable[[RuleBook], Story]] = [submitted, submitted, approved, notified, in_breach]

_GIVEN: dict[tuple[str, int], list[AgreementEvent]] = {}


def _given(start: Callable[[RuleBook], Story], rules: RuleBook) -> list[AgreementEvent]:
    """The given stream of a start, built once per start and rule book (events are frozen)."""
    key = (start.__name__, RULE_BOOKS.index(rules))
    if key not in _GIVEN:
        _GIVEN[key] = start(rules).events
    return list(_GIVEN[key])


# The lifecycle's next steps by status, so that runs get past review and signing.
PROGRESS: dict[Status, list[tuple[AgreementCommand, Actor]]] = {
    Status.IN_REVIEW: [
        (RecommendConclusion(note="fits"), REVIEWER),
        (RequestChanges(items=("budget",)), REVIEWER_2),
    ],
    Status.CHANGES_REQUESTED: [(ResubmitApplication(form=form()), PARTICIPANT)],
    Status.RECOMMENDED: [
        (ApproveConclusion(agreement_number="PIT-1"), APPROVER),
        (ApproveConclusion(agreement_number="PIT-1"), REVIEWER_AS_APPROVER),
        (ApproveConclusion(agreement_number="PIT-1", end_date=date(2029, 1, 1)), APPROVER),
    ],
    Status.ACTIVE: [
        (
            ProposeAmendment(
                amendment_id="x-1",
                end_date=date(2029, 1, 1),
                obligations=(obligations(2026), obligations(2027)),
                reason="longer",
            ),
            REVIEWER,
        ),
        (ApproveAmendment(amendment_id="x-1"), APPROVER_2),
        (SignAmendment(amendment_id="x-1"), PARTICIPANT),
    ],
    Status.AWAITING_SIGNATURES: [
        (SignAsParticipant(), PARTICIPANT),
        (SignForManagementCompany(), APPROVER_2),
    ],
    Status.CLOSING: [
        *((RecordAuthorityNotified(authority=a, reference="out"), SYSTEM) for a in Authority),
        (RecordRegisterEntryClosed(closed_on=PLACEHOLDER_DAY), REVIEWER),
    ],
    Status.TERMINATED: [(AddAuditAnnotation(annotation_id="final", text="checked"), AUDITOR)],
}


def _next(data: st.DataObject, run: Run) -> tuple[AgreementCommand, Actor]:
    """A timer's own command at its due instant, the lifecycle's next step, or any command from
    anyone (from an actor whose role may send it, half the time)."""
    timers = [d for d in run.state.deadlines if d.on_due is not None and d.due > run.now]
    choice = data.draw(st.sampled_from(["timer", "progress", "progress", "any", "any", "any"]))
    if choice == "timer" and timers:
        deadline = data.draw(st.sampled_from(timers), label="deadline")
        run.now = deadline.due
        assert deadline.on_due is not None
        return deadline.on_due, SYSTEM
    steps = PROGRESS.get(run.state.status)
    if choice == "progress" and steps:
        run.now += data.draw(st.sampled_from(STEPS[:3]), label="short step")
        command, actor = data.draw(st.sampled_from(steps), label="progress")
        return _dated(command, almaty_date(run.now)), actor
    run.now += data.draw(st.sampled_from(STEPS), label="step")
    command = _dated(data.draw(COMMANDS, label="command"), almaty_date(run.now))
    allowed = [a for a in ACTORS if a.role in PERMISSIONS[command.type]]
    right_role = bool(allowed) and data.draw(st.booleans(), label="right role")
    actor = data.draw(st.sampled_from(allowed if right_role else ACTORS), label="actor")
    return command, actor


def _check_accepted(
    command: AgreementCommand,
    actor: Actor,
    before: AgreementState,
    events: list[AgreementEvent],
    ctx: DecisionContext,
) -> None:
    # No command by the wrong role, for another BIN, or against four-eyes is ever accepted.
    assert actor.role in PERMISSIONS[command.type]
    if actor.role is Role.APPLICANT:
        own = command.form.bin if isinstance(command, SubmitApplication) else before.bin
        assert actor.bin == own
    if isinstance(command, ApproveConclusion | RefuseApplication):
        assert actor.id not in before.reviewers
    if isinstance(command, ApproveAmendment):
        assert actor.id != before.amendments[command.amendment_id].proposed_by
    if isinstance(command, ApproveTermination):
        assert before.termination_proposal is not None
        assert actor.id != before.termination_proposal.proposed_by
    # A final record takes nothing but audit annotations.
    if is_terminal(before):
        assert {e.type for e in events} == {"AuditAnnotationAdded"}
    version = ctx.rule_set.version
    for event in events:
        assert event.rule_set_version == version
        assert event.occurred_at == ctx.now


def _check_zone_end(state: AgreementState, ctx: DecisionContext) -> None:
    """No agreement (or approved terms) ever ends after the zone's end in force (the rule books
    here only ever extend the zone)."""
    zone_end = ctx.rule_set.zone_end
    if state.end_date is not None:
        assert state.end_date <= zone_end
        assert state.zone_end is not None
        assert state.end_date <= state.zone_end
    if state.approved is not None:
        assert state.approved.end_date <= zone_end


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    rules=st.sampled_from(RULE_BOOKS),
    start=st.sampled_from(STARTS),
    length=st.integers(5, 40),
)
def test_random_command_sequences_keep_every_invariant(
    data: st.DataObject, rules: RuleBook, start: Callable[[RuleBook], Story], length: int
) -> None:
    given_events = _given(start, rules)
    run = Run(rules=rules, now=given_events[-1].occurred_at)
    run.append(given_events)

    for _ in range(length):
        command, actor = _next(data, run)
        ctx = DecisionContext(actor=actor, now=run.now, rules=rules)
        before = run.state
        try:
            events = decide(command, before, ctx)
        except DomainError as error:
            if actor.role is not Role.SYSTEM:  # the workflow records real actors' refusals
                run.append([refusal_event(command, error, ctx)])
                assert run.state.model_copy(update={"version": before.version}) == before
            continue
        run.accepted += 1
        _check_accepted(command, actor, before, events, ctx)
        run.append(events)
        if is_terminal(before):
            assert is_terminal(run.state)  # a terminal state stays terminal
            assert run.state.status is before.status
        _check_zone_end(run.state, ctx)

    note_reach(f"ends {run.state.status.value}")  # reach, shown by --hypothesis-show-statistics
    # Versions are contiguous from 1; folding is deterministic, also after a trip through JSON.
    assert [version for version, _ in run.stream] == list(range(1, len(run.stream) + 1))
    assert run.state.version == len(run.stream)
    assert fold(run.events) == run.state
    assert fold(run.events) == fold(run.events)
    stored = [AGREEMENT_EVENT.validate_json(e.model_dump_json()) for e in run.events]
    assert fold(stored) == run.state
