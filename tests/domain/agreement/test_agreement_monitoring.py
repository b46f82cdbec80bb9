"""Monitoring, site visits and breach notices (DOMAIN.md §3.7, Decree 1166 Reg. §9.10)."""

from __future__ import annotations

from datetime import date

from domain.actors import Actor, Role
from domain.agreement import Status
from domain.agreement.commands import (
    ApproveTermination,
    EscalateOverdueReport,
    IssueBreachNotice,
    LapseCurePeriod,
    MarkAnnualReportOverdue,
    RecordBreachCured,
    RecordSiteVisit,
    RejectTermination,
)
from domain.agreement.events import (
    AgreementTerminated,
    BreachNoticeIssued,
    SiteVisitRecorded,
    TerminationProposed,
)
from domain.agreement.vocabulary import BreachGroundKind, TerminationGround
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.legal_basis import REG_9_10
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    SYSTEM,
    Story,
    in_breach,
    notified,
    types,
    with_shortfall,
)

CURE_DUE = date(2027, 5, 1)  # 60 days after 2 March 2027


def _uncured() -> Story:
    story = in_breach()
    story.when(LapseCurePeriod(notice_id="notice-1"), by=SYSTEM, on=date(2027, 5, 2))
    return story


def test_cure_period_is_sixty_days_by_policy() -> None:
    story = in_breach()

    notice = story.events[-1]
    assert isinstance(notice, BreachNoticeIssued)
    assert notice.cure_due.on == CURE_DUE
    assert notice.cure_due.legal_basis == ("pit policy: cure_period_days",)
    assert REG_9_10 in notice.legal_basis
    assert story.state.status is Status.IN_BREACH


def test_breach_notice_lists_every_open_monitoring_issue() -> None:
    notice = in_breach().events[-1]

    assert isinstance(notice, BreachNoticeIssued)
    assert [(g.kind, g.year, g.reference) for g in notice.grounds] == [
        (BreachGroundKind.OBLIGATION_SHORTFALL, 2026, "jobs")
    ]


def test_breach_notice_needs_a_ground() -> None:
    notified().refused(
        IssueBreachNotice(notice_id="notice-1", description="suspected breach"),
        by=REVIEWER,
        on=date(2027, 3, 2),
        error=RuleViolation,
        code="no_breach_ground",
    )


def test_site_visit_that_finds_the_terms_unmet_grounds_a_breach_notice() -> None:
    story = notified()

    (visit,) = story.when(
        RecordSiteVisit(
            visit_id="visit-1",
            visited_on=date(2026, 10, 5),
            findings="no production line installed",
            terms_met=False,
        ),
        by=REVIEWER,
        on=date(2026, 10, 6),
    )

    assert isinstance(visit, SiteVisitRecorded)
    assert visit.legal_basis == (REG_9_10,)
    story.when(
        IssueBreachNotice(notice_id="notice-1", description="production not started"),
        by=REVIEWER,
        on=date(2026, 10, 7),
    )
    assert story.state.status is Status.IN_BREACH


def test_site_visit_that_finds_the_terms_met_opens_no_issue() -> None:
    story = notified()
    story.when(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 10, 5), findings="all well", terms_met=True
        ),
        by=REVIEWER,
        on=date(2026, 10, 5),
    )

    assert story.state.monitoring_issues == ()


def test_site_visit_cannot_be_dated_in_the_future() -> None:
    notified().refused(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 10, 6), findings="planned", terms_met=True
        ),
        by=REVIEWER,
        on=date(2026, 10, 5),
        error=InvalidInput,
        code="date_in_future",
    )


def test_site_visit_cannot_be_dated_before_the_conclusion() -> None:
    story = notified()  # concluded on 2 April 2026

    story.refused(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 4, 1), findings="early", terms_met=False
        ),
        by=REVIEWER,
        on=date(2026, 10, 5),
        error=InvalidInput,
        code="visit_before_conclusion",
    )
    story.when(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 4, 2), findings="all well", terms_met=True
        ),
        by=REVIEWER,
        on=date(2026, 10, 5),
    )


def test_report_overdue_past_escalation_grounds_a_breach_notice() -> None:
    story = notified()
    story.when(MarkAnnualReportOverdue(year=2026), by=SYSTEM, on=date(2027, 4, 1))
    story.when(EscalateOverdueReport(year=2026), by=SYSTEM, on=date(2027, 5, 1))

    (notice,) = story.when(
        IssueBreachNotice(notice_id="notice-1", description="no annual report"),
        by=REVIEWER,
        on=date(2027, 5, 3),
    )

    assert isinstance(notice, BreachNoticeIssued)
    assert [g.kind for g in notice.grounds] == [BreachGroundKind.REPORT_OVERDUE]


def test_one_breach_notice_at_a_time() -> None:
    in_breach().refused(
        IssueBreachNotice(notice_id="notice-2", description="again"),
        by=REVIEWER,
        on=date(2027, 3, 3),
        error=InvalidTransition,
    )


def test_participant_cannot_issue_a_breach_notice() -> None:
    with_shortfall().refused(
        IssueBreachNotice(notice_id="notice-1", description="self-report"),
        by=PARTICIPANT,
        on=date(2027, 3, 2),
        error=NotPermitted,
    )


def test_cured_breach_returns_the_agreement_to_active() -> None:
    story = in_breach()

    story.when(
        RecordBreachCured(notice_id="notice-1", note="15 more people hired"),
        by=REVIEWER_2,
        on=date(2027, 4, 20),
    )

    state = story.state
    assert state.status is Status.ACTIVE
    assert state.breach is None
    assert state.monitoring_issues == ()


def test_cure_of_an_unknown_notice_is_refused() -> None:
    in_breach().refused(
        RecordBreachCured(notice_id="notice-9", note="?"),
        by=REVIEWER,
        on=date(2027, 4, 20),
        error=InvalidInput,
        code="unknown_notice",
    )


def test_uncured_breach_proposes_termination_when_the_cure_period_passes() -> None:
    story = _uncured()

    assert types(story.events[-2:]) == ["CurePeriodLapsed", "TerminationProposed"]
    proposal = story.events[-1]
    assert isinstance(proposal, TerminationProposed)
    assert proposal.ground is TerminationGround.UNCURED_BREACH
    assert proposal.proposed_by == REVIEWER.id  # who issued the notice
    assert proposal.termination_id == "notice-1"
    assert story.state.status is Status.TERMINATION_PROPOSED


def test_cure_period_does_not_lapse_on_its_last_day() -> None:
    in_breach().refused(
        LapseCurePeriod(notice_id="notice-1"), by=SYSTEM, on=CURE_DUE, code="deadline_not_passed"
    )


def test_cure_is_not_recorded_once_termination_is_proposed() -> None:
    _uncured().refused(
        RecordBreachCured(notice_id="notice-1", note="too late"),
        by=REVIEWER,
        on=date(2027, 5, 3),
        error=InvalidTransition,
    )


def test_approver_terminates_for_an_uncured_breach() -> None:
    story = _uncured()

    (terminated,) = story.when(
        ApproveTermination(termination_id="notice-1"), by=APPROVER, on=date(2027, 5, 4)
    )

    assert isinstance(terminated, AgreementTerminated)
    assert terminated.ground is TerminationGround.UNCURED_BREACH
    assert REG_9_10 in terminated.legal_basis
    assert story.state.status is Status.CLOSING


def test_staff_who_issued_the_breach_notice_cannot_approve_its_termination() -> None:
    _uncured().refused(
        ApproveTermination(termination_id="notice-1"),
        by=Actor(id=REVIEWER.id, role=Role.APPROVER),
        on=date(2027, 5, 4),
        error=NotPermitted,
        code="four_eyes",
    )


def test_rejected_termination_for_an_uncured_breach_leaves_the_agreement_active() -> None:
    story = _uncured()

    story.when(
        RejectTermination(termination_id="notice-1", reason="cured meanwhile"),
        by=APPROVER,
        on=date(2027, 5, 4),
    )

    state = story.state
    assert state.status is Status.ACTIVE
    assert state.breach is None
    assert [g.reference for g in state.monitoring_issues] == ["jobs"]  # still open
