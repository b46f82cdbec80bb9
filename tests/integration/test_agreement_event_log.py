"""An agreement's whole lifecycle through the real event log on PostgreSQL.

The decider decides, ``to_new_event`` encodes, ``PostgresEventStore`` appends each decision at
its exact expected version; reading the stream back and folding it must give what folding the
decided events in memory gives: what an auditor replays is what the workflow saw.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pydantic import ValidationError

from domain.actors import Actor
from domain.agreement import AGREEMENT_COMMAND, ActionRefused, AgreementEvent, Status, fold
from domain.agreement.events import AgreementConcluded
from domain.zone import evolve_zone, initial_zone_state, zone_stream_id
from eventstore import EventIdConflict, PostgresEventStore
from tests.domain.agreement.agreement_scenarios import (
    APPROVER_2,
    CONCLUDED_ON,
    PARTICIPANT,
    REVIEWER,
    SYSTEM,
    Story,
    approved,
    concluded,
    submitted,
)
from tests.integration.lifecycle import (
    BREACH_NOTICE_ON,
    CURED_ON,
    REFUSED_ATTEMPT_ON,
    STREAM_ID,
    DecidedStory,
    Ending,
    whole_lifecycle,
    zone_configuration,
)
from tests.integration.stored import (
    append_decisions,
    decode_agreement,
    decode_zone,
    encode_decision,
    end_of_almaty_day,
)


async def _stored_lifecycle(store: PostgresEventStore, ending: Ending) -> DecidedStory:
    story = whole_lifecycle(ending)
    await append_decisions(store, STREAM_ID, story.decisions)
    return story


@pytest.mark.parametrize("ending", list(Ending))
async def test_stored_lifecycle_folds_back_to_the_state_the_decider_reached(
    fresh_store: PostgresEventStore, ending: Ending
) -> None:
    story = whole_lifecycle(ending)

    results = await append_decisions(fresh_store, STREAM_ID, story.decisions)

    # Every decision was written (none taken for a retry), ending at the version it was given.
    sizes = [len(decision) for decision in story.decisions]
    assert [r.stream_version for r in results] == [sum(sizes[: n + 1]) for n in range(len(sizes))]
    assert not any(r.replayed for r in results)
    recorded = await fresh_store.read_stream(STREAM_ID)
    decoded = decode_agreement(recorded)
    assert decoded == story.events
    assert fold(decoded) == story.state
    assert story.state.status is Status.TERMINATED
    assert story.state.version == len(recorded) == await fresh_store.stream_version(STREAM_ID)


@pytest.mark.parametrize("ending", list(Ending))
async def test_stored_lifecycle_verifies_as_an_unbroken_hash_chain(
    fresh_store: PostgresEventStore, ending: Ending
) -> None:
    story = await _stored_lifecycle(fresh_store, ending)

    report = await fresh_store.verify()

    assert report.ok, report.failures
    assert report.streams_checked == 1
    assert report.events_checked == len(story.events)


async def test_stored_metadata_names_the_actor_time_legal_basis_and_rule_set_of_each_event(
    fresh_store: PostgresEventStore,
) -> None:
    story = await _stored_lifecycle(fresh_store, Ending.UNCURED)

    recorded = await fresh_store.read_stream(STREAM_ID)

    for stored, event in zip(recorded, story.events, strict=True):
        assert stored.metadata.actor_id == event.actor.id
        assert stored.metadata.actor_role == event.actor.role.value
        assert stored.metadata.occurred_at == event.occurred_at
        assert stored.metadata.legal_basis == event.legal_basis
        assert stored.metadata.rule_set_version == event.rule_set_version
        assert stored.metadata.workflow_id == STREAM_ID
    # Every decision of this lifecycle rests on some legal basis, and on the rules of 2016.
    assert all(stored.metadata.legal_basis for stored in recorded)
    assert {stored.metadata.rule_set_version for stored in recorded} == {"decree-377-2016"}
    # The events of one decision share its correlation id; two decisions never do.
    by_decision = [
        {stored.metadata.correlation_id for stored in recorded[start : start + len(decision)]}
        for start, decision in _offsets(story)
    ]
    assert all(len(ids) == 1 for ids in by_decision)
    assert len(set.union(*by_decision)) == len(story.decisions)


def _offsets(story: DecidedStory) -> list[tuple[int, list[AgreementEvent]]]:
    """Each decision with the index of its first event in the stream."""
    offsets: list[tuple[int, list[AgreementEvent]]] = []
    start = 0
    for decision in story.decisions:
        offsets.append((start, decision))
        start += len(decision)
    return offsets


# Almaty dates of the cured lifecycle, and where the agreement stood at the end of each.
AS_OF = [
    (REFUSED_ATTEMPT_ON, Status.IN_REVIEW, False),
    (date(2026, 4, 1), Status.AWAITING_SIGNATURES, False),  # signed by the participant only
    (date(2026, 4, 2), Status.ACTIVE, True),  # concluded
    (BREACH_NOTICE_ON, Status.IN_BREACH, True),
    (CURED_ON, Status.ACTIVE, True),
    (date(2027, 12, 31), Status.ACTIVE, True),  # the zone's last day: still in force
    (date(2028, 1, 1), Status.TERMINATED, True),  # ended with the zone, notices sent
]


@pytest.mark.parametrize(("day", "status", "concluded"), AS_OF, ids=[str(d) for d, *_ in AS_OF])
async def test_as_of_replay_gives_the_agreement_as_it_stood_on_an_almaty_date(
    fresh_store: PostgresEventStore, day: date, status: Status, concluded: bool
) -> None:
    story = await _stored_lifecycle(fresh_store, Ending.CURED)
    until = end_of_almaty_day(day)

    as_of = fold(decode_agreement(await fresh_store.read_stream(STREAM_ID, occurred_until=until)))

    assert as_of == fold(e for e in story.events if e.occurred_at <= until)
    assert as_of.status is status
    assert (as_of.concluded_on is not None) is concluded


async def test_reappending_decisions_with_the_same_event_ids_writes_nothing(
    fresh_store: PostgresEventStore,
) -> None:
    story = whole_lifecycle(Ending.CURED)
    first = await append_decisions(fresh_store, STREAM_ID, story.decisions)
    before = await fresh_store.read_stream(STREAM_ID)

    # A retried append activity: every decision again, with its ids and its expected version.
    again = await append_decisions(fresh_store, STREAM_ID, story.decisions)

    assert all(r.replayed for r in again)
    assert [(r.global_positions, r.stream_version) for r in again] == [
        (r.global_positions, r.stream_version) for r in first
    ]
    assert await fresh_store.read_stream(STREAM_ID) == before
    assert len(await fresh_store.read_all()) == len(story.events)


async def test_reappending_one_decision_after_the_stream_moved_on_is_still_a_replay(
    fresh_store: PostgresEventStore,
) -> None:
    story = await _stored_lifecycle(fresh_store, Ending.CURED)
    # The conclusion (the second signature and AgreementConcluded), retried after the append
    # committed and the stream moved on: its ids, not the stream's version, make it a replay.
    number, version, decision = _conclusion(story)

    result = await fresh_store.append(
        STREAM_ID, encode_decision(STREAM_ID, decision, version, number), expected_version=version
    )

    assert result.replayed
    assert result.stream_version == version + len(decision)
    assert await fresh_store.stream_version(STREAM_ID) == len(story.events)


async def test_reappending_an_event_id_with_other_content_is_refused(
    fresh_store: PostgresEventStore,
) -> None:
    story = await _stored_lifecycle(fresh_store, Ending.CURED)
    number, version, decision = _conclusion(story)
    # The same ids for a decision that came out otherwise (another signatory): were the
    # workflow ever to decide differently on a retry, the log must refuse, not keep both.
    other = [e.model_copy(update={"actor": APPROVER_2}) for e in decision]

    with pytest.raises(EventIdConflict):
        await fresh_store.append(
            STREAM_ID, encode_decision(STREAM_ID, other, version, number), expected_version=version
        )

    assert decode_agreement(await fresh_store.read_stream(STREAM_ID)) == story.events


def _conclusion(story: DecidedStory) -> tuple[int, int, list[AgreementEvent]]:
    """The decision that concluded the agreement: its number, the version before it, events."""
    version = 0
    for number, decision in enumerate(story.decisions, start=1):
        if any(isinstance(e, AgreementConcluded) for e in decision):
            return number, version, decision
        version += len(decision)
    raise LookupError("the lifecycle never concluded the agreement")


async def test_refused_attempts_are_stored_and_fold_without_changing_the_lifecycle(
    fresh_store: PostgresEventStore,
) -> None:
    await _stored_lifecycle(fresh_store, Ending.CURED)

    decoded = decode_agreement(await fresh_store.read_stream(STREAM_ID))

    refusals = [(v, e) for v, e in enumerate(decoded, start=1) if isinstance(e, ActionRefused)]
    assert [(e.command_type, e.code, e.actor.id) for _, e in refusals] == [
        ("SignAsParticipant", "invalid_transition", "alatau-software"),
        ("ApproveConclusion", "four_eyes", "reviewer-aigerim"),
    ]
    for version, refusal in refusals:
        before, after = fold(decoded[: version - 1]), fold(decoded[:version])
        assert after == before.model_copy(update={"version": version})
        assert refusal.legal_basis  # the refusal says on what basis


# --- What the domain accepts, the log must be able to store ---------------------------------

# Commands as the API or a workflow update receives them (JSON), some with a NUL character
# (``\u0000``) in free text: PostgreSQL's JSON functions refuse NUL, so the store's payload rules
# do too, and so must the domain's text types: a command is either refused at the door or
# decides events the log can store, never decided and then lost at the append.


@pytest.mark.parametrize(
    ("raw", "given", "actor", "on"),
    [
        # A control: a command without free text goes all the way to an encoded event.
        pytest.param(
            '{"type": "SignAsParticipant"}', approved, PARTICIPANT, date(2026, 4, 1), id="no-text"
        ),
        pytest.param(
            '{"type": "RecommendConclusion", "note": "fits\\u0000the zone"}',
            submitted,
            REVIEWER,
            date(2026, 3, 18),
            id="note-with-nul",
        ),
        pytest.param(
            '{"type": "RecordAuthorityNotified", "authority": "tax_authority", '
            '"reference": "out\\u0000"}',
            concluded,
            SYSTEM,
            CONCLUDED_ON,
            id="reference-with-nul",
        ),
    ],
)
def test_a_command_the_domain_accepts_decides_events_the_log_can_store(
    raw: str, given: Callable[[], Story], actor: Actor, on: date
) -> None:
    try:
        command = AGREEMENT_COMMAND.validate_json(raw)
    except ValidationError:
        return  # refused at the door: nothing decided, nothing to store
    story = given()
    version = len(story.events)

    decision = story.when(command, by=actor, on=on)

    encode_decision(STREAM_ID, decision, version, 1)


# --- The zone's stream -----------------------------------------------------------------------


async def test_stored_zone_stream_folds_back_to_the_same_rule_book(
    fresh_store: PostgresEventStore,
) -> None:
    decisions, in_memory = zone_configuration()
    stream_id = zone_stream_id("pit")

    await append_decisions(fresh_store, stream_id, decisions)
    folded = initial_zone_state()
    for event in decode_zone(await fresh_store.read_stream(stream_id)):
        folded = evolve_zone(folded, event)

    assert stream_id == "zone-pit"
    assert folded == in_memory
    assert folded.rule_book == in_memory.rule_book
    assert in_memory.rule_book is not None
    assert [v.version for v in in_memory.rule_book.versions][-2:] == ["policy-1", "decree-x-2027"]
    for day in (date(2010, 1, 1), date(2027, 3, 1), date(2029, 6, 1)):
        assert folded.rules_on(day) == in_memory.rules_on(day)
    assert (await fresh_store.verify()).ok
