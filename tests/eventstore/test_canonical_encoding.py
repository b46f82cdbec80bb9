"""The fast canonical encoder is byte-identical to the RFC 8785 reference on admitted payloads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from eventstore.canonical import canonical_json
from eventstore.chain import header_json
from eventstore.model import EVENT_TYPE_PATTERN
from eventstore.payload import MAX_SAFE_INTEGER, check_json_object

# Every character the payload rules admit: all of Unicode but NUL and lone surrogates.
admitted_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | admitted_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(admitted_text, children, max_size=4)
    ),
    max_leaves=24,
)
json_objects = st.dictionaries(admitted_text, json_values, max_size=6)


@settings(max_examples=400, deadline=None)
@given(json_objects)
def test_canonical_json_equals_rfc8785_for_every_admitted_payload(data: dict[str, Any]) -> None:
    check_json_object(data, "data")
    assert canonical_json(data) == rfc8785.dumps(data)


@settings(max_examples=200, deadline=None)
@given(json_objects)
def test_canonical_json_survives_a_jsonb_style_round_trip(data: dict[str, Any]) -> None:
    # What verification does: decode stored JSON (any key order) and encode it again.
    reparsed = orjson.loads(orjson.dumps(data))
    assert canonical_json(reparsed) == canonical_json(data)


def test_keys_beyond_the_bmp_sort_by_utf16_code_units_as_jcs_requires() -> None:
    data = {"\ue000": 1, "\U0001f600": 2}
    # orjson alone sorts by code point and would put U+E000 first; JCS puts the emoji first.
    assert orjson.dumps(data, option=orjson.OPT_SORT_KEYS) != rfc8785.dumps(data)
    assert canonical_json(data) == rfc8785.dumps(data)


stream_ids = st.from_regex(r"\A(agreement|zone)-[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}\Z")
event_types = st.from_regex(EVENT_TYPE_PATTERN.replace("^", r"\A").replace("$", r"\Z"))


@settings(max_examples=200, deadline=None)
@given(
    stream_ids,
    st.integers(min_value=1, max_value=MAX_SAFE_INTEGER),
    st.uuids(),
    event_types,
    st.integers(min_value=1, max_value=32767),
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2999, 12, 31),
        timezones=st.just(UTC) | st.just(None),
    ),
)
def test_formatted_header_is_the_jcs_of_the_header_object(
    stream_id: str,
    version: int,
    event_id: uuid.UUID,
    event_type: str,
    schema_version: int,
    recorded_at: datetime,
) -> None:
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=UTC) + timedelta(hours=5)
    header = {
        "event_id": str(event_id),
        "recorded_at": recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "schema_version": schema_version,
        "stream_id": stream_id,
        "stream_version": version,
        "type": event_type,
    }
    assert header_json(
        stream_id, version, event_id, event_type, schema_version, recorded_at
    ) == rfc8785.dumps(header)
