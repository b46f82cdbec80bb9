"""Verification of hash chains, naming the stream, the version and the part that changed.

Rows are checked stream by stream in version order. For each row, in this order:

1. its version follows the previous one (else **missing version**: the first absent version);
2. its ``prev_hash`` is the previous row's ``hash`` (else **reordered or broken link**);
3. its header, data and metadata digests recompute from the stored columns (else **changed
   header**, **changed payload** or **changed metadata**);
4. its ``hash`` recomputes from ``prev_hash`` and the three digests (else **reordered or
   broken link**: the stored hash or a stored digest was rewritten).

The first failing row of a stream is reported and the rest of that stream is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import orjson

from eventstore.chain import GENESIS_HASH, header_json

MAX_REPORTED_FAILURES = 1000

# The column order of a row handed to the verifier; the SQL query selects the same order.
VERIFY_COLUMNS = (
    "stream_id",
    "stream_version",
    "event_id",
    "type",
    "schema_version",
    "data",
    "metadata",
    "recorded_at",
    "header_digest",
    "data_digest",
    "metadata_digest",
    "prev_hash",
    "hash",
)

VerifyRow = tuple[
    str, int, UUID, str, int, bytes, bytes, datetime, bytes, bytes, bytes, bytes, bytes
]
"""One stored event in :data:`VERIFY_COLUMNS` order (asyncpg records index the same way)."""


class FailureReason(StrEnum):
    """Why a stream failed verification."""

    CHANGED_PAYLOAD = "changed payload"
    CHANGED_METADATA = "changed metadata"
    CHANGED_HEADER = "changed header"
    MISSING_VERSION = "missing version"
    BROKEN_LINK = "reordered or broken link"


@dataclass(frozen=True, slots=True)
class VerificationFailure:
    """The first broken event of one stream.

    Attributes:
        stream_id: the stream.
        stream_version: the version at fault (for a missing version: the first absent one).
        reason: which check failed.
        detail: what a person reads.
    """

    stream_id: str
    stream_version: int
    reason: FailureReason
    detail: str


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of verifying the store.

    Attributes:
        ok: True when every checked stream verified.
        events_checked: rows read.
        streams_checked: streams read.
        failures: the first failure of each broken stream, by stream id (at most 1000).
    """

    ok: bool
    events_checked: int
    streams_checked: int
    failures: tuple[VerificationFailure, ...] = ()

    @property
    def first_failure(self) -> VerificationFailure | None:
        """The failure of the first broken stream in stream-id order, if any."""
        return self.failures[0] if self.failures else None

    @staticmethod
    def merge(reports: Iterable[VerificationReport]) -> VerificationReport:
        """Combine reports of disjoint sets of streams (e.g. from parallel workers)."""
        reports = list(reports)
        failures = sorted(
            (f for r in reports for f in r.failures), key=lambda f: (f.stream_id, f.stream_version)
        )[:MAX_REPORTED_FAILURES]
        return VerificationReport(
            ok=all(r.ok for r in reports),
            events_checked=sum(r.events_checked for r in reports),
            streams_checked=sum(r.streams_checked for r in reports),
            failures=tuple(failures),
        )


@dataclass(slots=True)
class ChainVerifier:
    """Checks rows fed in (stream_id, stream_version) order; rows may come in any chunks."""

    events_checked: int = 0
    streams_checked: int = 0
    failures: list[VerificationFailure] = field(default_factory=list)
    failed_streams: int = 0
    _stream_id: str | None = None
    _next_version: int = 1
    _prev_hash: bytes = GENESIS_HASH
    _stream_failed: bool = False

    def feed(self, rows: Sequence[VerifyRow] | Iterable[Any]) -> None:
        """Check a chunk of rows continuing where the previous chunk stopped."""
        # The hot loop of verification: locals instead of attribute and global look-ups.
        sha256 = hashlib.sha256
        for row in rows:
            (
                stream_id,
                version,
                event_id,
                event_type,
                schema_version,
                data,
                metadata,
                recorded_at,
                stored_header,
                stored_data,
                stored_metadata,
                prev_hash,
                stored_hash,
            ) = row
            self.events_checked += 1
            if stream_id != self._stream_id:
                self._stream_id = stream_id
                self._next_version = 1
                self._prev_hash = GENESIS_HASH
                self._stream_failed = False
                self.streams_checked += 1
            elif self._stream_failed:
                continue
            header = sha256(
                header_json(stream_id, version, event_id, event_type, schema_version, recorded_at)
            ).digest()
            # data and metadata are the stored bytes: the canonical text the writer hashed.
            data_digest = sha256(data).digest()
            metadata_digest = sha256(metadata).digest()
            if (
                version == self._next_version
                and prev_hash == self._prev_hash
                and header == stored_header
                and data_digest == stored_data
                and metadata_digest == stored_metadata
                and sha256(prev_hash + header + data_digest + metadata_digest).digest()
                == stored_hash
            ):
                self._next_version = version + 1
                self._prev_hash = stored_hash
                continue
            self._fail(
                self._classify(
                    stream_id,
                    version,
                    prev_hash,
                    (header, stored_header),
                    (data_digest, stored_data),
                    (metadata_digest, stored_metadata),
                )
            )

    def _classify(
        self,
        stream_id: str,
        version: int,
        prev_hash: bytes,
        header: tuple[bytes, bytes],
        data: tuple[bytes, bytes],
        metadata: tuple[bytes, bytes],
    ) -> VerificationFailure:
        expected = self._next_version
        if version > expected:
            return VerificationFailure(
                stream_id,
                expected,
                FailureReason.MISSING_VERSION,
                f"version {expected} is missing: the next stored version is {version}",
            )
        if version < expected:
            return VerificationFailure(
                stream_id,
                version,
                FailureReason.BROKEN_LINK,
                f"version {version} appears again after version {expected - 1}",
            )
        if prev_hash != self._prev_hash:
            return VerificationFailure(
                stream_id,
                version,
                FailureReason.BROKEN_LINK,
                "prev_hash is not the hash of the previous version: "
                "events were reordered, removed or inserted",
            )
        for (computed, stored), reason, part in (
            (header, FailureReason.CHANGED_HEADER, "header"),
            (data, FailureReason.CHANGED_PAYLOAD, "data"),
            (metadata, FailureReason.CHANGED_METADATA, "metadata"),
        ):
            if computed != stored:
                return VerificationFailure(
                    stream_id,
                    version,
                    reason,
                    f"the {part} no longer matches its recorded {part}_digest",
                )
        return VerificationFailure(
            stream_id,
            version,
            FailureReason.BROKEN_LINK,
            "hash does not recompute from prev_hash and the part digests",
        )

    def _fail(self, failure: VerificationFailure) -> None:
        self._stream_failed = True
        self.failed_streams += 1
        if len(self.failures) < MAX_REPORTED_FAILURES:
            self.failures.append(failure)

    def report(self) -> VerificationReport:
        """The report of everything fed so far."""
        return VerificationReport(
            ok=self.failed_streams == 0,
            events_checked=self.events_checked,
            streams_checked=self.streams_checked,
            failures=tuple(self.failures),
        )


def report_to_json(report: VerificationReport) -> bytes:
    """Serialise a report (for worker processes and exports)."""
    return orjson.dumps(
        {
            "ok": report.ok,
            "events_checked": report.events_checked,
            "streams_checked": report.streams_checked,
            "failures": [
                {
                    "stream_id": f.stream_id,
                    "stream_version": f.stream_version,
                    "reason": f.reason.value,
                    "detail": f.detail,
                }
                for f in report.failures
            ],
        }
    )


def report_from_json(encoded: bytes) -> VerificationReport:
    """The inverse of :func:`report_to_json`."""
    raw = orjson.loads(encoded)
    return VerificationReport(
        ok=raw["ok"],
        events_checked=raw["events_checked"],
        streams_checked=raw["streams_checked"],
        failures=tuple(
            VerificationFailure(
                f["stream_id"], f["stream_version"], FailureReason(f["reason"]), f["detail"]
            )
            for f in raw["failures"]
        ),
    )
