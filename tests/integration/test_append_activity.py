"""The append activity answers with the events as the log holds them, so that a workflow folds
the log's events, not a replay's own decision (activities/append.py)."""

from __future__ import annotations

from activities.append import AppendAgreementEvents, EventLogActivities
from domain.agreement import fold
from eventstore import PostgresEventStore
from tests.integration.lifecycle import STREAM_ID, Ending, whole_lifecycle
from tests.integration.stored import decode_agreement, event_id


def _request(decision_no: int, version: int) -> AppendAgreementEvents:
    decision = whole_lifecycle(Ending.CURED).decisions[decision_no]
    return AppendAgreementEvents(
        stream_id=STREAM_ID,
        expected_version=version,
        events=tuple(decision),
        event_ids=tuple(event_id(STREAM_ID, version + n + 1) for n in range(len(decision))),
        correlation_id=f"test-{decision_no}",
        workflow_id=STREAM_ID,
        run_id="run-1",
    )


async def test_an_append_answers_with_the_events_written_at_their_versions(
    fresh_store: PostgresEventStore,
) -> None:
    activities = EventLogActivities(fresh_store)
    first = _request(0, 0)
    appended = await activities.append_agreement_events(first)
    second = _request(1, appended.stream_version)

    answer = await activities.append_agreement_events(second)

    assert answer.outcome == "appended"
    assert [logged.event for logged in answer.logged] == list(second.events)
    assert [logged.event_id for logged in answer.logged] == list(second.event_ids)
    assert [logged.stream_version for logged in answer.logged] == list(
        range(appended.stream_version + 1, answer.stream_version + 1)
    )
    # What the workflow folds is what an auditor reads back from the log.
    stored = decode_agreement(await fresh_store.read_stream(STREAM_ID))
    assert fold(e.event for e in appended.logged + answer.logged) == fold(stored)
