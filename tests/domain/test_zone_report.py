"""The zone's annual report to the authorized body [Reg. §9.4]: its policy, its reminders, and
the zone stream's commands that record them. Given these events, when this command, then..."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from pydantic import TypeAdapter, ValidationError

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.calendar import ALMATY
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.legal_basis import REG_9_4
from domain.rules import RuleSet, decree_1166_rulebook
from domain.zone import (
    AdoptRegulationAmendment,
    RecordZoneReminderSent,
    RecordZoneReportSubmitted,
    ZoneCommand,
    ZoneEvent,
    ZoneReminderSent,
    ZoneReportSubmitted,
    ZoneState,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
)
from domain.zone_report import (
    POLICY_BASIS,
    ZoneReportPolicy,
    ZoneReportReminder,
    first_reported_year,
    last_reported_year,
    next_reminder,
    reminders_of,
)

ESTABLISHED_AT = datetime(2026, 11, 25, 6, tzinfo=UTC)  # 11:00 in Almaty
ADMIN = Actor(id="admin-1", role=Role.ADMIN)
REVIEWER = Actor(id="reviewer-1", role=Role.REVIEWER)
POLICY = ZoneReportPolicy()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ALMATY)


def then(state: ZoneState, events: list[ZoneEvent]) -> ZoneState:
    for event in events:
        state = evolve_zone(state, event)
    return state


def established() -> ZoneState:
    return then(
        initial_zone_state(),
        decide_zone(pit_establishment(), initial_zone_state(), actor=ADMIN, now=ESTABLISHED_AT),
    )


def report(year: int = 2026, submitted_on: date = date(2027, 4, 20)) -> RecordZoneReportSubmitted:
    return RecordZoneReportSubmitted(year=year, reference="01-12/345", submitted_on=submitted_on)


def remind(state: ZoneState, reminder: ZoneReportReminder, on: date) -> ZoneState:
    events = decide_zone(
        RecordZoneReminderSent(reminder=reminder), state, actor=SYSTEM_ACTOR, now=at(on)
    )
    return then(state, events)


# --- The policy --------------------------------------------------------------------------


def test_the_zone_report_is_due_on_30_april_of_the_following_year_by_pit_policy() -> None:
    assert POLICY.due_on(2026) == date(2027, 4, 30)
    assert POLICY_BASIS == (REG_9_4, "pit policy: zone_report_due")
    assert REG_9_4 == "Decree 1166 Reg. §9.4"


def test_staff_are_reminded_14_and_2_days_before_and_escalated_to_the_day_after() -> None:
    sent = reminders_of(POLICY, 2026)

    assert [(r.kind, r.send_on, r.days) for r in sent] == [
        ("before", date(2027, 4, 16), 14),
        ("before", date(2027, 4, 28), 2),
        ("overdue", date(2027, 5, 1), 1),
    ]
    assert sent[0].reminder_id == "zone-report-2026-before-2027-04-16"
    assert reminders_of(POLICY, 2026) == sent  # the same ids whenever computed


@pytest.mark.parametrize(
    "changes",
    [
        {"due_month": 2, "due_day": 29},
        {"due_month": 4, "due_day": 31},
        {"reminder_days_before": (3, 3)},
        {"reminder_days_before": (0,)},
        {"send_at": time(9, tzinfo=UTC)},
    ],
)
def test_a_policy_that_cannot_hold_every_year_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ZoneReportPolicy.model_validate(changes)


@pytest.mark.parametrize(
    ("established_on", "first_year"),
    [
        (date(2026, 11, 25), 2026),  # the report on 2025 was due on 30.4.2026, before pit
        (date(2027, 4, 30), 2026),  # due on the day the stream began: still followed
        (date(2027, 5, 1), 2027),
        (date(2027, 1, 1), 2026),
    ],
)
def test_the_stream_follows_the_reports_due_from_its_own_start(
    established_on: date, first_year: int
) -> None:
    assert first_reported_year(POLICY, established_on) == first_year


def test_the_last_report_is_on_the_zones_last_year() -> None:
    assert last_reported_year(date(2028, 1, 1)) == 2027
    assert last_reported_year(date(2028, 6, 30)) == 2028


# --- The next reminder ---------------------------------------------------------------------


def _next(today: date, **changes: object) -> ZoneReportReminder | None:
    options: dict[str, object] = {
        "years": range(2026, 2028),
        "reported": frozenset(),
        "sent": frozenset(),
        "not_before": date(2026, 11, 25),
        "today": today,
    }
    options.update(changes)
    return next_reminder(POLICY, **options)  # type: ignore[arg-type]


def test_the_next_reminder_is_the_earliest_not_yet_sent() -> None:
    first = _next(date(2026, 12, 1))
    assert first is not None
    assert first.send_on == date(2027, 4, 16)

    second = _next(date(2027, 4, 16), sent=frozenset({first.reminder_id}))
    assert second is not None
    assert second.send_on == date(2027, 4, 28)


def test_of_the_reminders_missed_while_down_only_the_latest_is_sent() -> None:
    late = _next(date(2027, 4, 29))

    assert late is not None
    assert late.send_on == date(2027, 4, 28)


def test_no_reminder_of_a_day_before_the_stream_began() -> None:
    first = _next(date(2027, 4, 20), not_before=date(2027, 4, 20))

    assert first is not None
    assert first.send_on == date(2027, 4, 28)


def test_a_recorded_report_has_no_more_reminders_and_the_next_years_follow() -> None:
    following = _next(date(2027, 4, 1), reported=frozenset({2026}))
    assert following is not None
    assert (following.year, following.send_on) == (2027, date(2028, 4, 16))

    assert _next(date(2027, 4, 1), reported=frozenset({2026, 2027})) is None


# --- Commands on the zone's stream ---------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.APPROVER, Role.ADMIN])
def test_staff_record_the_zone_report_with_its_due_date_and_basis(role: Role) -> None:
    actor = Actor(id="staff-1", role=role)
    (event,) = decide_zone(report(), established(), actor=actor, now=at(date(2027, 4, 20)))

    assert isinstance(event, ZoneReportSubmitted)
    assert (event.year, event.submitted_on, event.due_on) == (
        2026,
        date(2027, 4, 20),
        date(2027, 4, 30),
    )
    assert event.legal_basis == (REG_9_4,)
    assert event.rule_set_version == "decree-377-2016"


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.AUDITOR, Role.SYSTEM])
def test_only_staff_record_the_zone_report(role: Role) -> None:
    actor = Actor(id="someone", role=role, bin="940140000385" if role is Role.APPLICANT else None)
    with pytest.raises(NotPermitted) as refused:
        decide_zone(report(), established(), actor=actor, now=at(date(2027, 4, 20)))

    assert refused.value.code == "zone_report_staff_only"
    assert refused.value.legal_basis == (REG_9_4, "pit policy: zone_report_recorded_by_staff")


def test_a_zone_report_is_recorded_once() -> None:
    now = at(date(2027, 4, 20))
    state = then(established(), decide_zone(report(), established(), actor=REVIEWER, now=now))

    with pytest.raises(InvalidTransition) as twice:
        decide_zone(report(), state, actor=REVIEWER, now=now)

    assert twice.value.code == "zone_report_already_recorded"
    assert state.zone_report(2026) is not None


@pytest.mark.parametrize(
    ("command", "error", "code"),
    [
        (report(submitted_on=date(2027, 4, 21)), InvalidInput, "zone_report_submitted_in_future"),
        (report(submitted_on=date(2026, 12, 31)), InvalidInput, "zone_report_before_year_end"),
        (report(year=2028, submitted_on=date(2029, 1, 5)), RuleViolation, "zone_report_year"),
    ],
)
def test_a_zone_report_the_calendar_or_the_zones_term_refuses(
    command: RecordZoneReportSubmitted, error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as refused:
        decide_zone(command, established(), actor=REVIEWER, now=at(date(2027, 4, 20)))

    assert getattr(refused.value, "code", "").startswith(code)


def test_an_amendment_extending_the_zone_adds_its_years_to_the_reports() -> None:
    extended = decree_1166_rulebook().latest.model_copy(
        update={"version": "decree-x", "effective_from": date(2027, 1, 1)}
    )
    amendment = AdoptRegulationAmendment(
        rule_set=RuleSet.model_validate({**extended.model_dump(), "zone_end": date(2030, 1, 1)})
    )
    state = established()
    after = then(state, decide_zone(amendment, state, actor=ADMIN, now=at(date(2026, 12, 1))))

    assert state.reported_years() == range(2026, 2028)
    assert after.reported_years() == range(2026, 2030)


def test_the_system_records_each_reminder_once_and_none_after_the_report() -> None:
    state = established()
    reminder = state.next_report_reminder(date(2027, 4, 16))
    assert reminder is not None

    reminded = remind(state, reminder, date(2027, 4, 16))
    with pytest.raises(InvalidTransition) as twice:
        remind(reminded, reminder, date(2027, 4, 16))
    reported = then(
        reminded, decide_zone(report(), reminded, actor=REVIEWER, now=at(date(2027, 4, 20)))
    )
    later = reminded.next_report_reminder(date(2027, 4, 28))
    assert later is not None
    with pytest.raises(InvalidTransition) as after_report:
        remind(reported, later, date(2027, 4, 28))

    (event,) = decide_zone(
        RecordZoneReminderSent(reminder=reminder),
        state,
        actor=SYSTEM_ACTOR,
        now=at(date(2027, 4, 16)),
    )
    assert isinstance(event, ZoneReminderSent)
    assert (event.year, event.kind, event.due_on, event.recipient) == (
        2026,
        "before",
        date(2027, 4, 30),
        "staff",
    )
    assert reminded.reminders_sent == (reminder.reminder_id,)
    assert twice.value.code == "zone_reminder_already_sent"
    assert after_report.value.code == "zone_report_already_recorded"
    assert reported.next_report_reminder(date(2027, 4, 28)) == reminders_of(POLICY, 2027)[0]


def test_only_the_system_records_a_reminder_and_only_one_the_policy_sends() -> None:
    state = established()
    (reminder, *_) = reminders_of(POLICY, 2026)
    forged = reminder.model_copy(update={"send_on": date(2027, 4, 17)})

    with pytest.raises(NotPermitted) as by_admin:
        decide_zone(
            RecordZoneReminderSent(reminder=reminder), state, actor=ADMIN, now=at(date(2027, 4, 16))
        )
    with pytest.raises(InvalidInput) as unknown:
        decide_zone(
            RecordZoneReminderSent(reminder=forged),
            state,
            actor=SYSTEM_ACTOR,
            now=at(date(2027, 4, 16)),
        )

    assert by_admin.value.code == "zone_reminder_system_only"
    assert unknown.value.code == "unknown_zone_reminder"


def test_the_new_zone_events_and_commands_round_trip_through_json_by_their_type() -> None:
    state = established()
    reminder = reminders_of(POLICY, 2026)[0]
    events = [
        *decide_zone(report(), state, actor=REVIEWER, now=at(date(2027, 4, 20))),
        *decide_zone(
            RecordZoneReminderSent(reminder=reminder),
            state,
            actor=SYSTEM_ACTOR,
            now=at(date(2027, 4, 16)),
        ),
    ]
    events_adapter: TypeAdapter[ZoneEvent] = TypeAdapter(ZoneEvent)
    commands: TypeAdapter[ZoneCommand] = TypeAdapter(ZoneCommand)

    for event in events:
        assert events_adapter.validate_json(event.model_dump_json()) == event
    assert commands.validate_json(report().model_dump_json()) == report()
    assert [e.type for e in events] == ["zone_report_submitted", "zone_reminder_sent"]
