"""Random valid command sequences, stored through PostgreSQL and read back.

The draws are the domain property's own (tests/domain/agreement/test_agreement_properties.py):
random commands from random actors at increasing times, timers firing at their due instants,
the lifecycle's next steps, from a fresh application or a stream further on. Here each decision
also goes through ``to_new_event`` into the real store at its exact expected version, and a
real actor's refusal is recorded as the workflow records it; what comes back must fold to the
state kept in memory, under an intact hash chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.actors import Role
from domain.agreement import AgreementEvent, DecisionContext, decide, fold, refusal_event
from domain.errors import DomainError
from domain.rules import RuleBook
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import Story
from tests.domain.agreement.test_agreement_properties import (
    RULE_BOOKS,
    STARTS,
    Run,
    _given,
    _next,
)
from tests.integration.stored import decode_agreement, encode_decision


class StoredRun(Run):
    """A random run whose every append also goes to the real store, at the same version."""

    def __init__(self, rules: RuleBook, store: PostgresEventStore) -> None:
        super().__init__(rules=rules)
        self.store = store
        # A stream of its own per example: examples (and shrinking's replays) share a database.
        self.stream_id = f"agreement-prop-{uuid.uuid4().hex}"
        self.decisions = 0

    async def record(self, events: list[AgreementEvent]) -> None:
        """Append one decision to the store, then to the in-memory stream."""
        version = len(self.stream)
        self.decisions += 1
        batch = encode_decision(self.stream_id, events, version, self.decisions)
        result = await self.store.append(self.stream_id, batch, expected_version=version)
        assert not result.replayed
        assert result.stream_version == version + len(events)
        self.append(events)


# Bounded: each example appends up to ~60 events one decision at a time; 25 of them keep the
# folder's run short while still reaching breach, amendment and termination (see STARTS).
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    rules=st.sampled_from(RULE_BOOKS),
    start=st.sampled_from(STARTS),
    length=st.integers(5, 40),
)
async def test_random_command_sequences_stored_in_postgres_fold_back_to_the_same_state(
    pg_store: PostgresEventStore,
    data: st.DataObject,
    rules: RuleBook,
    start: Callable[[RuleBook], Story],
    length: int,
) -> None:
    given_events = _given(start, rules)
    run = StoredRun(rules, pg_store)
    run.now = given_events[-1].occurred_at
    # The given stream is history the builders decided without keeping their decisions apart:
    # it goes in as one batch, as an import of a stream would.
    await run.record(given_events)

    for _ in range(length):
        command, actor = _next(data, run)
        ctx = DecisionContext(actor=actor, now=run.now, rules=rules)
        try:
            events = decide(command, run.state, ctx)
        except DomainError as error:
            if actor.role is not Role.SYSTEM:  # the workflow records real actors' refusals
                await run.record([refusal_event(command, error, ctx)])
            continue
        await run.record(events)

    recorded = await pg_store.read_stream(run.stream_id)
    decoded = decode_agreement(recorded)
    assert [e.stream_version for e in recorded] == list(range(1, len(run.stream) + 1))
    assert decoded == run.events
    assert fold(decoded) == run.state
    report = await pg_store.verify()
    assert report.ok, report.failures
