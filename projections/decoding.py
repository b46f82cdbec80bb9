"""Agreement events decoded by the workflows' codec (activities/event_log.py), from a recorded
event or straight from the stored JSON bytes.

A rebuild decodes every event of the log, and most of that time went to building a dict of the
payload and then validating it: :func:`decode_stored` lets pydantic validate the stored bytes
in one pass instead. It gives the model the codec gives (same class, same values, same fields
set), and anything it cannot take that way (an older schema version to upcast, a payload that
does not validate) goes through the codec itself, which lifts it or raises its own error.
"""

from __future__ import annotations

from typing import cast, get_args

import orjson
from pydantic import BaseModel, ValidationError

from activities.event_log import domain_codec
from domain.agreement import AgreementEvent
from eventstore import RecordedEvent
from projections.errors import StreamNotProjectable

AGREEMENT_EVENTS = cast(tuple[type[BaseModel], ...], get_args(get_args(AgreementEvent)[0]))
"""Every agreement event model (the members of the ``AgreementEvent`` union)."""


def _current() -> dict[str, tuple[type[BaseModel], int, bytes]]:
    # Per type: its model, its schema version, and the JSON the codec adds to the stored data
    # (``type`` and ``schema_version`` live in the events table's columns, not in ``data``).
    found = {}
    for model in AGREEMENT_EVENTS:
        fields = model.model_fields
        event_type, version = fields["type"].default, fields["schema_version"].default
        head = orjson.dumps({"type": event_type, "schema_version": version})[:-1]
        found[event_type] = (model, version, head)
    return found


_CURRENT = _current()


def decode_agreement_event(recorded: RecordedEvent) -> AgreementEvent:
    """The domain event of a recorded agreement event (older schema versions lifted).

    Raises:
        StreamNotProjectable: the event is of another kind than an agreement's.
        UnknownEventType, UpcastError: the codec cannot read it.
    """
    model = domain_codec().decode(recorded)
    if not isinstance(model, AGREEMENT_EVENTS):
        raise StreamNotProjectable(
            f"{recorded.stream_id} v{recorded.stream_version}: {recorded.type} is no agreement "
            "event"
        )
    return cast(AgreementEvent, model)


def decode_stored(event_type: str, schema_version: int, data: bytes) -> AgreementEvent:
    """The domain event of a stored agreement event, from its columns (``data`` as the stored
    bytes).

    Raises:
        StreamNotProjectable: the event is of another kind than an agreement's.
        UnknownEventType, UpcastError: the codec cannot read it.
    """
    known = _CURRENT.get(event_type)
    if known is not None and known[1] == schema_version:
        model, _, head = known
        # {"type":..,"schema_version":.., + the stored object's members: what the codec
        # validates. Stored data is canonical JSON, an object with members; anything else
        # fails here and goes to the codec.
        try:
            return cast(AgreementEvent, model.model_validate_json(head + b"," + data[1:]))
        except ValidationError:
            pass  # the codec says what is wrong with it, in its own words
    decoded = domain_codec().decode_data(event_type, schema_version, orjson.loads(data))
    if not isinstance(decoded, AGREEMENT_EVENTS):
        raise StreamNotProjectable(f"{event_type} is no agreement event")
    return cast(AgreementEvent, decoded)
