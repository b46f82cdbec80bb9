"""A random zone from a seed: many agreements of several companies, each driven through a random
sequence of commands decided by the real decider (timers firing at their due instants, the
lifecycle's next steps, any command from anyone), refusals of real actors recorded as the
workflow records them.

Hypothesis draws the same kind of lives in test_random_projection.py, a few agreements at a
time; a seeded ``random.Random`` drives a whole zone of them in one run without the size limit of
a Hypothesis example, and the seed names the run again.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from domain.actors import Actor, Role
from domain.agreement import (
    PERMISSIONS,
    AgreementCommand,
    AgreementEvent,
    DecisionContext,
    decide,
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
    IssueBreachNotice,
    LapseCurePeriod,
    MarkAnnualReportOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordSiteVisit,
    RejectAmendment,
    RejectGoodsDeclaration,
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
)
from domain.agreement.vocabulary import IN_FORCE, Authority, TerminationGround
from domain.calendar import almaty_date
from domain.errors import DomainError
from domain.rules import RuleBook
from tests.domain.agreement.agreement_scenarios import (
    PARTICIPANT,
    REVIEWER,
    SUBMITTED_ON,
    SYSTEM,
    at,
    form,
    goods,
    obligations,
)
from tests.domain.agreement.test_agreement_properties import (
    ACTORS,
    PROGRESS,
    RULE_BOOKS,
    STARTS,
    STEPS,
    Run,
    _dated,
    _given,
)
from tests.integration.lifecycle import DecidedStory
from tests.projections.support import applicant, company_bin

Draw = Callable[[random.Random], AgreementCommand]


# Any command, with ids from small pools so that they meet again (test_agreement_properties'
# pool, drawn by a seeded random); record dates are set to the day of the step.
_IDS = ("x-1", "x-2", "x-3")
_YEARS = (2026, 2027)
_ENDS = (None, date(2027, 6, 1), date(2028, 1, 1), date(2029, 1, 1))
COMMANDS: list[Draw] = [
    lambda r: RequestChanges(items=("budget",)),
    lambda r: RecommendConclusion(note="fits"),
    lambda r: ApproveConclusion(
        agreement_number=f"PIT-{r.randint(1, 99)}", end_date=r.choice(_ENDS)
    ),
    lambda r: SignAsParticipant(),
    lambda r: SignForManagementCompany(),
    lambda r: RecordAuthorityNotified(
        authority=r.choice(list(Authority)), reference=r.choice(_IDS)
    ),
    lambda r: RecordRegisterEntry(register_number=r.choice(_IDS), entered_on=SUBMITTED_ON),
    lambda r: SubmitAnnualReport(
        report_id=r.choice(_IDS),
        year=r.choice(_YEARS),
        actuals=obligations(r.choice(_YEARS), jobs=r.choice((0, 30))),
        imported_goods_consumed_kzt=Decimal(r.choice(("0", "1250000.50"))),
    ),
    lambda r: ResubmitAnnualReport(
        report_id=r.choice(_IDS),
        actuals=obligations(r.choice(_YEARS), jobs=r.choice((0, 30))),
        imported_goods_consumed_kzt=Decimal(0),
    ),
    lambda r: AcceptAnnualReport(report_id=r.choice(_IDS)),
    lambda r: AcceptAnnualReport(report_id=r.choice(_IDS)),
    lambda r: ReturnAnnualReport(report_id=r.choice(_IDS), reasons=("x",)),
    lambda r: MarkAnnualReportOverdue(year=r.choice(_YEARS)),
    lambda r: EscalateOverdueReport(year=r.choice(_YEARS)),
    lambda r: RecordSiteVisit(
        visit_id=r.choice(_IDS), visited_on=SUBMITTED_ON, findings="x", terms_met=r.random() < 0.5
    ),
    lambda r: IssueBreachNotice(notice_id=r.choice(_IDS), description="x"),
    lambda r: RecordBreachCured(notice_id=r.choice(_IDS), note="x"),
    lambda r: LapseCurePeriod(notice_id=r.choice(_IDS)),
    lambda r: ProposeAmendment(
        amendment_id=r.choice(_IDS),
        end_date=r.choice(_ENDS),
        obligations=r.choice((None, (obligations(2026), obligations(2027)))),
        reason="x",
    ),
    lambda r: ApproveAmendment(amendment_id=r.choice(_IDS)),
    lambda r: RejectAmendment(amendment_id=r.choice(_IDS), reason="x"),
    lambda r: SignAmendment(amendment_id=r.choice(_IDS)),
    lambda r: ProposeTermination(
        termination_id=r.choice(_IDS),
        ground=r.choice(list(TerminationGround)),
        reason="x",
        reference=r.choice((None, "court 1")),
    ),
    lambda r: RequestTermination(termination_id=r.choice(_IDS), reason="x"),
    lambda r: ConsentToTermination(termination_id=r.choice(_IDS)),
    lambda r: ApproveTermination(termination_id=r.choice(_IDS)),
    lambda r: DeclareGoodsConsumption(declaration_id=r.choice(_IDS), goods=goods()),
    lambda r: ConfirmGoodsConsumption(declaration_id=r.choice(_IDS), document_number="C-1"),
    lambda r: RejectGoodsDeclaration(declaration_id=r.choice(_IDS), reasons=("x",)),
    lambda r: AddAuditAnnotation(annotation_id=f"note-{r.randint(1, 10**9)}", text="x"),
]


class _Life:
    """One agreement's random life: the run (stream and state) and who its company is."""

    def __init__(self, rng: random.Random, rules: RuleBook, company: Actor) -> None:
        self.rng = rng
        self.rules = rules
        self.company = company
        # Everyone who may act; the agreement's own company instead of the scenarios'.
        self.actors = [company if a == PARTICIPANT else a for a in ACTORS]
        self.run = Run(rules=rules)
        self.decisions: list[list[AgreementEvent]] = []

    def record(self, events: list[AgreementEvent]) -> None:
        self.run.append(events)
        self.decisions.append(events)

    def act(self, command: AgreementCommand, actor: Actor) -> None:
        """Decide as the workflow does: a real actor's refusal is recorded, a timer's is not."""
        ctx = DecisionContext(actor=actor, now=self.run.now, rules=self.rules)
        try:
            events = decide(command, self.run.state, ctx)
        except DomainError as error:
            if actor.role is Role.SYSTEM:
                return
            events = [refusal_event(command, error, ctx)]
        self.record(events)

    def step(self) -> None:
        """A timer's own command at its due instant, the lifecycle's next step, or any command
        from anyone (from an actor whose role may send it, half the time)."""
        rng, run = self.rng, self.run
        timers = [d for d in run.state.deadlines if d.on_due is not None and d.due > run.now]
        choice = rng.choice(("timer", "progress", "progress", "progress", "any", "any"))
        if choice == "timer" and timers:
            deadline = rng.choice(timers)
            run.now = deadline.due
            if deadline.on_due is not None:
                self.act(deadline.on_due, SYSTEM)
            return
        steps = [*PROGRESS.get(run.state.status, ()), *self.reporting()]
        if choice == "progress" and steps:
            run.now += rng.choice(STEPS[:3])
            command, actor = rng.choice(steps)
            if isinstance(command, ResubmitApplication) and run.state.form is not None:
                command = ResubmitApplication(form=run.state.form)  # the company's own form
            actor = self.company if actor == PARTICIPANT else actor
            self.act(_dated(command, almaty_date(run.now)), actor)
            return
        run.now += rng.choice(STEPS)
        command = _dated(rng.choice(COMMANDS)(rng), almaty_date(run.now))
        allowed = [a for a in self.actors if a.role in PERMISSIONS[command.type]]
        actor = rng.choice(allowed if allowed and rng.random() < 0.7 else self.actors)
        self.act(command, actor)

    def reporting(self) -> list[tuple[AgreementCommand, Actor]]:
        """An agreement in force reports on a year once it is over, and staff take it or
        return it."""
        run, year = self.run, self.run.now.year - 1
        if run.state.status not in IN_FORCE or year not in run.state.reports:
            return []
        report_id = f"r-{year}"
        actuals = obligations(year, jobs=self.rng.choice((0, 30)))
        return [
            (
                SubmitAnnualReport(
                    report_id=report_id,
                    year=year,
                    actuals=actuals,
                    imported_goods_consumed_kzt=Decimal("1250000.50"),
                ),
                self.company,
            ),
            (
                ResubmitAnnualReport(
                    report_id=report_id, actuals=actuals, imported_goods_consumed_kzt=Decimal(0)
                ),
                self.company,
            ),
            (AcceptAnnualReport(report_id=report_id), REVIEWER),
            (AcceptAnnualReport(report_id=report_id), REVIEWER),
            (ReturnAnnualReport(report_id=report_id, reasons=("figures",)), REVIEWER),
        ]


def random_life(rng: random.Random, serial: int, steps: int) -> DecidedStory:
    """An agreement's life: a fresh application of one of eight companies (or one of the
    property test's given streams, further on), then ``steps`` random commands."""
    rules = rng.choice(RULE_BOOKS)
    if rng.random() < 0.4:
        life = _Life(rng, rules, PARTICIPANT)
        given = _given(rng.choice(STARTS), rules)
        life.run.now = given[-1].occurred_at
        life.record(given)
    else:
        company = applicant(company_bin(rng.randint(1, 8)))
        life = _Life(rng, rules, company)
        life.run.now = at(SUBMITTED_ON + timedelta(days=rng.randint(0, 60)))
        name = rng.choice(("ТОО «Дала»", 'LLP "Alatau Software"', "ТОО «Көктем»"))
        submit = SubmitApplication(
            agreement_id=f"agr-{serial}", form=form(bin=company.bin, name=f"{name} {serial}")
        )
        life.act(submit, company)
    for _ in range(steps):
        life.step()
    return DecidedStory(events=life.run.events, decisions=life.decisions)
