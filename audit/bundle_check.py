"""Verifying an evidence bundle offline, from its own bytes: no database, no network.

In this order, stopping at the first problem:

1. the file is a bundle of a format this pit reads (**malformed bundle**);
2. the checkpoint is of pit's log and its Ed25519 signature verifies with the bundle's public
   key, whose id is the one given (**checkpoint signature**); with trusted keys given, the key
   is one of them (**untrusted key**);
3. for each event in stream order: it belongs to the bundle's stream (**event of another
   stream**), versions run 1, 2, 3... (**missing version**, or **reordered or broken link**
   when the version stands elsewhere in the bundle), the chain's checks of
   docs/audit-format.md (**reordered or broken link**, **changed header**, **changed payload**,
   **changed metadata**), then its inclusion proof leads from its leaf to the checkpoint's root
   (**inclusion proof**);
4. pit's codec decodes every event and the domain folds them (**replay**).

Digests are recomputed as docs/audit-format.md says: SHA-256 of the RFC 8785 encoding of the
parsed JSON (the ``rfc8785`` reference implementation, not the writer's encoder).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import rfc8785

from audit.bundle import BundleEvent, EvidenceBundle, bundle_digest, is_canonical
from audit.bundle_errors import MalformedBundle
from audit.bundle_replay import ReplayError, replay
from domain.agreement import AgreementState
from eventstore.chain import GENESIS_HASH
from eventstore.checkpoints import LOG_ID, Checkpoint, key_id
from eventstore.merkle import AuditPath, leaf_hash
from eventstore.verification import FailureReason

# The stream of an agreement is ``agreement-<id>`` (workflows.messages.workflow_id).
_AGREEMENT_STREAM_PREFIX = "agreement-"


class BundleFailure(StrEnum):
    """Which check a bundle failed (the chain's five as ``pit audit verify`` names them)."""

    MALFORMED = "malformed bundle"
    CHECKPOINT_SIGNATURE = "checkpoint signature"
    UNTRUSTED_KEY = "untrusted key"
    OTHER_STREAM = "event of another stream"
    MISSING_VERSION = FailureReason.MISSING_VERSION.value
    BROKEN_LINK = FailureReason.BROKEN_LINK.value
    CHANGED_HEADER = FailureReason.CHANGED_HEADER.value
    CHANGED_PAYLOAD = FailureReason.CHANGED_PAYLOAD.value
    CHANGED_METADATA = FailureReason.CHANGED_METADATA.value
    INCLUSION_PROOF = "inclusion proof"
    REPLAY = "replay"


@dataclass(frozen=True)
class BundleProblem:
    """The first thing in a bundle that does not hold.

    Attributes:
        failure: which check.
        detail: what a person reads.
        stream_version: the event at fault (None for the bundle or its checkpoint).
    """

    failure: BundleFailure
    detail: str
    stream_version: int | None = None

    def __str__(self) -> str:
        where = f"event v{self.stream_version}: " if self.stream_version is not None else ""
        return f"{where}{self.failure.value}: {self.detail}"


@dataclass(frozen=True)
class BundleCheck:
    """The outcome of checking one bundle file.

    Attributes:
        digest: SHA-256 (hex) of the file's bytes.
        canonical: whether the file is the canonical encoding of its content (a bundle
            re-indented by hand still verifies, but no longer has its original digest).
        bundle: the bundle read (None when the file is not one).
        problem: the first problem, None when everything holds.
        state: the agreement's state replayed from the events (None unless all holds).
    """

    digest: str
    canonical: bool
    bundle: EvidenceBundle | None
    problem: BundleProblem | None
    state: AgreementState | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_bundle_file(raw: bytes, trusted_keys: Iterable[bytes] = ()) -> BundleCheck:
    """Check a bundle file's bytes; with ``trusted_keys`` (raw Ed25519 public keys) the
    checkpoint must be signed by one of them."""
    digest = bundle_digest(raw)
    try:
        bundle = EvidenceBundle.decode(raw)
    except MalformedBundle as error:
        return BundleCheck(
            digest, False, None, BundleProblem(BundleFailure.MALFORMED, str(error)), None
        )
    problem = first_problem(bundle, trusted_keys)
    state = None
    if problem is None:
        try:
            state = replay(bundle.events)
        except ReplayError as error:
            problem = BundleProblem(BundleFailure.REPLAY, error.detail, error.stream_version)
    return BundleCheck(digest, is_canonical(raw, bundle), bundle, problem, state)


def first_problem(
    bundle: EvidenceBundle, trusted_keys: Iterable[bytes] = ()
) -> BundleProblem | None:
    """The first problem of the bundle's checkpoint, chain and proofs (steps 2 and 3)."""
    if bundle.stream_id != _AGREEMENT_STREAM_PREFIX + bundle.agreement_id:
        return BundleProblem(
            BundleFailure.MALFORMED,
            f"stream_id {bundle.stream_id!r} is not the stream of agreement "
            f"{bundle.agreement_id!r}",
        )
    checkpoint = bundle.checkpoint.checkpoint()
    return _checkpoint_problem(checkpoint, set(trusted_keys)) or _events_problem(bundle, checkpoint)


def _checkpoint_problem(checkpoint: Checkpoint, trusted: set[bytes]) -> BundleProblem | None:
    failure = BundleFailure.CHECKPOINT_SIGNATURE
    if checkpoint.head.log_id != LOG_ID:
        return BundleProblem(
            failure, f"it signs the log {checkpoint.head.log_id!r}, not {LOG_ID!r}"
        )
    if key_id(checkpoint.public_key) != checkpoint.key_id:
        return BundleProblem(
            failure,
            f"key_id {checkpoint.key_id} is not the id of the public key "
            f"({key_id(checkpoint.public_key)})",
        )
    if not checkpoint.signature_holds():
        return BundleProblem(failure, "the signature does not verify with the bundle's public key")
    if trusted and checkpoint.public_key not in trusted:
        return BundleProblem(
            BundleFailure.UNTRUSTED_KEY,
            f"signed by key {checkpoint.key_id} ({checkpoint.public_key.hex()}), not a trusted key",
        )
    return None


def _events_problem(bundle: EvidenceBundle, checkpoint: Checkpoint) -> BundleProblem | None:
    versions = [event.stream_version for event in bundle.events]
    expected, prev = 1, GENESIS_HASH
    for offset, event in enumerate(bundle.events):
        if event.stream_id != bundle.stream_id:
            return BundleProblem(
                BundleFailure.OTHER_STREAM,
                f"it belongs to {event.stream_id!r}, not {bundle.stream_id!r}",
                event.stream_version,
            )
        if event.stream_version != expected:
            return _out_of_sequence(event.stream_version, expected, versions[offset + 1 :])
        problem = _chain_problem(event, prev) or _inclusion_problem(event, checkpoint)
        if problem is not None:
            return problem
        expected, prev = expected + 1, bytes.fromhex(event.hash)
    return None


def _out_of_sequence(version: int, expected: int, later: list[int]) -> BundleProblem:
    if expected in later:
        return BundleProblem(
            BundleFailure.BROKEN_LINK,
            f"the events are out of order: v{version} stands where v{expected} belongs",
            expected,
        )
    if version > expected:
        return BundleProblem(
            BundleFailure.MISSING_VERSION,
            f"version {expected} is missing: the next version in the bundle is {version}",
            expected,
        )
    return BundleProblem(
        BundleFailure.BROKEN_LINK,
        f"version {version} appears again after version {expected - 1}",
        version,
    )


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _jcs_digest(text: str) -> bytes | None:
    """SHA-256 of JCS of the parsed JSON text; None when it is no JSON that JCS encodes."""
    try:
        value: Any = json.loads(text)
        return _sha256(rfc8785.dumps(value))
    except (ValueError, RecursionError):  # JSONDecodeError and rfc8785's errors are ValueErrors
        return None


def _chain_problem(event: BundleEvent, prev: bytes) -> BundleProblem | None:
    version = event.stream_version
    prev_hash = bytes.fromhex(event.prev_hash)
    if prev_hash != prev:
        return BundleProblem(
            BundleFailure.BROKEN_LINK,
            "prev_hash is not the hash of the previous version: events were reordered, "
            "removed or inserted",
            version,
        )
    header: dict[str, Any] = {
        "event_id": event.event_id,
        "recorded_at": event.recorded_at,
        "schema_version": event.schema_version,
        "stream_id": event.stream_id,
        "stream_version": event.stream_version,
        "type": event.type,
    }
    parts = (
        (
            _sha256(rfc8785.dumps(header)),
            event.header_digest,
            BundleFailure.CHANGED_HEADER,
            "header",
        ),
        (_jcs_digest(event.data), event.data_digest, BundleFailure.CHANGED_PAYLOAD, "data"),
        (
            _jcs_digest(event.metadata),
            event.metadata_digest,
            BundleFailure.CHANGED_METADATA,
            "metadata",
        ),
    )
    for computed, stored, failure, part in parts:
        if computed is None:
            return BundleProblem(failure, f"the {part} is not JSON that RFC 8785 encodes", version)
        if computed.hex() != stored:
            return BundleProblem(
                failure, f"the {part} no longer matches its recorded {part}_digest", version
            )
    digests = b"".join(bytes.fromhex(stored) for _, stored, _, _ in parts)
    if _sha256(prev_hash + digests).hex() != event.hash:
        return BundleProblem(
            BundleFailure.BROKEN_LINK,
            "hash does not recompute from prev_hash and the part digests",
            version,
        )
    return None


def _inclusion_problem(event: BundleEvent, checkpoint: Checkpoint) -> BundleProblem | None:
    size = checkpoint.tree_size
    if event.log_index >= size:
        return BundleProblem(
            BundleFailure.INCLUSION_PROOF,
            f"log index {event.log_index} is beyond the checkpoint's {size} events",
            event.stream_version,
        )
    path = AuditPath(leaf_index=event.log_index, tree_size=size, proof=event.inclusion_proof)
    if not path.verify(leaf_hash(bytes.fromhex(event.hash)), checkpoint.head.root_hash):
        return BundleProblem(
            BundleFailure.INCLUSION_PROOF,
            f"the proof for log index {event.log_index} does not lead from the event's hash "
            f"to the checkpoint's root ({size} events)",
            event.stream_version,
        )
    return None
