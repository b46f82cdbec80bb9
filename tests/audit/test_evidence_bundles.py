"""An agreement's evidence bundle, exported from real PostgreSQL and checked from its own bytes:
it verifies offline and replays to the state the decider reached; every tampering an auditor
could meet (an edited payload, reordered or missing events, a wrong proof, a forged signature, a
checkpoint signed by another key) is refused, naming the event and the check; and no bundle
is exported that its events' checkpoint does not cover."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import asyncpg
import pytest
import rfc8785

from audit.bundle import FORMAT_VERSION, EvidenceBundle
from audit.bundle_check import BundleFailure, check_bundle_file
from audit.bundle_errors import AgreementNotFound, NoCheckpoint, NotYetCheckpointed
from audit.bundle_export import export_bundle
from domain.agreement import Status
from domain.agreement.commands import AddAuditAnnotation
from eventstore import NewEvent, PostgresEventStore
from eventstore.checkpoints import SigningKey
from tests.audit.evidence import (
    EXPORTED_AT,
    Exported,
    checkpoint_all,
    encoded,
    store_log,
)
from tests.audit.tampering import (
    Tamper,
    another_events_proof,
    change_root,
    drop_event,
    edit_metadata,
    edit_payload,
    edit_payload_and_rechain,
    edit_record_time,
    forge_signature,
    future_format,
    resign_with_another_key,
    swap_events,
    wrong_proof,
)
from tests.domain.agreement.agreement_scenarios import AUDITOR
from tests.eventstore.builders import metadata
from tests.integration.lifecycle import AGREEMENT_ID, STREAM_ID
from tests.integration.stored import encode_decision

pytestmark = pytest.mark.postgres


def test_an_exported_bundle_verifies_offline_and_replays_the_agreement(
    exported: Exported,
) -> None:
    result = check_bundle_file(exported.raw, [exported.key.public_key])

    assert result.ok, result.problem
    assert result.canonical
    assert result.digest == hashlib.sha256(exported.raw).hexdigest()
    assert result.state == exported.story.state
    assert result.state.status is Status.TERMINATED
    assert result.state.agreement_number == "PIT-2026-001"
    bundle = result.bundle
    assert bundle is not None
    assert bundle.format_version == FORMAT_VERSION
    assert (bundle.agreement_id, bundle.stream_id) == (AGREEMENT_ID, STREAM_ID)
    assert bundle.exported_at == "2028-01-10T09:30:00.000000Z"
    assert [e.stream_version for e in bundle.events] == list(
        range(1, len(exported.story.events) + 1)
    )
    # The agreement's events are spread over the tree of the whole log: after the zone's,
    # with the other agreement's in between.
    first, last = bundle.events[0].log_index, bundle.events[-1].log_index
    assert first > 0
    assert last - first + 1 > len(bundle.events)
    assert last < bundle.checkpoint.tree_size
    assert bundle.checkpoint.key_id == exported.key.key_id
    named = {event.rule_set_version for event in exported.story.events}
    assert {r.version for r in bundle.rule_sets} == named
    assert all(r.rule_set is not None for r in bundle.rule_sets)
    assert bundle.code_version.package == "pit"
    assert bundle.code_version.version


async def test_the_same_log_exports_the_same_bytes(exported: Exported) -> None:
    """A bundle is canonical JSON (RFC 8785): exported again at the same time, it is the same
    file, with the same digest."""
    connection = await asyncpg.connect(exported.dsn)
    try:
        again = await export_bundle(connection, AGREEMENT_ID, now=EXPORTED_AT)
    finally:
        await connection.close()

    assert again.encode() == exported.raw
    assert EvidenceBundle.decode(exported.raw).encode() == exported.raw
    assert exported.raw == rfc8785.dumps(json.loads(exported.raw))


# --- tampering -------------------------------------------------------------------------------

TAMPERINGS: list[tuple[Tamper, BundleFailure, int | None]] = [
    (edit_payload, BundleFailure.CHANGED_PAYLOAD, 4),
    (edit_payload_and_rechain, BundleFailure.INCLUSION_PROOF, 4),
    (edit_metadata, BundleFailure.CHANGED_METADATA, 6),
    (edit_record_time, BundleFailure.CHANGED_HEADER, 3),
    (swap_events, BundleFailure.BROKEN_LINK, 3),
    (drop_event, BundleFailure.MISSING_VERSION, 3),
    (wrong_proof, BundleFailure.INCLUSION_PROOF, 7),
    (another_events_proof, BundleFailure.INCLUSION_PROOF, 7),
    (forge_signature, BundleFailure.CHECKPOINT_SIGNATURE, None),
    (change_root, BundleFailure.CHECKPOINT_SIGNATURE, None),
    (resign_with_another_key, BundleFailure.UNTRUSTED_KEY, None),
    (future_format, BundleFailure.MALFORMED, None),
]


@pytest.mark.parametrize(
    ("tamper", "failure", "version"),
    TAMPERINGS,
    ids=[tamper.__name__ for tamper, _, _ in TAMPERINGS],
)
def test_a_tampered_bundle_is_refused_naming_the_event_and_the_check(
    exported: Exported, tamper: Tamper, failure: BundleFailure, version: int | None
) -> None:
    document = exported.document()
    tamper(document)

    result = check_bundle_file(encoded(document), [exported.key.public_key])

    assert not result.ok
    assert result.problem is not None
    assert (result.problem.failure, result.problem.stream_version) == (failure, version), str(
        result.problem
    )
    assert result.state is None


def test_a_checkpoint_of_another_key_is_caught_only_against_the_zones_published_key(
    exported: Exported,
) -> None:
    document = exported.document()
    resign_with_another_key(document)
    raw = encoded(document)

    unchecked = check_bundle_file(raw)
    checked = check_bundle_file(raw, [exported.key.public_key])

    # Without the zone's key the bundle holds together; its key id differs from the zone's.
    assert unchecked.ok
    assert unchecked.bundle is not None
    assert unchecked.bundle.checkpoint.key_id != exported.key.key_id
    assert checked.problem is not None
    assert checked.problem.failure is BundleFailure.UNTRUSTED_KEY
    assert str(checked.problem).startswith(
        f"untrusted key: signed by key {unchecked.bundle.checkpoint.key_id}"
    )


def test_a_problem_reads_with_its_event_version_and_check(exported: Exported) -> None:
    document = exported.document()
    edit_payload(document)

    result = check_bundle_file(encoded(document))

    assert str(result.problem) == (
        "event v4: changed payload: the data no longer matches its recorded data_digest"
    )


def test_a_file_that_is_no_bundle_is_malformed() -> None:
    for raw in (b"not json", b"[]", b'{"format": "something else"}'):
        result = check_bundle_file(raw)
        assert result.problem is not None
        assert result.problem.failure is BundleFailure.MALFORMED
    missing = check_bundle_file(b'{"format": "pit-evidence-bundle", "format_version": 1}')
    assert missing.problem is not None
    assert "agreement_id" in missing.problem.detail


def test_a_reindented_bundle_still_verifies_but_is_not_canonical(exported: Exported) -> None:
    pretty = json.dumps(exported.document(), indent=2).encode()

    result = check_bundle_file(pretty)

    assert result.ok
    assert not result.canonical


# --- refusals to export ----------------------------------------------------------------------


async def test_no_bundle_is_exported_until_a_checkpoint_covers_every_event(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    key = SigningKey.generate()
    story = await store_log(fresh_store)
    connection = await asyncpg.connect(fresh_dsn)
    try:
        with pytest.raises(NoCheckpoint, match=r"pit audit checkpoint"):
            await export_bundle(connection, AGREEMENT_ID, now=EXPORTED_AT)
        covered = await checkpoint_all(connection, key)
        version = len(story.events)
        late = story.when(
            AddAuditAnnotation(annotation_id="note-late", text="the record read in 2028"),
            by=AUDITOR,
            on=date(2028, 1, 5),
        )
        batch = encode_decision(STREAM_ID, late, version, len(story.decisions))
        await fresh_store.append(STREAM_ID, batch, version)
        with pytest.raises(NotYetCheckpointed, match=r"pit audit checkpoint") as newer:
            await export_bundle(connection, AGREEMENT_ID, now=EXPORTED_AT)
        with pytest.raises(AgreementNotFound, match="no-such-agreement"):
            await export_bundle(connection, "no-such-agreement", now=EXPORTED_AT)
        later = await checkpoint_all(connection, key)
        bundle = await export_bundle(connection, AGREEMENT_ID, now=datetime.now(UTC))
    finally:
        await connection.close()

    assert newer.value.uncovered == 1
    assert newer.value.tree_size == covered.tree_size
    assert f"from version {version + 1}" in str(newer.value)
    assert later.tree_size == covered.tree_size + 1
    assert bundle.checkpoint.tree_size == later.tree_size
    assert len(bundle.events) == version + 1
    replayed = check_bundle_file(bundle.encode(), [key.public_key])
    assert replayed.ok, replayed.problem
    assert replayed.state == story.state


async def test_an_event_pit_cannot_decode_fails_the_replay_not_the_proofs(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    """An agreement stream holding an event of a type this pit does not know: its bundle
    proves the event is in the signed log, and the replay names the event it cannot read."""
    unknown = NewEvent(
        event_id="0b7c2f0e-8d7a-4c55-b0a5-3f3f6a1d9e42",
        type="AgreementFromTheFuture",
        schema_version=1,
        data={"what": "a type of a later pit"},
        metadata=metadata(),
    )
    await fresh_store.append("agreement-future-1", [unknown], 0)
    connection = await asyncpg.connect(fresh_dsn)
    try:
        await checkpoint_all(connection, SigningKey.generate())
        bundle = await export_bundle(connection, "future-1", now=EXPORTED_AT)
    finally:
        await connection.close()

    result = check_bundle_file(bundle.encode())

    assert result.problem is not None
    assert (result.problem.failure, result.problem.stream_version) == (BundleFailure.REPLAY, 1)
    assert "AgreementFromTheFuture" in result.problem.detail
