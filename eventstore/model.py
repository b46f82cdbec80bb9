"""What the store takes in and gives back: new events, recorded events, their metadata."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from eventstore.canonical import canonical_payload
from eventstore.errors import PayloadError
from eventstore.payload import check_json_object

EVENT_TYPE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.:-]{0,99}$"
"""A stable type string such as ``agreement.signed``; never a Python import path."""

MAX_SCHEMA_VERSION = 32767

_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)

RULE_UTC_INSTANT = "must be an instant from year 1 to year 9999 in UTC"


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as the store writes it: UTC, microseconds, ``Z``.

    One fixed format keeps hashes independent of the offset a caller happened to use.
    """
    # isoformat with a fixed timespec is several times faster than strftime; the offset it
    # appends for UTC ("+00:00") becomes "Z".
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


STORED: dict[str, bool] = {"stored": True}
"""Validation context for metadata read back from the log (see EventMetadata)."""


class EventMetadata(BaseModel):
    """Who recorded an event, when it happened in business time, and under which rules.

    Attributes:
        actor_id: the authenticated actor (a person's id, or ``pit`` for the system).
        actor_role: the actor's role (``applicant``, ``reviewer``, ``system``...).
        occurred_at: business time, from the workflow's clock.
        legal_basis: the legal-basis tags the decision rests on.
        rule_set_version: the version of the zone's rules that decided.
        correlation_id: ties together everything one request caused.
        causation_id: the id of the command or event that caused this one.
        workflow_id: the Temporal workflow that appended the event.
        run_id: that workflow's run.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_id: str = Field(min_length=1, max_length=200)
    actor_role: str = Field(min_length=1, max_length=50)
    occurred_at: AwareDatetime
    legal_basis: tuple[str, ...] = ()
    rule_set_version: str = Field(min_length=1, max_length=100)
    correlation_id: str = Field(min_length=1, max_length=200)
    causation_id: str | None = Field(default=None, min_length=1, max_length=200)
    workflow_id: str | None = Field(default=None, min_length=1, max_length=200)
    run_id: str | None = Field(default=None, min_length=1, max_length=200)

    # The canonical bytes that passed the payload rules and their digest, made once: the events
    # of one decision share their metadata, and appending only has to confirm it is unchanged.
    _checked_json: bytes = PrivateAttr(default=b"")
    _checked_digest: bytes = PrivateAttr(default=b"")

    def model_post_init(self, context: Any, /) -> None:
        """Apply the payload rules (e.g. no NUL characters) and keep the canonical bytes.

        Metadata read back from the log (validated with ``context=STORED``) was checked when
        it was written and is covered by the hash chain: it is not checked again.
        """
        if isinstance(context, dict) and context.get("stored") is True:
            return
        as_json = self.to_json_object()
        check_json_object(as_json, "metadata")
        self._checked_json = canonical_payload(as_json, "metadata")
        self._checked_digest = hashlib.sha256(self._checked_json).digest()

    def __eq__(self, other: object) -> bool:
        # The same facts are the same metadata, whether or not its canonical bytes are cached
        # (pydantic's default equality would compare the private cache too).
        if not isinstance(other, EventMetadata):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def canonical(self) -> tuple[bytes, bytes]:
        """The canonical (RFC 8785) bytes of this metadata and their SHA-256 digest.

        Raises:
            PayloadError: a field breaks a payload rule (only possible for a copy made with
                ``model_copy(update=...)``, which skips validation).
        """
        as_json = self.to_json_object()
        try:
            encoded = canonical_payload(as_json, "metadata")
        except (TypeError, ValueError):  # orjson refuses what the rules refuse too: say which
            check_json_object(as_json, "metadata")
            raise
        # One look-up of pydantic's private dict: attribute access to private fields goes
        # through __getattr__ and costs more than the whole encoding.
        checked = self.__pydantic_private__ or {}
        if encoded == checked.get("_checked_json"):
            digest: bytes = checked["_checked_digest"]
            return encoded, digest
        check_json_object(as_json, "metadata")
        # A copy that skipped validation may also break a field's own rule (an empty actor_id):
        # validate it as reading it back will, so that no unreadable metadata is written.
        try:
            EventMetadata.model_validate(as_json)
        except ValidationError as invalid:
            first = invalid.errors(include_url=False, include_input=False)[0]
            where = "".join(
                f"[{step}]" if isinstance(step, int) else f".{step}" for step in first["loc"]
            )
            raise PayloadError(f"metadata{where}", first["msg"]) from None
        return encoded, hashlib.sha256(encoded).digest()

    def to_json_object(self) -> dict[str, Any]:
        """The metadata as the JSON object that is stored and hashed (every key present).

        Raises:
            PayloadError: ``occurred_at`` is not within years 1-9999 once in UTC (e.g.
                0001-01-01T00:00+05:00), so it has no text to store.
        """
        try:
            occurred_at = format_utc(self.occurred_at)
        except OverflowError:
            raise PayloadError("metadata.occurred_at", RULE_UTC_INSTANT) from None
        return {
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "occurred_at": occurred_at,
            "legal_basis": list(self.legal_basis),
            "rule_set_version": self.rule_set_version,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "workflow_id": self.workflow_id,
            "run_id": self.run_id,
        }


class NewEvent(BaseModel):
    """An event to append. Its data is checked against the payload rules on construction.

    Attributes:
        event_id: the idempotency key; workflows derive it deterministically.
        type: a stable type string, e.g. ``agreement.signed``.
        schema_version: the version of ``type``'s data shape, from 1.
        data: the event's JSON object (no floats, see docs/audit-format.md).
        metadata: who, when and under which rules.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: EventMetadata

    # The canonical bytes of ``data`` as checked: appending compares against them instead of
    # walking the payload rules a second time (data is a dict, so it could change after).
    _checked_data_json: bytes = PrivateAttr(default=b"")

    def model_post_init(self, context: Any, /) -> None:
        """Apply the payload rules to ``data`` and keep the canonical bytes that passed.

        Here rather than in a field validator so that ``model_construct`` (which skips
        validators but not this) cannot produce an event whose bytes were never checked.
        """
        check_json_object(self.data, "data")
        self._checked_data_json = canonical_payload(self.data, "data")

    @property
    def checked_data_json(self) -> bytes:
        """The canonical (RFC 8785) bytes of ``data`` as it was when it passed the rules."""
        checked: bytes = (self.__pydantic_private__ or {}).get("_checked_data_json", b"")
        return checked

    @field_validator("type", mode="before")
    @classmethod
    def _type_is_stable_string(cls, value: object) -> object:
        _check_type(value)
        return value

    @field_validator("schema_version", mode="before")
    @classmethod
    def _schema_version_in_range(cls, value: object) -> object:
        _check_schema_version(value)
        return value

    def check_header(self) -> None:
        """Check the id, type and schema version again before they are chained and written.

        ``model_copy(update=...)`` skips validation: a copy could carry a type the header's
        JSON cannot hold as formatted, or a version no column can.

        Raises:
            PayloadError: naming the field and the rule.
        """
        if not isinstance(self.event_id, UUID):
            raise PayloadError("event_id", "must be a UUID")
        _check_type(self.type)
        _check_schema_version(self.schema_version)


def _check_type(value: object) -> None:
    if not isinstance(value, str) or _EVENT_TYPE.fullmatch(value) is None:
        raise PayloadError("type", f"must match {EVENT_TYPE_PATTERN}")


def _check_schema_version(value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_SCHEMA_VERSION
    ):
        raise PayloadError("schema_version", f"must be an int in 1..{MAX_SCHEMA_VERSION}")


class RecordedEvent(BaseModel):
    """An event as the store recorded it.

    Attributes:
        global_position: the database's position over all streams (not hashed).
        stream_id: the stream it belongs to.
        stream_version: its position in the stream, 1, 2, 3... without gaps.
        event_id: its idempotency key.
        type: its stable type string.
        schema_version: the data shape's version it was written with (kept forever).
        data: its JSON object, as written (upcasting happens in the codec).
        metadata: who, when and under which rules.
        recorded_at: the appending process's clock when it chained the event (UTC).
        prev_hash: the previous event's ``hash`` in the stream (32 zero bytes for version 1).
        hash: this event's link in the stream's hash chain.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    global_position: int
    stream_id: str
    stream_version: int
    event_id: UUID
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: EventMetadata
    recorded_at: AwareDatetime
    prev_hash: bytes
    hash: bytes
