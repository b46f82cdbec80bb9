"""What both stores do before and after writing: checks, encoding, idempotent replays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventstore.chain import EncodedEvent, encode_event
from eventstore.errors import EventIdConflict, PayloadError
from eventstore.model import NewEvent
from eventstore.store import MAX_BATCH, MAX_BATCH_BYTES, AppendResult
from eventstore.streams import ExpectedVersion, check_expected_version, validate_stream_id


def prepare_append(
    stream_id: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
) -> list[EncodedEvent]:
    """Check an append's arguments and encode its events; nothing is written yet.

    Raises:
        StreamIdInvalid: a malformed stream id.
        PayloadError: an empty batch, one of too many events or bytes, a repeated event id, a
            payload rule.
        ValueError: an expected version that is neither ANY nor an int >= 0.
    """
    validate_stream_id(stream_id)
    check_expected_version(expected_version)
    if not events:
        raise PayloadError("events", "an append needs at least one event")
    if len(events) > MAX_BATCH:
        raise PayloadError("events", f"at most {MAX_BATCH} events per append")
    seen: set[UUID] = set()
    # Keyed by id(): every metadata object stays alive in ``events`` for the whole call.
    metadata_seen: dict[int, tuple[bytes, bytes]] = {}
    encoded = []
    size = 0
    for index, event in enumerate(events):
        if not isinstance(event, NewEvent):
            raise PayloadError(f"events[{index}]", "must be a NewEvent")
        try:
            event.check_header()
        except PayloadError as error:
            raise PayloadError(f"events[{index}].{error.field}", error.rule) from None
        if event.event_id in seen:
            raise PayloadError(f"events[{index}].event_id", "repeats an event id of this batch")
        seen.add(event.event_id)
        try:
            encoded.append(encode_event(event, metadata_seen))
        except PayloadError as error:
            raise PayloadError(f"events[{index}].{error.field}", error.rule) from None
        size += len(encoded[-1].data_json) + len(encoded[-1].metadata_json)
        if size > MAX_BATCH_BYTES:
            raise PayloadError(
                f"events[{index}]",
                f"takes the batch past {MAX_BATCH_BYTES} bytes of canonical JSON (data and "
                "metadata) per append: append the rest separately",
            )
    return encoded


@dataclass(frozen=True, slots=True)
class PriorRecord:
    """What the store already holds under an event id, enough to judge a replay."""

    event_id: UUID
    stream_id: str
    stream_version: int
    global_position: int
    type: str
    schema_version: int
    data_digest: bytes
    metadata_digest: bytes


def resolve_replay(
    stream_id: str, encoded: Sequence[EncodedEvent], prior: Mapping[UUID, PriorRecord]
) -> AppendResult | None:
    """Judge an append whose event ids may already be recorded.

    Returns:
        None when none of the ids is recorded; the original result when all of them are,
        identically and in the same order.

    Raises:
        EventIdConflict: an id is recorded with other content, in another stream, at another
            relative position, or without the rest of its batch.
    """
    if not prior:
        return None
    positions = []
    previous_version: int | None = None
    for item in encoded:
        event = item.event
        record = prior.get(event.event_id)
        if record is None:
            recorded = next(iter(prior))
            raise EventIdConflict(recorded, "recorded in an append without the rest of this batch")
        if record.stream_id != stream_id:
            raise EventIdConflict(event.event_id, f"recorded in stream {record.stream_id!r}")
        if (
            record.type != event.type
            or record.schema_version != event.schema_version
            or record.data_digest != item.data_digest
            or record.metadata_digest != item.metadata_digest
        ):
            raise EventIdConflict(event.event_id, "recorded with different content")
        if previous_version is not None and record.stream_version != previous_version + 1:
            raise EventIdConflict(event.event_id, "recorded at another place in the stream")
        previous_version = record.stream_version
        positions.append(record.global_position)
    assert previous_version is not None  # encoded is never empty
    return AppendResult(
        stream_id=stream_id,
        global_positions=tuple(positions),
        stream_version=previous_version,
        replayed=True,
    )
