"""Random zones: many agreements driven by random commands (the domain property's own draws),
their decisions appended interleaved while the projector catches up at random moments. The live
projection must be what fresh folds say, and a rebuild must give it again."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_reach
from hypothesis import strategies as st

from domain.actors import Role
from domain.agreement import AgreementEvent, DecisionContext, decide, refusal_event
from domain.errors import DomainError
from domain.rules import RuleBook
from eventstore import PostgresEventStore
from projections import Projector
from tests.domain.agreement.agreement_scenarios import Story
from tests.domain.agreement.test_agreement_properties import (
    RULE_BOOKS,
    STARTS,
    Run,
    _given,
    _next,
)
from tests.eventstore.conftest import Databases
from tests.integration.lifecycle import DecidedStory
from tests.projections.support import (
    expected_read_models,
    new_agreement_id,
    project_all,
    read_models,
    store_decision,
)


def random_life(
    data: st.DataObject, rules: RuleBook, start: Callable[[RuleBook], Story], length: int
) -> DecidedStory:
    """A builder's stream (one decision), then ``length`` random commands, each decided by the
    real decider; a real actor's refusal is recorded as the workflow records it."""
    given_events = _given(start, rules)
    run = Run(rules=rules, now=given_events[-1].occurred_at)
    run.append(given_events)
    decisions: list[list[AgreementEvent]] = [given_events]
    for _ in range(length):
        command, actor = _next(data, run)
        ctx = DecisionContext(actor=actor, now=run.now, rules=rules)
        try:
            events = decide(command, run.state, ctx)
        except DomainError as error:
            if actor.role is Role.SYSTEM:
                continue
            events = [refusal_event(command, error, ctx)]
        run.append(events)
        decisions.append(events)
    return DecidedStory(events=run.events, decisions=decisions)


# Bounded: up to 6 agreements of up to 30 random commands each, in 8 zones.
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data(), agreements=st.integers(2, 6))
async def test_a_rebuild_of_a_random_zone_gives_its_live_projection(
    databases: Databases, data: st.DataObject, agreements: int
) -> None:
    lives = {
        new_agreement_id(): random_life(
            data,
            data.draw(st.sampled_from(RULE_BOOKS), label="rules"),
            data.draw(st.sampled_from(STARTS), label="start"),
            data.draw(st.integers(0, 30), label="length"),
        )
        for _ in range(agreements)
    }
    dsn = await databases.create()
    store = await PostgresEventStore.open(dsn)
    projector = await Projector.open(dsn, batch_size=7)
    try:
        appended = dict.fromkeys(lives, 0)
        for _ in range(sum(len(life.decisions) for life in lives.values())):
            pending = [a for a, life in lives.items() if appended[a] < len(life.decisions)]
            agreement_id = data.draw(st.sampled_from(pending), label="next agreement")
            appended[agreement_id] += 1
            await store_decision(store, agreement_id, lives[agreement_id], appended[agreement_id])
            if data.draw(st.booleans(), label="catch up now"):
                await project_all(projector, store)
        await project_all(projector, store)
        live = await read_models(dsn)
        for row in live["agreements"]:  # reach, shown by --hypothesis-show-statistics
            note_reach(f"an agreement ends {row['status']}")
        note_reach(f"{len(live['inbox'])} open tasks")
        assert live == await expected_read_models(store)

        await projector.rebuild()
        await project_all(projector, store)
        assert await read_models(dsn) == live
    finally:
        await projector.close()
        await store.close()
        await databases.drop(dsn)
