"""Signed checkpoints of the whole log, and their verification.

A checkpoint is a *signed tree head*: the size and root of the Merkle tree over the first
``tree_size`` events in log order (:mod:`eventstore.merkle`), the time, the log's id and the
Ed25519 signature of the zone's key over the JCS bytes of those four. Per-stream chains prove
that nothing inside a stream changed relative to its last event; checkpoints also catch what the
chains cannot: a whole stream removed, the log cut short, a stream rewritten and re-chained,
events reordered. Proofs against a checkpoint (inclusion of one event, consistency of two
checkpoints) are RFC 6962/9162 proofs any implementation can check.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from eventstore.canonical import canonical_json
from eventstore.connection import Connection
from eventstore.merkle import LogTree
from eventstore.model import format_utc

LOG_ID = "sez-pit/events"  # names the log a tree head is about, inside what is signed
KEY_FILE_MODE = 0o600

# The log in log order, up to a snapshot boundary (an xmin): a prefix that never changes.
LOG_ORDER_SQL = """
SELECT hash FROM events
 WHERE transaction_id < $1::text::xid8
 ORDER BY transaction_id, global_position
"""
ALL_IN_LOG_ORDER_SQL = """
SELECT hash FROM events ORDER BY transaction_id, global_position
"""
SELECT_CHECKPOINTS = """
SELECT tree_size, root_hash, signed_at, log_id, key_id, public_key, signature, boundary::text
  FROM checkpoints
"""
INSERT_CHECKPOINT = """
INSERT INTO checkpoints
       (tree_size, root_hash, signed_at, log_id, key_id, public_key, signature, boundary)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::xid8)
"""


class LogDiffersFromCheckpoint(Exception):
    """The log no longer holds what the latest checkpoint signed: nothing new is signed."""

    def __init__(self, problem: CheckpointProblem) -> None:
        super().__init__(f"the log differs from the latest {problem}")
        self.problem = problem


class CheckpointKeyError(Exception):
    """The signing key cannot be read: names the file or the variable and why."""


def key_id(public_key: bytes) -> str:
    """A key's short name: the first 16 hex digits of SHA-256 of its raw public bytes."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class SigningKey:
    """The zone's checkpoint key (Ed25519)."""

    private: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return raw_public(self.private.public_key())

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def pem(self) -> bytes:
        """The private key as unencrypted PKCS #8 PEM."""
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def write(self, path: Path) -> None:
        """Write the key to a new file only its owner can read.

        Raises:
            FileExistsError: a file is already there (a key is never overwritten).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(self.pem())

    @classmethod
    def read(cls, path: Path) -> SigningKey:
        """Read a PEM Ed25519 private key.

        Raises:
            CheckpointKeyError: no such file, or not an unencrypted Ed25519 private key.
        """
        try:
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except OSError as error:
            raise CheckpointKeyError(f"cannot read the checkpoint key {path}: {error}") from None
        except (ValueError, TypeError) as error:
            raise CheckpointKeyError(f"{path} is not a PEM private key: {error}") from None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise CheckpointKeyError(f"{path} is not an Ed25519 key")
        return cls(loaded)


def public_key_from_hex(text: str) -> bytes:
    """A raw Ed25519 public key given as 64 hex digits.

    Raises:
        CheckpointKeyError: not 32 bytes of hex.
    """
    try:
        raw = bytes.fromhex(text.strip())
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise CheckpointKeyError(f"not an Ed25519 public key (64 hex digits): {text!r}") from None
    return raw


@dataclass(frozen=True)
class TreeHead:
    """What a checkpoint signs."""

    tree_size: int
    root_hash: bytes
    signed_at: datetime
    log_id: str = LOG_ID

    def signed_bytes(self) -> bytes:
        """JCS of ``{"log_id", "root_hash" (hex), "signed_at", "tree_size"}``."""
        return canonical_json(
            {
                "log_id": self.log_id,
                "root_hash": self.root_hash.hex(),
                "signed_at": format_utc(self.signed_at),
                "tree_size": self.tree_size,
            }
        )


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head as stored."""

    head: TreeHead
    key_id: str
    public_key: bytes
    signature: bytes
    boundary: str  # the snapshot xmin (xid8) below which its events' transactions lie

    @property
    def tree_size(self) -> int:
        return self.head.tree_size

    def signature_holds(self) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                self.signature, self.head.signed_bytes()
            )
        except (InvalidSignature, ValueError):
            return False
        return key_id(self.public_key) == self.key_id

    def to_json(self) -> dict[str, Any]:
        return {
            "log_id": self.head.log_id,
            "tree_size": self.head.tree_size,
            "root_hash": self.head.root_hash.hex(),
            "signed_at": format_utc(self.head.signed_at),
            "key_id": self.key_id,
            "public_key": self.public_key.hex(),
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checkpoint:
        """Raises: KeyError, ValueError, TypeError on a malformed object."""
        head = TreeHead(
            tree_size=int(data["tree_size"]),
            root_hash=bytes.fromhex(data["root_hash"]),
            signed_at=datetime.fromisoformat(data["signed_at"].replace("Z", "+00:00")),
            log_id=str(data["log_id"]),
        )
        return cls(
            head=head,
            key_id=str(data["key_id"]),
            public_key=bytes.fromhex(data["public_key"]),
            signature=bytes.fromhex(data["signature"]),
            boundary="",
        )


def sign(head: TreeHead, key: SigningKey, boundary: str) -> Checkpoint:
    return Checkpoint(
        head=head,
        key_id=key.key_id,
        public_key=key.public_key,
        signature=key.private.sign(head.signed_bytes()),
        boundary=boundary,
    )


def _row_to_checkpoint(row: asyncpg.Record) -> Checkpoint:
    head = TreeHead(
        tree_size=row["tree_size"],
        root_hash=bytes(row["root_hash"]),
        signed_at=row["signed_at"].astimezone(UTC),
        log_id=row["log_id"],
    )
    return Checkpoint(
        head=head,
        key_id=row["key_id"],
        public_key=bytes(row["public_key"]),
        signature=bytes(row["signature"]),
        boundary=row["boundary"],
    )


async def make_checkpoint(
    connection: Connection, key: SigningKey, now: datetime
) -> Checkpoint | None:
    """Sign the tree over every event whose transaction has ended, and store it.

    Returns the new checkpoint; the latest one when no event was added since (nothing is
    signed twice); None while the log is empty. "Ended" is the cluster's view
    (``pg_snapshot_xmin``): a transaction left open anywhere on the server, even in another
    database, holds the newest events back for the next checkpoint; they are never lost. The
    latest checkpoint is checked first against the log (its signature, and the root of the
    log's first ``tree_size`` events).

    Raises:
        LogDiffersFromCheckpoint: the log was changed under the latest checkpoint (an event
            changed, removed, inserted or reordered, or its signature broken): nothing is
            signed.
    """
    async with connection.transaction(isolation="repeatable_read", readonly=False):
        boundary = await connection.fetchval("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        hashes = [bytes(r[0]) for r in await connection.fetch(LOG_ORDER_SQL, boundary)]
        latest = await latest_checkpoint(connection)
        if not hashes and latest is None:
            return None
        tree = LogTree(hashes)
        if latest is not None:
            # Never sign over a log that no longer holds what was signed before.
            problems = check_checkpoints([latest], tree, [latest.public_key])
            if problems:
                raise LogDiffersFromCheckpoint(problems[0])
            if latest.tree_size >= len(hashes):
                return latest
        checkpoint = sign(TreeHead(len(hashes), tree.root(), now), key, boundary)
        await connection.execute(
            INSERT_CHECKPOINT,
            checkpoint.tree_size,
            checkpoint.head.root_hash,
            checkpoint.head.signed_at,
            checkpoint.head.log_id,
            checkpoint.key_id,
            checkpoint.public_key,
            checkpoint.signature,
            boundary,
        )
    return checkpoint


async def latest_checkpoint(connection: Connection) -> Checkpoint | None:
    row = await connection.fetchrow(SELECT_CHECKPOINTS + " ORDER BY tree_size DESC LIMIT 1")
    return _row_to_checkpoint(row) if row is not None else None


async def all_checkpoints(connection: Connection) -> list[Checkpoint]:
    rows = await connection.fetch(SELECT_CHECKPOINTS + " ORDER BY tree_size")
    return [_row_to_checkpoint(row) for row in rows]


async def log_hashes(connection: Connection) -> list[bytes]:
    """Every stored event's chain link, in log order, as the database holds them now."""
    return [bytes(r[0]) for r in await connection.fetch(ALL_IN_LOG_ORDER_SQL)]


async def log_tree(connection: Connection) -> LogTree:
    """The tree over every stored event in log order, as the database holds them now."""
    return LogTree(await log_hashes(connection))


@dataclass(frozen=True)
class CheckpointProblem:
    """Why a checkpoint does not hold."""

    tree_size: int
    reason: str

    def __str__(self) -> str:
        return f"checkpoint of {self.tree_size} events: {self.reason}"


def check_checkpoints(
    checkpoints: Sequence[Checkpoint], tree: LogTree, trusted: Iterable[bytes]
) -> list[CheckpointProblem]:
    """Check every checkpoint against the log's tree: signed by a trusted key, over no more
    events than the log has, and with the root the log's first ``tree_size`` events make.

    A root that does not match names the span of log positions where the change lies: after the
    last checkpoint that still matches, up to this one.
    """
    trusted_keys = set(trusted)
    problems: list[CheckpointProblem] = []
    last_good = 0
    for checkpoint in checkpoints:
        size = checkpoint.tree_size
        if not checkpoint.signature_holds():
            problems.append(CheckpointProblem(size, "signature does not verify"))
        elif checkpoint.public_key not in trusted_keys:
            problems.append(
                CheckpointProblem(size, f"signed by key {checkpoint.key_id}, not a trusted key")
            )
        elif size > tree.size:
            problems.append(
                CheckpointProblem(
                    size,
                    f"the log has only {tree.size} events: events were removed "
                    f"(log positions {tree.size + 1}..{size} are gone)",
                )
            )
        elif tree.root(size) != checkpoint.head.root_hash:
            problems.append(
                CheckpointProblem(
                    size,
                    "root does not match the log: an event among log positions "
                    f"{last_good + 1}..{size} was changed, removed, inserted or reordered",
                )
            )
        else:
            last_good = size
    return problems


LOG_INDEX_SQL = """
SELECT (SELECT count(*) FROM events o
         WHERE (o.transaction_id, o.global_position) < (e.transaction_id, e.global_position)),
       e.stream_id, e.stream_version, e.hash
  FROM events e
 WHERE e.event_id = $1
"""


@dataclass(frozen=True)
class InclusionAnswer:
    """An event's place in the log and its proof against the checkpoint that covers it."""

    stream_id: str
    stream_version: int
    leaf_index: int  # zero-based, in log order
    leaf_hash: bytes
    checkpoint: Checkpoint
    proof: dict[str, Any]
    holds: bool


@dataclass(frozen=True)
class ConsistencyAnswer:
    """The consistency proof between two checkpoints, checked."""

    prior: Checkpoint
    later: Checkpoint
    proof: dict[str, Any]
    holds: bool


class ProofRefused(Exception):
    """No proof can be given: names why (unknown event, no checkpoint covering it...)."""


async def prove_inclusion(connection: Connection, event_id: str) -> InclusionAnswer:
    """The inclusion proof of an event in the latest checkpoint, checked against its root.

    Raises:
        ProofRefused: no such event, or no checkpoint covers it yet.
    """
    from uuid import UUID

    async with connection.transaction(isolation="repeatable_read", readonly=True):
        try:
            row = await connection.fetchrow(LOG_INDEX_SQL, UUID(event_id))
        except ValueError:
            raise ProofRefused(f"not an event id: {event_id!r}") from None
        if row is None:
            raise ProofRefused(f"no event {event_id} in the log")
        latest = await latest_checkpoint(connection)
        index = int(row[0])
        if latest is None or latest.tree_size <= index:
            raise ProofRefused(
                f"no checkpoint covers event {event_id} yet (log position {index + 1}): "
                "run `pit audit checkpoint`"
            )
        tree = LogTree(await log_hashes(connection))
    proof = tree.inclusion(index, latest.tree_size)
    leaf = tree.leaf_hash(index)
    return InclusionAnswer(
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        leaf_index=index,
        leaf_hash=leaf,
        checkpoint=latest,
        proof=proof.proof,
        holds=proof.verify(leaf, latest.head.root_hash) and latest.signature_holds(),
    )


async def prove_consistency(
    connection: Connection, prior_size: int | None = None, later_size: int | None = None
) -> ConsistencyAnswer:
    """The consistency proof between two stored checkpoints (by default the last two), checked
    against both signed roots.

    Raises:
        ProofRefused: fewer than two checkpoints, or no checkpoint of a size asked for.
    """
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        stored = {c.tree_size: c for c in await all_checkpoints(connection)}
        sizes = sorted(stored)
        if len(sizes) < 2 and (prior_size is None or later_size is None):
            raise ProofRefused("a consistency proof needs two checkpoints")
        prior_size = sizes[-2] if prior_size is None else prior_size
        later_size = sizes[-1] if later_size is None else later_size
        for size in (prior_size, later_size):
            if size not in stored:
                raise ProofRefused(f"no checkpoint of {size} events")
        if prior_size > later_size:
            raise ProofRefused("the earlier checkpoint must not be the larger")
        hashes = await log_hashes(connection)
    if len(hashes) < later_size:
        raise ProofRefused(f"the log has only {len(hashes)} events: run `pit audit verify`")
    prior, later = stored[prior_size], stored[later_size]
    path = LogTree(hashes).consistency(prior_size, later_size)
    holds = (
        path.verify(prior.head.root_hash, later.head.root_hash)
        and prior.signature_holds()
        and later.signature_holds()
    )
    return ConsistencyAnswer(prior=prior, later=later, proof=path.proof, holds=holds)
