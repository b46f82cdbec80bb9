"""Building an agreement's evidence bundle from the database.

Everything is read in one repeatable-read transaction: the agreement's stream as stored, the
latest signed checkpoint, the log's first ``tree_size`` events in log order (the checkpoint's
leaves) and the zone's stream (for the rule sets). The bundle is refused rather than made
unprovable: no checkpoint yet, events newer than the latest checkpoint (``pit audit
checkpoint`` signs them), or a log that no longer hashes to its checkpoint (``pit audit
verify`` says where). A bundle that would not pass :func:`audit.bundle_check.first_problem` is
never written either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import asyncpg
import orjson

from activities.event_log import domain_codec
from audit.bundle import (
    BundleEvent,
    EvidenceBundle,
    RuleSetUsed,
    SignedCheckpoint,
    code_version,
)
from audit.bundle_check import first_problem
from audit.bundle_errors import (
    AgreementNotFound,
    ExportRefused,
    LogDoesNotMatchCheckpoint,
    NoCheckpoint,
    NotYetCheckpointed,
)
from domain.rules import RuleBook, RuleSet, decree_1166_rulebook
from domain.zone import PIT_CODE, ZoneEvent, evolve_zone, initial_zone_state, zone_stream_id
from eventstore.checkpoints import Checkpoint, latest_checkpoint
from eventstore.connection import Connection
from eventstore.merkle import LogTree
from eventstore.model import format_utc

# The stream exactly as stored: JSON columns as their stored text (json keeps it verbatim).
STREAM_ROWS_SQL = """
SELECT global_position, stream_id, stream_version, event_id::text AS event_id, type,
       schema_version, data::text AS data, metadata::text AS metadata, recorded_at,
       header_digest, data_digest, metadata_digest, prev_hash, hash
  FROM events
 WHERE stream_id = $1
 ORDER BY stream_version
"""
# The checkpoint's leaves: the log's first $1 events in log order (eventstore.merkle).
LOG_PREFIX_SQL = """
SELECT global_position, hash FROM events
 ORDER BY transaction_id, global_position
 LIMIT $1
"""
ZONE_EVENTS_SQL = """
SELECT type, schema_version, data::text AS data FROM events
 WHERE stream_id = $1
 ORDER BY stream_version
"""


def agreement_stream(agreement_id: str) -> str:
    """The stream of an agreement (as ``workflows.messages.workflow_id`` names it)."""
    return f"agreement-{agreement_id}"


async def export_bundle(
    connection: Connection, agreement_id: str, *, now: datetime, zone_code: str = PIT_CODE
) -> EvidenceBundle:
    """The agreement's evidence bundle, proved against the latest signed checkpoint.

    Args:
        connection: a connection to pit's database (read access to ``events`` and
            ``checkpoints`` is enough).
        agreement_id: the agreement.
        now: the time of export, written in the bundle.
        zone_code: the zone whose rule book names the events' rule sets.

    Raises:
        AgreementNotFound, NoCheckpoint, NotYetCheckpointed, LogDoesNotMatchCheckpoint, or
        ExportRefused: naming what the operator can do.
    """
    stream_id = agreement_stream(agreement_id)
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        rows = await connection.fetch(STREAM_ROWS_SQL, stream_id)
        if not rows:
            raise AgreementNotFound(f"agreement {agreement_id} has no events in the log")
        checkpoint = await latest_checkpoint(connection)
        if checkpoint is None:
            raise NoCheckpoint(
                "the log has no signed checkpoint yet: run `pit audit checkpoint` "
                "(or export with --checkpoint), then export again"
            )
        leaves = await connection.fetch(LOG_PREFIX_SQL, checkpoint.tree_size)
        zone_rows = await connection.fetch(ZONE_EVENTS_SQL, zone_stream_id(zone_code))
    tree = _checkpoint_tree(checkpoint, leaves)
    index_of = {row["global_position"]: index for index, row in enumerate(leaves)}
    uncovered = [row["stream_version"] for row in rows if row["global_position"] not in index_of]
    if uncovered:
        raise NotYetCheckpointed(
            f"{len(uncovered)} of the agreement's {len(rows)} events (from version "
            f"{min(uncovered)}) are newer than the latest checkpoint ({checkpoint.tree_size} "
            "events): run `pit audit checkpoint` (or export with --checkpoint), then export "
            "again",
            uncovered=len(uncovered),
            tree_size=checkpoint.tree_size,
        )
    events = tuple(
        _bundle_event(row, index_of[row["global_position"]], tree, checkpoint.tree_size)
        for row in rows
    )
    bundle = EvidenceBundle(
        agreement_id=agreement_id,
        stream_id=stream_id,
        exported_at=format_utc(now),
        code_version=code_version(),
        rule_sets=_rule_sets_used(events, _rule_book(zone_rows)),
        checkpoint=SignedCheckpoint.model_validate(checkpoint.to_json()),
        events=events,
    )
    problem = first_problem(bundle)
    if problem is not None:
        raise ExportRefused(
            f"the stored stream does not verify ({problem}): run `pit audit verify`"
        )
    return bundle


def _checkpoint_tree(checkpoint: Checkpoint, leaves: Sequence[asyncpg.Record]) -> LogTree:
    """The tree of the checkpoint's events, refused unless it is the tree that was signed."""
    if not checkpoint.signature_holds():
        raise LogDoesNotMatchCheckpoint(
            f"the latest checkpoint ({checkpoint.tree_size} events) has a signature that does "
            "not verify: run `pit audit verify`"
        )
    tree = LogTree(bytes(row["hash"]) for row in leaves)
    if tree.size < checkpoint.tree_size or tree.root() != checkpoint.head.root_hash:
        raise LogDoesNotMatchCheckpoint(
            f"the log no longer hashes to the latest checkpoint ({checkpoint.tree_size} "
            "events): events were changed, removed or reordered; run `pit audit verify`"
        )
    return tree


def _bundle_event(row: asyncpg.Record, index: int, tree: LogTree, size: int) -> BundleEvent:
    return BundleEvent(
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        event_id=row["event_id"],
        type=row["type"],
        schema_version=row["schema_version"],
        recorded_at=format_utc(row["recorded_at"]),
        data=row["data"],
        metadata=row["metadata"],
        header_digest=bytes(row["header_digest"]).hex(),
        data_digest=bytes(row["data_digest"]).hex(),
        metadata_digest=bytes(row["metadata_digest"]).hex(),
        prev_hash=bytes(row["prev_hash"]).hex(),
        hash=bytes(row["hash"]).hex(),
        log_index=index,
        inclusion_proof=tree.inclusion(index, size).proof,
    )


def _rule_book(zone_rows: Sequence[asyncpg.Record]) -> RuleBook:
    """The zone's rule book as its stream has it (Decree 1166's when it has no stream)."""
    codec = domain_codec()
    state = initial_zone_state()
    for row in zone_rows:
        data = orjson.loads(row["data"])
        event = cast(ZoneEvent, codec.decode_data(row["type"], row["schema_version"], data))
        state = evolve_zone(state, event)
    return state.rule_book if state.rule_book is not None else decree_1166_rulebook()


def _rule_sets_used(events: Sequence[BundleEvent], book: RuleBook) -> tuple[RuleSetUsed, ...]:
    named = sorted({orjson.loads(event.metadata)["rule_set_version"] for event in events})
    known = {rule_set.version: rule_set for rule_set in book.versions}
    return tuple(
        RuleSetUsed(
            version=version,
            rule_set=_rule_set_json(known[version]) if version in known else None,
        )
        for version in named
    )


def _rule_set_json(rule_set: RuleSet) -> dict[str, Any]:
    """A rule set as JSON, its sets sorted so that the same rules always have the same bytes."""
    dumped: dict[str, Any] = rule_set.model_dump(mode="json")
    for name in type(rule_set).model_fields:
        if isinstance(getattr(rule_set, name), frozenset | set):
            dumped[name] = sorted(dumped[name])
    return dumped
