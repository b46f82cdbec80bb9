"""The Merkle tree over the whole log: RFC 6962 / RFC 9162 hashing, by ``pymerkle``.

Leaf *i* of the tree is the *i*-th event of the log in **log order**, ``(transaction_id,
global_position)``, and its data is the event's chain link ``hash`` (docs/audit-format.md): the
link already covers the event's stream, version, id, type, record time, data, metadata and the
stream's previous link. Hashing is RFC 6962's (``SHA-256(0x00 ‖ data)`` for a leaf,
``SHA-256(0x01 ‖ left ‖ right)`` for a node), so a tree head, an inclusion proof and a
consistency proof can be checked by any RFC 6962/9162 implementation.

Why log order and not ``global_position``: positions are taken when a transaction inserts, not
when it commits, so a slow transaction can commit a lower position after a higher one was
read. Transaction ids below the snapshot's ``xmin`` belong to transactions that have all ended:
the events with ``transaction_id < pg_snapshot_xmin(...)`` are a prefix of the log that never
changes, and every later event sorts after it. A checkpoint covers such a prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pymerkle import BaseMerkleTree, ConsistencyProof, InclusionProof, InvalidProof

ALGORITHM = "sha256"


class LogTree(BaseMerkleTree):  # type: ignore[misc]  # pymerkle is untyped
    """The tree over leaf data given in log order, its leaf hashes kept in memory."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._hashes: list[bytes] = []
        super().__init__(ALGORITHM)
        for data in leaves:
            self._hashes.append(self.hash_buff(data))
        self._warm()

    def _warm(self) -> None:
        """Hash the tree once, bottom up, and keep every perfect subtree of ``threshold``
        leaves or more in pymerkle's subroot cache: a root of any size, and any proof, then
        hashes at most a few small subtrees (a proof over a million leaves: well under 1 ms)."""
        level, width = self._hashes, 1
        while len(level) > 1:
            level = [self.hash_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            width *= 2
            if width >= self.threshold:
                for number, digest in enumerate(level):
                    self.cache[(number * width, width)] = digest

    # pymerkle's storage interface (indexes count from one; offsets from zero).
    def _encode_entry(self, data: bytes) -> bytes:
        return data

    def _store_leaf(self, data: bytes, digest: bytes) -> int:
        self._hashes.append(digest)
        return len(self._hashes)

    def _get_leaf(self, index: int) -> bytes:
        return self._hashes[index - 1]

    def _get_leaves(self, offset: int, width: int) -> Sequence[bytes]:
        return self._hashes[offset : offset + width]

    def _get_size(self) -> int:
        return len(self._hashes)

    @property
    def size(self) -> int:
        return len(self._hashes)

    def root(self, size: int | None = None) -> bytes:
        """The tree head's root over the first ``size`` leaves (all by default)."""
        return bytes(self.get_root(size))

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash at zero-based ``index``."""
        return self._hashes[index]

    def inclusion(self, index: int, size: int) -> AuditPath:
        """The inclusion proof of the leaf at zero-based ``index`` in the tree of ``size``."""
        proof = self.prove_inclusion(index + 1, size)
        return AuditPath(leaf_index=index, tree_size=size, proof=proof.serialize())

    def consistency(self, prior_size: int, size: int) -> ConsistencyPath:
        """The consistency proof from the tree of ``prior_size`` leaves to ``size`` leaves."""
        proof = self.prove_consistency(prior_size, size)
        return ConsistencyPath(prior_size=prior_size, tree_size=size, proof=proof.serialize())


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962's leaf hash: ``SHA-256(0x00 ‖ data)``."""
    return bytes(LogTree().hash_buff(data))


@dataclass(frozen=True)
class AuditPath:
    """An inclusion proof, as pymerkle serializes it: ``proof["path"]`` lists hex digests, the
    leaf hash first and then RFC 9162's audit path (the siblings from the leaf up)."""

    leaf_index: int  # zero-based, as RFC 9162 counts
    tree_size: int
    proof: dict[str, Any]

    @property
    def siblings(self) -> tuple[bytes, ...]:
        """RFC 9162's audit path."""
        return tuple(bytes.fromhex(digest) for digest in self.proof["path"][1:])

    def verify(self, leaf: bytes, root: bytes) -> bool:
        """Whether the leaf hash ``leaf`` is at ``leaf_index`` in the tree with ``root``."""
        try:
            proof = InclusionProof.deserialize(self.proof)
            proof.verify(leaf, root, index=self.leaf_index + 1, size=self.tree_size)
        except (InvalidProof, ValueError, TypeError):
            return False
        return True


@dataclass(frozen=True)
class ConsistencyPath:
    """A consistency proof between two tree heads, as pymerkle serializes it."""

    prior_size: int
    tree_size: int
    proof: dict[str, Any]

    def verify(self, prior_root: bytes, root: bytes) -> bool:
        """Whether the tree with ``root`` extends the tree with ``prior_root``."""
        try:
            proof = ConsistencyProof.deserialize(self.proof)
            proof.verify(prior_root, root, prior_size=self.prior_size, later_size=self.tree_size)
        except (InvalidProof, ValueError, TypeError):
            return False
        return True
