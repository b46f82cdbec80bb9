"""The evidence bundle's format: one JSON file, its canonical (RFC 8785) bytes.

A bundle holds one agreement's stream as stored (the columns every digest is computed from),
each event's index in the log's Merkle tree and its inclusion proof, the signed checkpoint the
proofs lead to (with its public key), the rule sets the events name, and the code that made it.
docs/audit-format.md ("Evidence bundles") is the normative description, for auditors writing
their own verifier; :mod:`audit.bundle_check` is pit's.

The file is the JCS encoding of :meth:`EvidenceBundle.to_json`, so the same content always has
the same bytes and the file's SHA-256 names it.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from audit.bundle_errors import MalformedBundle
from eventstore.canonical import canonical_json
from eventstore.checkpoints import Checkpoint

FORMAT = "pit-evidence-bundle"
FORMAT_VERSION = 1
PACKAGE = "pit"

Hex32 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]
UtcMicros = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
]
"""A time as the store writes it (``eventstore.model.format_utc``)."""

_GIT_SECONDS = 5


class _Part(BaseModel):
    # Strict: a bundle is read exactly as written, nothing coerced ("1" is not 1).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class BundleEvent(_Part):
    """One stored event: the columns its digests are computed from, the digests and links as
    stored, and where it is in the signed log.

    ``data`` and ``metadata`` are the stored JSON texts (their canonical bytes), as strings.
    ``inclusion_proof`` is pymerkle's serialization of the RFC 9162 inclusion proof of leaf
    ``log_index`` (zero-based) in the checkpoint's tree.
    """

    stream_id: str
    stream_version: int = Field(ge=1)
    event_id: str
    type: str
    schema_version: int
    recorded_at: UtcMicros
    data: str
    metadata: str
    header_digest: Hex32
    data_digest: Hex32
    metadata_digest: Hex32
    prev_hash: Hex32
    hash: Hex32
    log_index: int = Field(ge=0)
    inclusion_proof: dict[str, Any]


class CodeVersion(_Part):
    """The pit that made the bundle: its package version and, when known, its git commit."""

    package: str
    version: str
    git_commit: str | None


class RuleSetUsed(_Part):
    """A rule-set version the events' metadata names, with the rules as pit held them at export
    (None when the zone's rule book has no such version)."""

    version: str
    rule_set: dict[str, Any] | None


class SignedCheckpoint(_Part):
    """A checkpoint as :meth:`eventstore.checkpoints.Checkpoint.to_json` writes it."""

    log_id: str
    tree_size: int = Field(ge=1)
    root_hash: Hex32
    signed_at: UtcMicros
    key_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
    public_key: Hex32
    signature: Hex64

    def checkpoint(self) -> Checkpoint:
        return Checkpoint.from_json(self.model_dump())


class EvidenceBundle(_Part):
    """An agreement's evidence: its whole stream, proved to be in a signed checkpoint."""

    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    agreement_id: str
    stream_id: str
    exported_at: UtcMicros
    code_version: CodeVersion
    rule_sets: tuple[RuleSetUsed, ...]
    checkpoint: SignedCheckpoint
    events: tuple[BundleEvent, ...] = Field(min_length=1)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def encode(self) -> bytes:
        """The bundle's file: the JCS bytes of its JSON object."""
        return canonical_json(self.to_json())

    @classmethod
    def decode(cls, raw: bytes) -> EvidenceBundle:
        """Read a bundle file.

        Raises:
            MalformedBundle: not JSON, not a pit evidence bundle, a format version this pit
                does not read, or a field missing or of the wrong shape (named).
        """
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise MalformedBundle(f"not JSON: {error}") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise MalformedBundle(f'not a pit evidence bundle (no "format": "{FORMAT}")')
        found = document.get("format_version")
        if found != FORMAT_VERSION:
            raise MalformedBundle(
                f"format_version {found!r}: this pit reads format version {FORMAT_VERSION}"
            )
        try:
            # JSON mode: arrays are read as the tuples they model, still strictly typed.
            return cls.model_validate_json(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(step) for step in first["loc"])
            raise MalformedBundle(f"{where}: {first['msg']}") from None


def bundle_digest(raw: bytes) -> str:
    """The SHA-256 (hex) of a bundle file's bytes: the name to quote for it."""
    return hashlib.sha256(raw).hexdigest()


def is_canonical(raw: bytes, bundle: EvidenceBundle) -> bool:
    """Whether the file is byte for byte the canonical encoding of what it says."""
    return raw == bundle.encode()


@cache
def code_version() -> CodeVersion:
    """This pit's package version, and its git commit when it runs from a git checkout.

    Never fails: without the package metadata the version is ``unknown``; without git (an
    installed package, an image) the commit is None.
    """
    try:
        installed = version(PACKAGE)
    except PackageNotFoundError:
        installed = "unknown"
    return CodeVersion(package=PACKAGE, version=installed, git_commit=_git_commit())


def _git_commit() -> str | None:
    # Only the checkout pit itself lives in: an installed copy inside some other repository
    # (a virtualenv in a project) must not report that repository's commit.
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(root), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH
            capture_output=True,
            text=True,
            timeout=_GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    if done.returncode != 0 or len(commit) != 40:
        return None
    return commit
