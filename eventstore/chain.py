"""The hash chain: per-part digests of an event, linked per stream.

For every event::

    header_digest   = SHA-256(JCS(header))      header = stream_id, stream_version, event_id,
                                                         type, schema_version, recorded_at
    data_digest     = SHA-256(JCS(data))
    metadata_digest = SHA-256(JCS(metadata))
    hash            = SHA-256(prev_hash ‖ header_digest ‖ data_digest ‖ metadata_digest)

with ``prev_hash`` the previous event's hash in the stream, or 32 zero bytes for version 1.
Keeping the part digests next to the event lets verification say which part changed.
docs/audit-format.md is the normative description; :func:`chain_events` is where both stores
compute it, in the writer, and ``eventstore.verification`` where they check it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventstore.canonical import canonical_payload
from eventstore.model import EventMetadata, NewEvent, format_utc
from eventstore.payload import check_json_object

GENESIS_HASH = bytes(32)
"""``prev_hash`` of every stream's first event."""


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """A new event's canonical bytes and the digests that do not depend on the stream.

    Attributes:
        event: the event as given.
        data_json: JCS bytes of its data.
        metadata_json: JCS bytes of its metadata object.
        data_digest: SHA-256 of ``data_json``.
        metadata_digest: SHA-256 of ``metadata_json``.
    """

    event: NewEvent
    data_json: bytes
    metadata_json: bytes
    data_digest: bytes
    metadata_digest: bytes


def encode_event(
    event: NewEvent, metadata_seen: dict[int, tuple[bytes, bytes]] | None = None
) -> EncodedEvent:
    """Check an event against the payload rules again and compute its canonical parts.

    ``data`` is a mutable dict that may have changed since the ``NewEvent`` was built: when
    its canonical bytes differ from those that passed the rules then, the rules run again.

    Args:
        event: the event.
        metadata_seen: encodings of metadata objects already encoded in this batch, by
            identity: the events of one decision share one metadata object.

    Raises:
        PayloadError: naming the field and the rule.
    """
    try:
        data_json = canonical_payload(event.data, "data")
    except (TypeError, ValueError):  # orjson refuses what the rules refuse too: say which
        data_json = b""
    if data_json != event.checked_data_json:
        # The data dict changed after the event was built: apply the rules again.
        check_json_object(event.data, "data")
        data_json = canonical_payload(event.data, "data")
    if metadata_seen is None:
        metadata_json, metadata_digest = encode_metadata(event.metadata)
    else:
        known = metadata_seen.get(id(event.metadata))
        if known is None:
            known = metadata_seen[id(event.metadata)] = encode_metadata(event.metadata)
        metadata_json, metadata_digest = known
    return EncodedEvent(
        event=event,
        data_json=data_json,
        metadata_json=metadata_json,
        data_digest=hashlib.sha256(data_json).digest(),
        metadata_digest=metadata_digest,
    )


def encode_metadata(metadata: EventMetadata) -> tuple[bytes, bytes]:
    """The canonical bytes of a metadata object and their SHA-256 digest.

    Raises:
        PayloadError: a metadata field breaks a payload rule (e.g. a NUL character).
    """
    return metadata.canonical()


def header_json(
    stream_id: str,
    stream_version: int,
    event_id: UUID,
    event_type: str,
    schema_version: int,
    recorded_at: datetime,
) -> bytes:
    """JCS bytes of an event's header object.

    Built by formatting rather than by a JSON encoder: stream ids, types and uuids are
    restricted to characters JSON never escapes, so this equals JCS (a property test checks it).
    """
    return _header_text(
        stream_id, stream_version, event_id, event_type, schema_version, format_utc(recorded_at)
    )


def _header_text(
    stream_id: str,
    stream_version: int,
    event_id: UUID,
    event_type: str,
    schema_version: int,
    recorded_at: str,
) -> bytes:
    return (
        f'{{"event_id":"{event_id}","recorded_at":"{recorded_at}",'
        f'"schema_version":{schema_version},"stream_id":"{stream_id}",'
        f'"stream_version":{stream_version},"type":"{event_type}"}}'
    ).encode()


def digest(part: bytes) -> bytes:
    """SHA-256 of one part's canonical bytes."""
    return hashlib.sha256(part).digest()


def link_hash(
    prev_hash: bytes, header_digest: bytes, data_digest: bytes, metadata_digest: bytes
) -> bytes:
    """The chain link: SHA-256(prev_hash ‖ header_digest ‖ data_digest ‖ metadata_digest)."""
    return hashlib.sha256(prev_hash + header_digest + data_digest + metadata_digest).digest()


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """A new event placed in its stream: its version, header digest and chain link.

    Attributes:
        item: the encoded event.
        stream_version: its version in the stream.
        header_digest: SHA-256 of its header's canonical bytes.
        prev_hash: the previous event's hash (GENESIS_HASH for version 1).
        hash: its chain link.
        recorded_at: the writer's clock when the batch was chained (in the header).
    """

    item: EncodedEvent
    stream_version: int
    header_digest: bytes
    prev_hash: bytes
    hash: bytes
    recorded_at: datetime


def chain_events(
    stream_id: str,
    encoded: Sequence[EncodedEvent],
    after_version: int,
    prev_hash: bytes,
    recorded_at: datetime,
) -> list[ChainedEvent]:
    """Chain a batch of events after the stream's event ``after_version`` (hash ``prev_hash``).

    Both stores chain here, in the writer: the database only stores the result, and its unique
    key on (stream_id, stream_version) refuses a batch chained to a head that has moved on.
    """
    chained = []
    recorded_text = format_utc(recorded_at)  # one reading of the clock for the whole batch
    for offset, item in enumerate(encoded, start=1):
        event = item.event
        version = after_version + offset
        header = digest(
            _header_text(
                stream_id, version, event.event_id, event.type, event.schema_version, recorded_text
            )
        )
        link = link_hash(prev_hash, header, item.data_digest, item.metadata_digest)
        chained.append(ChainedEvent(item, version, header, prev_hash, link, recorded_at))
        prev_hash = link
    return chained
