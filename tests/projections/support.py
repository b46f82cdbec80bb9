"""Helpers of the projections' tests: agreements decided by the real decider and stored as the
workflow stores them, waiting for the projector, and the read models as rows.

``expected_read_models`` says what the read models must hold, from nothing but a fresh fold of
each stream read back from the log; ``read_models`` says what they do hold.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import asyncpg

from domain.actors import Actor, Role
from domain.agreement import AgreementCommand
from domain.agreement.commands import (
    ApproveConclusion,
    RecommendConclusion,
    RecordAuthorityNotified,
    RecordRegisterEntry,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitApplication,
)
from domain.agreement.vocabulary import Authority
from eventstore import PostgresEventStore
from projections import Projector, open_deadlines_of, participant_entry, summarize, tasks_for
from projections.participants import ConcludedAgreement
from projections.projector import AGREEMENT_STREAM_PREFIX, decode_agreement_event
from projections.summary import fold_events
from tests.domain.agreement.agreement_scenarios import APPROVER, REVIEWER, SYSTEM, at, form
from tests.integration.lifecycle import DecidedStory
from tests.integration.stored import append_decisions, encode_decision
from workers.demo_companies import demo_bin

DEADLINE_S = 15.0

# The read models and the order their rows are compared in.
TABLES = {
    "agreements": "agreement_id",
    "participants": "bin",
    "inbox": "agreement_id, kind, related_id",
    "open_deadlines": "agreement_id, kind, related_id",
}

STAGES = ("submitted", "recommended", "approved", "concluded", "registered")


def new_agreement_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def stream_of(agreement_id: str) -> str:
    return f"{AGREEMENT_STREAM_PREFIX}{agreement_id}"


def company_bin(serial: int) -> str:
    """A valid head-office BIN of a company registered in January 2015."""
    return demo_bin("1501", serial)


def applicant(bin_: str) -> Actor:
    return Actor(id=f"company-{bin_}", role=Role.APPLICANT, bin=bin_)


def application(
    agreement_id: str, stage: str, *, submitted_on: date, number: str = "PIT-1", **changes: Any
) -> DecidedStory:
    """An application (its form changed by ``changes``) taken by real commands to a stage of
    ``STAGES``, submitted on ``submitted_on``, one step a day after: recommended, approved,
    signed by both (concluded), both authorities' notices recorded and the register entry
    (registered)."""
    story = DecidedStory()
    company = applicant(changes.setdefault("bin", company_bin(1)))
    story.when(
        SubmitApplication(agreement_id=agreement_id, form=form(**changes)),
        by=company,
        on=submitted_on,
    )
    steps: list[tuple[Callable[[date], AgreementCommand], Actor]] = [
        (lambda on: RecommendConclusion(note="fits"), REVIEWER),
        (lambda on: ApproveConclusion(agreement_number=number), APPROVER),
        (lambda on: SignAsParticipant(), company),
        (lambda on: SignForManagementCompany(), APPROVER),
        *(
            (
                lambda on, a=authority: RecordAuthorityNotified(authority=a, reference=f"out-{a}"),
                SYSTEM,
            )
            for authority in Authority
        ),
        (
            lambda on: RecordRegisterEntry(register_number=f"SEZ-{number}", entered_on=on),
            REVIEWER,
        ),
    ]
    reached = {"submitted": 0, "recommended": 1, "approved": 2, "concluded": 4, "registered": 7}
    for offset, (command, actor) in enumerate(steps[: reached[stage]], start=1):
        on = submitted_on + timedelta(days=offset)
        story.when(command(on), by=actor, on=at(on))
    return story


async def store_story(store: PostgresEventStore, agreement_id: str, story: DecidedStory) -> None:
    """Append the story's decisions to the agreement's stream, one batch each."""
    await append_decisions(store, stream_of(agreement_id), story.decisions)


async def store_decision(
    store: PostgresEventStore, agreement_id: str, story: DecidedStory, number: int
) -> None:
    """Append the story's decision ``number`` (from 1) after those before it."""
    stream_id = stream_of(agreement_id)
    version = sum(len(d) for d in story.decisions[: number - 1])
    batch = encode_decision(stream_id, story.decisions[number - 1], version, number)
    await store.append(stream_id, batch, expected_version=version)


async def last_position(store: PostgresEventStore) -> int:
    async with store.connection("reading the last position") as connection:
        position: int = await connection.fetchval(
            "SELECT coalesce(max(global_position), 0) FROM events"
        )
    return position


async def project_all(projector: Projector, store: PostgresEventStore) -> int:
    """Catch up until the projector has passed the log's last event; return how many events
    were delivered. Bounded: a transaction elsewhere in the cluster may delay delivery."""
    last = await last_position(store)
    delivered = 0
    deadline = time.monotonic() + DEADLINE_S
    while True:
        delivered += await projector.catch_up()
        if (await projector.checkpoint()).global_position >= last:
            return delivered
        assert time.monotonic() < deadline, "the projector did not reach the log's end in time"
        await asyncio.sleep(0.05)


async def read_models(dsn: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read model, in key order."""
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: [
                dict(row)
                for row in await connection.fetch(f"SELECT * FROM {table} ORDER BY {order}")
            ]
            for table, order in TABLES.items()
        }
    finally:
        await connection.close()


def without_claims(models: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [
            {k: v for k, v in row.items() if k not in ("claimed_by", "claimed_at")} for row in rows
        ]
        for table, rows in models.items()
    }


async def expected_read_models(store: PostgresEventStore) -> dict[str, list[dict[str, Any]]]:
    """What the read models must hold: each agreement stream read back and folded afresh."""
    agreements: list[dict[str, Any]] = []
    inbox: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    concluded: dict[str, list[ConcludedAgreement]] = defaultdict(list)
    for stream_id in await store.list_streams(AGREEMENT_STREAM_PREFIX, limit=1000):
        events = [decode_agreement_event(e) for e in await store.read_stream(stream_id)]
        folded = fold_events(events)
        assert folded is not None
        agreement_id = stream_id.removeprefix(AGREEMENT_STREAM_PREFIX)
        summary = summarize(agreement_id, folded)
        agreements.append(summary.model_dump())
        state = folded.state
        for task in tasks_for(state):
            inbox.append(
                {
                    "agreement_id": agreement_id,
                    "kind": task.kind.value,
                    "related_id": task.related_id,
                    "bin": state.bin,
                    "roles": sorted(r.value for r in task.roles),
                    "excluded_actors": sorted(task.excluded),
                    "commands": list(task.commands),
                    "due_date": task.due_date,
                    "due_at": task.due_at,
                    "opens_at": task.opens_at,
                    "legal_basis": list(task.legal_basis),
                    "version": state.version,
                    "claimed_by": None,
                    "claimed_at": None,
                }
            )
        for deadline in open_deadlines_of(state):
            deadlines.append(
                {
                    "agreement_id": agreement_id,
                    "kind": deadline.kind.value,
                    "related_id": deadline.related_id,
                    "due_date": deadline.due_date,
                    "due_at": deadline.due_at,
                    "legal_basis": list(deadline.legal_basis),
                    "missed": deadline.missed,
                }
            )
        if summary.bin is not None and summary.concluded_on is not None:
            concluded[summary.bin].append(
                ConcludedAgreement(
                    agreement_id=agreement_id,
                    status=summary.status,
                    name=summary.name,
                    register_number=summary.register_number,
                    concluded_on=summary.concluded_on,
                )
            )
    participants = []
    for participant_bin in sorted(concluded):
        entry = participant_entry(participant_bin, concluded[participant_bin])
        assert entry is not None
        row = entry.model_dump()
        row["agreement_ids"] = list(entry.agreement_ids)
        row["name_key"] = entry.name.casefold() if entry.name else None
        participants.append(row)

    def keyed(row: dict[str, Any]) -> tuple[str, str, str]:
        return (row["agreement_id"], row["kind"], row["related_id"])

    return {
        "agreements": sorted(agreements, key=lambda r: r["agreement_id"]),
        "participants": participants,
        "inbox": sorted(inbox, key=keyed),
        "open_deadlines": sorted(deadlines, key=keyed),
    }
