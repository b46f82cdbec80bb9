"""An auditor replays an agreement's log as of a day or an instant: the events that had occurred
by then, each with its business and record time, actor, legal basis and rule set, and the state
they fold to; the console's auditor screen reads the very same replay."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from typer.testing import CliRunner

from api.console.audit import state_as_of
from audit.replay import replay
from cli.main import app
from domain.agreement import AgreementState, Status, fold
from domain.agreement.commands import (
    ApproveConclusion,
    RecommendConclusion,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.calendar import ALMATY
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import (
    APPROVED_ON,
    APPROVER,
    CONCLUDED_ON,
    PARTICIPANT,
    REVIEWER,
    SUBMITTED_ON,
    form,
)
from tests.integration.lifecycle import (
    AGREEMENT_ID,
    BREACH_NOTICE_ON,
    STREAM_ID,
    DecidedStory,
    Ending,
    whole_lifecycle,
)
from tests.integration.stored import append_decisions

pytestmark = pytest.mark.postgres

WIDE = {"COLUMNS": "250"}  # rich tables unwrapped, so that a row reads as one line


def _state_by(story: DecidedStory, until: datetime) -> AgreementState:
    """What the domain folds from the story's events that had occurred by ``until``."""
    return fold(e for e in story.events if e.occurred_at <= until)


async def test_the_state_as_of_a_day_before_and_after_a_decisive_event(
    fresh_store: PostgresEventStore,
) -> None:
    story = whole_lifecycle(Ending.UNCURED)
    await append_decisions(fresh_store, STREAM_ID, story.decisions)

    before_conclusion = await replay(fresh_store, AGREEMENT_ID, CONCLUDED_ON - timedelta(days=1))
    concluded = await replay(fresh_store, AGREEMENT_ID, CONCLUDED_ON)
    before_breach = await replay(fresh_store, AGREEMENT_ID, BREACH_NOTICE_ON - timedelta(days=1))
    in_breach = await replay(fresh_store, AGREEMENT_ID, BREACH_NOTICE_ON)
    everything = await replay(fresh_store, AGREEMENT_ID, None)

    assert before_conclusion.state is not None
    assert concluded.state is not None
    assert before_conclusion.state.status is Status.AWAITING_SIGNATURES
    assert before_conclusion.state.signed_by_participant
    assert concluded.state.status is Status.ACTIVE
    assert concluded.state.concluded_on == CONCLUDED_ON
    assert before_breach.state is not None
    assert in_breach.state is not None
    assert before_breach.state.status is Status.ACTIVE
    assert in_breach.state.status is Status.IN_BREACH
    # Folded by the domain's own code: the same state as the story's events by then.
    assert concluded.until is not None
    assert concluded.state == _state_by(story, concluded.until)
    assert everything.state == story.state
    assert everything.stream_version == concluded.stream_version == len(story.events)
    assert len(everything.events) == len(story.events) > len(concluded.events)


async def test_each_replayed_event_says_when_who_what_why_and_the_status_it_left(
    fresh_store: PostgresEventStore,
) -> None:
    story = whole_lifecycle(Ending.CURED)
    await append_decisions(fresh_store, STREAM_ID, story.decisions)

    replayed = await replay(fresh_store, AGREEMENT_ID, APPROVED_ON)

    assert [row.recorded.type for row in replayed.events] == [
        "ApplicationSubmitted",
        "ScreeningPassed",
        "ActionRefused",  # the participant signing too early
        "ConclusionRecommended",
        "ActionRefused",  # the reviewer approving their own recommendation (four eyes)
        "ConclusionApproved",
    ]
    refused, approved = replayed.events[2], replayed.events[-1]
    assert refused.recorded.metadata.actor_id == PARTICIPANT.id
    assert refused.details["command_type"] == "SignAsParticipant"
    assert refused.status_after == "in_review"  # a refusal changes nothing
    assert approved.recorded.metadata.actor_id == APPROVER.id
    assert approved.recorded.metadata.actor_role == "approver"
    assert approved.recorded.metadata.legal_basis
    assert approved.recorded.metadata.rule_set_version == "decree-377-2016"
    assert approved.recorded.metadata.occurred_at == datetime.combine(
        APPROVED_ON, time(10), tzinfo=ALMATY
    )
    assert approved.recorded.recorded_at > approved.recorded.metadata.occurred_at  # appended now
    assert approved.status_after == "awaiting_signatures"
    assert approved.state_after == replayed.state


def _signed_by_the_company_at(agreement_id: str, signed_at: datetime) -> DecidedStory:
    """Application to conclusion; the management company's signature (which concludes the
    agreement) at ``signed_at``."""
    story = DecidedStory()
    story.when(
        SubmitApplication(agreement_id=agreement_id, form=form()), by=PARTICIPANT, on=SUBMITTED_ON
    )
    story.when(RecommendConclusion(note="fits the zone"), by=REVIEWER, on=date(2026, 3, 18))
    story.when(ApproveConclusion(agreement_number="PIT-2026-9"), by=APPROVER, on=APPROVED_ON)
    story.when(SignAsParticipant(), by=PARTICIPANT, on=date(2026, 4, 1))
    story.when(SignForManagementCompany(), by=APPROVER, on=signed_at)
    return story


@pytest.mark.parametrize(
    ("signed_at", "active_on_the_2nd"),
    [
        (time(23, 59), True),  # the last minute of 2 April in Almaty belongs to 2 April
        (time(0, 0), False),  # midnight begins 3 April
    ],
    ids=["23:59", "00:00"],
)
async def test_a_day_ends_at_midnight_in_almaty(
    fresh_store: PostgresEventStore, signed_at: time, active_on_the_2nd: bool
) -> None:
    day = CONCLUDED_ON  # 2 April 2026
    on = day if signed_at != time(0, 0) else day + timedelta(days=1)
    agreement_id = f"boundary-{signed_at.hour:02d}{signed_at.minute:02d}"
    story = _signed_by_the_company_at(agreement_id, datetime.combine(on, signed_at, tzinfo=ALMATY))
    await append_decisions(fresh_store, f"agreement-{agreement_id}", story.decisions)

    on_the_2nd = await replay(fresh_store, agreement_id, day)
    on_the_3rd = await replay(fresh_store, agreement_id, day + timedelta(days=1))
    screen = await state_as_of(fresh_store, agreement_id, day)  # the console's auditor screen

    expected = Status.ACTIVE if active_on_the_2nd else Status.AWAITING_SIGNATURES
    assert on_the_2nd.state is not None
    assert on_the_3rd.state is not None
    assert on_the_2nd.state.status is expected
    assert on_the_3rd.state.status is Status.ACTIVE
    assert screen.state == on_the_2nd.state
    assert screen.events == len(on_the_2nd.events)
    # Almaty is UTC+5 since March 2024: 2 April ends at 19:00 UTC.
    assert on_the_2nd.until == datetime(2026, 4, 2, 18, 59, 59, 999999, tzinfo=UTC)


async def test_an_instant_without_a_zone_is_almaty_time_and_one_with_a_zone_is_as_given(
    fresh_store: PostgresEventStore,
) -> None:
    story = whole_lifecycle(Ending.CURED)  # the company signs at 10:00 Almaty on 2 April
    await append_decisions(fresh_store, STREAM_ID, story.decisions)

    statuses = {}
    for as_of in (
        datetime(2026, 4, 2, 9, 59),  # Almaty, a minute before
        datetime(2026, 4, 2, 10, 0),  # Almaty, the very instant: it had happened
        datetime(2026, 4, 2, 4, 59, tzinfo=UTC),  # 09:59 in Almaty
        datetime(2026, 4, 2, 5, 0, tzinfo=UTC),  # 10:00 in Almaty
    ):
        replayed = await replay(fresh_store, AGREEMENT_ID, as_of)
        assert replayed.state is not None
        statuses[as_of.isoformat()] = replayed.state.status

    assert list(statuses.values()) == [
        Status.AWAITING_SIGNATURES,
        Status.ACTIVE,
        Status.AWAITING_SIGNATURES,
        Status.ACTIVE,
    ]


# --- `pit audit replay` --------------------------------------------------------------------


@pytest.fixture
def pit(fresh_dsn: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`pit` against a database holding the whole (cured) lifecycle of agreement agr-1."""

    async def record() -> None:
        async with await PostgresEventStore.open(fresh_dsn, notify=False) as store:
            await append_decisions(store, STREAM_ID, whole_lifecycle(Ending.CURED).decisions)

    asyncio.run(record())
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    return CliRunner()


def test_pit_audit_replay_prints_the_timeline_and_state_as_json(pit: CliRunner) -> None:
    before = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "2026-04-01", "--json"])
    after = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "02.04.2026", "--json"])

    assert before.exit_code == 0, before.output
    document = json.loads(before.stdout)
    assert document["agreement_id"] == AGREEMENT_ID
    assert document["as_of"] == "2026-04-01"
    assert document["until"] == "2026-04-01T18:59:59.999999Z"
    assert document["status"] == "awaiting_signatures"
    assert document["state"]["signed_by_participant"] is True
    assert document["events_by_then"] == len(document["events"]) < document["events_now"]
    signed = document["events"][-1]
    assert signed["type"] == "SignedByParticipant"
    assert signed["occurred_at"] == "2026-04-01T05:00:00.000000Z"  # 10:00 in Almaty
    assert signed["recorded_at"].endswith("Z")
    assert signed["actor"] == {"id": PARTICIPANT.id, "role": "applicant"}
    assert signed["legal_basis"]
    assert signed["rule_set_version"] == "decree-377-2016"
    assert signed["status_after"] == "awaiting_signatures"
    assert [e["version"] for e in document["events"]] == list(range(1, len(document["events"]) + 1))
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout)["status"] == "active"


def test_pit_audit_replay_takes_an_instant_without_a_zone_as_almaty_time(pit: CliRunner) -> None:
    shown = pit.invoke(
        app, ["audit", "replay", AGREEMENT_ID, "--as-of", "2026-04-02T09:59", "--json"]
    )

    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["as_of"] == "2026-04-02T09:59:00+05:00"
    assert document["until"] == "2026-04-02T04:59:00.000000Z"
    assert document["status"] == "awaiting_signatures"  # the company signs at 10:00


def test_pit_audit_replay_prints_a_table_in_almaty_time(pit: CliRunner) -> None:
    shown = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "2026-04-02"], env=WIDE)

    assert shown.exit_code == 0, shown.output
    assert "as of the end of 02.04.2026 (Almaty)" in shown.stdout
    assert "16.03.2026 10:00" in shown.stdout  # the application, in Almaty time
    assert "ActionRefused SignAsParticipant: " in shown.stdout
    assert "approver-dana (approver)" in shown.stdout
    assert "State as of the end of 02.04.2026 (Almaty)" in shown.stdout
    assert "PIT-2026-001" in shown.stdout


def test_pit_audit_replay_of_an_unknown_agreement_exits_3(pit: CliRunner) -> None:
    unknown = pit.invoke(app, ["audit", "replay", "no-such-agreement", "--json"])
    nothing_yet = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "2020-01-01"])

    assert unknown.exit_code == 3
    assert unknown.stdout == ""
    assert "agreement no-such-agreement has no events" in unknown.stderr
    assert nothing_yet.exit_code == 0, nothing_yet.output
    assert "nothing had happened by the end of 01.01.2020" in nothing_yet.stdout


def test_pit_audit_replay_refuses_what_is_no_date_or_instant(pit: CliRunner) -> None:
    refused = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "yesterday"])

    assert refused.exit_code == 2
    assert "is no date or instant" in refused.output


def test_pit_audit_replay_as_of_the_calendars_last_day_shows_everything(pit: CliRunner) -> None:
    # 31 December 9999 has no next midnight to end at: every event had occurred by then.
    shown = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "9999-12-31", "--json"])
    first = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", "0001-01-01", "--json"])

    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["as_of"] == "9999-12-31"
    assert document["events_by_then"] == document["events_now"] > 0
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["events_by_then"] == 0


@pytest.mark.parametrize("instant", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_pit_audit_replay_refuses_an_instant_beyond_the_calendar(
    pit: CliRunner, instant: str
) -> None:
    refused = pit.invoke(app, ["audit", "replay", AGREEMENT_ID, "--as-of", instant], env=WIDE)

    assert refused.exit_code == 2
    assert "--as-of" in refused.output
    assert "is beyond the calendar" in refused.output
