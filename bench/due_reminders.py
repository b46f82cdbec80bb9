"""Agreements whose reminders all fall due at one instant, for the load benchmark.

Each agreement's record is made by the real decider, dated the days before the instant, and
imported into its stream as the workflow would have appended it: applied five days before,
reviewed, approved, signed by both and concluded the day before, both notices to the
authorities issued by the system that day (the letters rendered from the real template). What
stays open decides which reminders come due at the instant (``send_at`` of the
:class:`ReminderPolicy` is its time of day in Almaty), in this order, one per matter:

1. the authorized body's notice was due on the day of conclusion and is not acknowledged:
   staff get the first overdue reminder the day after;
2. the agreement ends 31 days after the instant: the participant's reminder 30 days before
   its last day (the default policy's);
3. the register entry (due 5 days after conclusion) is not recorded: staff are reminded
   ``staff_days_before`` (the days left) before;
4. the tax authority's notice (due 2 working days after conclusion) is not acknowledged:
   staff, the same way;
5. an amendment extending the term to the zone's end was proposed and approved the day
   before and awaits the participant's signature: the participant is reminded
   ``participant_days_before`` (the working days' span) before.

With ``reminders`` below 5 the later matters are settled in the record instead (an agreement
to the zone's end, the entry recorded, the notice acknowledged, no amendment); with 0 the
agreement is quiet at the instant (staff act on such agreements while the others remind).
:func:`reminders_at` checks, with the domain's own planning, that exactly ``reminders`` of an
agreement's reminders come due at the instant and none before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agreement import (
    AgreementCommand,
    AgreementEvent,
    AgreementState,
    DecisionContext,
    decide,
    fold,
)
from domain.agreement.commands import (
    ApproveAmendment,
    ApproveConclusion,
    IssueAuthorityNotice,
    ProposeAmendment,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.reminders import Reminder, ReminderPolicy, planned_reminders
from domain.agreement.vocabulary import Authority
from domain.application import ApplicationForm, Contacts, PriorityArea, YearObligations
from domain.calendar import ALMATY, almaty_date
from domain.rules import RuleBook, decree_1166_rulebook
from workers.demo_companies import demo_bin
from workflows.correspondence import Correspondents, notice_context

MAX_REMINDERS = 5
"""Matters that can come due at the instant, per agreement (see the module's docstring)."""

REVIEWER = Actor(id="reviewer-aigerim", role=Role.REVIEWER)
APPROVER = Actor(id="approver-dana", role=Role.APPROVER)
ADMIN = Actor(id="admin-bolat", role=Role.ADMIN)
ZONE_END = date(2028, 1, 1)
ENDS_AFTER = timedelta(days=31)  # the agreement's end, counted from the instant's day


@dataclass(frozen=True)
class DueInstant:
    """The instant the reminders come due, and the policy that puts them there."""

    at: datetime  # aware
    policy: ReminderPolicy

    @property
    def day(self) -> date:
        """The instant's day in Almaty."""
        return almaty_date(self.at)


def _obligations(year: int) -> YearObligations:
    return YearObligations(
        year=year,
        investment_foreign_kzt=Decimal("50000000.00"),
        investment_domestic_kzt=Decimal("150000000.00"),
        production_volume_kzt=Decimal("300000000.00"),
        jobs=25,
        kz_content_bp=6000,
    )


def company_bin(number: int) -> str:
    """A valid head-office BIN for company ``number`` (a serial with a valid check digit)."""
    serial = number * 2  # one in eleven serials has no valid check digit: skip forward
    for _ in range(20):  # bounded: a valid digit comes within a few serials
        try:
            return demo_bin("1503", serial % 100_000)
        except ValueError:
            serial += 1
    raise ValueError(f"no BIN near serial {number * 2}")  # pragma: no cover - never seen


def _form(number: int, start: date, end: date) -> ApplicationForm:
    last_year = (end - timedelta(days=1)).year  # the end is the day the agreement ceases
    return ApplicationForm(
        bin=company_bin(number),
        name=f'LLP "Alatau Software {number:05d}"',
        contacts=Contacts(
            email=f"office-{number:05d}@alatau-software.kz",
            phone="+7 727 000 00 00",
            address="Alatau, Medeu district, Almaty",
            contact_person="A. Seitkali",
        ),
        oked_code="62.01",
        priority_area=PriorityArea.ICT,
        excisable_goods=False,
        project_description="Development of logistics software for the region's carriers.",
        on_territory=True,
        planned_obligations=tuple(_obligations(y) for y in range(start.year, last_year + 1)),
        requested_start=start,
        requested_end=end,
    )


class _Record:
    """An agreement's decisions, each decided by the domain on the state before it."""

    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules
        self.state: AgreementState = fold([])
        self.decisions: list[list[AgreementEvent]] = []

    def when(self, command: AgreementCommand, actor: Actor, on: date, hour: int) -> None:
        moment = datetime.combine(on, time(hour), tzinfo=ALMATY)
        events = decide(
            command, self.state, DecisionContext(actor=actor, now=moment, rules=self.rules)
        )
        self.state = fold(events, self.state)
        self.decisions.append(events)


def agreement_record(
    agreement_id: str, number: int, day: date, reminders: int, rules: RuleBook
) -> tuple[list[list[AgreementEvent]], AgreementState]:
    """The decisions of agreement ``number`` (one batch each) and its state, for an instant on
    ``day`` at which ``reminders`` of its reminders come due (0 to :data:`MAX_REMINDERS`)."""
    if not 0 <= reminders <= MAX_REMINDERS:
        raise ValueError(f"reminders per agreement are 0 to {MAX_REMINDERS}, not {reminders}")
    concluded = day - timedelta(days=1)
    applied = day - timedelta(days=5)
    end = day + ENDS_AFTER if reminders >= 2 else ZONE_END
    participant = Actor(id=f"company-{number:05d}", role=Role.APPLICANT, bin=company_bin(number))
    record = _Record(rules)
    record.when(
        SubmitApplication(agreement_id=agreement_id, form=_form(number, concluded, end)),
        participant,
        applied,
        10,
    )
    record.when(RecommendConclusion(note="fits the zone"), REVIEWER, applied + timedelta(1), 10)
    number_text = f"PIT-L-{number:05d}"
    record.when(
        ApproveConclusion(agreement_number=number_text), APPROVER, applied + timedelta(2), 10
    )
    record.when(SignAsParticipant(), participant, applied + timedelta(3), 10)
    record.when(SignForManagementCompany(), APPROVER, concluded, 9)
    correspondents = Correspondents()
    for authority in Authority:  # as the workflow issues them on conclusion
        notice_id = f"notice:{authority.value}:conclusion"
        context = notice_context(
            authority,
            notice_id,
            record.state,
            concluded.isoformat(),
            correspondents.management_company,
        )
        rendered = _render_notice(context)
        record.when(
            IssueAuthorityNotice(
                authority=authority,
                notice_id=notice_id,
                recipient=correspondents.authority_email(authority),
                subject=rendered[0][:200],
                document=rendered[1],
            ),
            SYSTEM_ACTOR,
            concluded,
            9,
        )
    if reminders < 1:
        record.when(
            RecordAuthorityNotified(authority=Authority.AUTHORIZED_BODY, reference="AB-ack"),
            ADMIN,
            concluded,
            11,
        )
    if reminders < 3:
        record.when(
            RecordRegisterEntry(register_number=f"SEZ-{number_text}", entered_on=concluded),
            REVIEWER,
            concluded,
            11,
        )
    if reminders < 4:
        record.when(
            RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="TA-ack"),
            ADMIN,
            concluded,
            11,
        )
    if reminders >= 5:
        amendment = f"amendment-{number:05d}"
        record.when(
            ProposeAmendment(amendment_id=amendment, end_date=ZONE_END, reason="the project grows"),
            REVIEWER,
            concluded,
            12,
        )
        record.when(ApproveAmendment(amendment_id=amendment), APPROVER, concluded, 13)
    return record.decisions, record.state


def _render_notice(context: dict[str, str]) -> tuple[str, str]:
    from activities.mail import render  # the real template, as render_document fills it

    rendered = render("authority_notice", context)
    return rendered.subject, rendered.body


def due_instant(at: datetime, rules: RuleBook, spread: timedelta | None = None) -> DueInstant:
    """The policy that puts the reminders of :func:`agreement_record`'s agreements at ``at``:
    its time of day, and the days before that the staff's and the participant's open deadlines
    are from the instant's day (added to the default policy's days); the default policy's
    spread unless ``spread`` is given."""
    day = almaty_date(at)
    _, state = agreement_record("probe", 1, day, MAX_REMINDERS, rules)
    staff: set[int] = set()
    participant: set[int] = set(ReminderPolicy().participant_days_before)
    for deadline in state.deadlines:
        left = (deadline.due_date - day).days
        if deadline.kind.value in {"register_entry", "tax_authority_notice"} and left >= 1:
            staff.add(left)
        elif deadline.kind.value == "amendment_signing" and left >= 1:
            participant.add(left)
    policy = ReminderPolicy(
        send_at=at.astimezone(ALMATY).time(),
        staff_days_before=tuple(sorted(staff or {2})),
        participant_days_before=tuple(sorted(participant)),
        spread=ReminderPolicy().spread if spread is None else spread,
    )
    return DueInstant(at=at, policy=policy)


def reminders_at(state: AgreementState, instant: DueInstant, since: datetime) -> list[Reminder]:
    """The reminders of ``state`` the workflow issues at the instant, having started at
    ``since``: planned by the domain, due after ``since`` and by the instant, one per matter.

    Raises:
        ValueError: one would come due after ``since`` but before the instant.
    """
    terms = decree_1166_rulebook().in_force(instant.day).terms
    planned = planned_reminders(state, terms, instant.policy)
    early = [r for r in planned if since < r.send_at < instant.at]
    if early:
        raise ValueError(f"reminders before the instant: {[r.reminder_id for r in early]}")
    return [r for r in planned if r.send_at == instant.at]
