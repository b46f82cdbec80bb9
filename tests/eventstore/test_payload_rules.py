"""Payload rules: what may be stored, refused before anything is written, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from eventstore import InMemoryEventStore, PayloadError, StreamIdInvalid, validate_stream_id
from eventstore.payload import MAX_CANONICAL_BYTES, MAX_DEPTH, check_json_object
from tests.eventstore.builders import event, metadata


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"inner": value}
    return value


@pytest.mark.parametrize(
    ("data", "field", "rule_words"),
    [
        (
            {"planned_obligations": [{}, {}, {"jobs": 1.5}]},
            "data.planned_obligations[2].jobs",
            "float",
        ),
        ({"amount": 2**53}, "data.amount", "2^53"),
        ({"amount": -(2**53)}, "data.amount", "2^53"),
        ({"name": "a\x00b"}, "data.name", "NUL"),
        ({"a\x00": 1}, "data['a\\x00']", "NUL"),
        ({"name": "\ud800"}, "data.name", "surrogate"),
        ({1: "one"}, "data.1", "keys must be strings"),
        ({"when": object()}, "data.when", "only str, int"),
        ({"items": [1, {"x": {2, 3}}]}, "data.items[1].x", "only str, int"),
    ],
)
def test_payload_rule_violation_names_the_field_and_the_rule(
    data: dict[Any, Any], field: str, rule_words: str
) -> None:
    with pytest.raises(PayloadError) as refused:
        check_json_object(data, "data")
    assert refused.value.field == field
    assert rule_words in refused.value.rule


def test_admitted_payload_passes_every_rule() -> None:
    check_json_object(
        {"s": "Алматы ✓ 😀", "n": -(2**53) + 1, "b": True, "z": None, "l": [[], {}], "m": "1.50"},
        "data",
    )


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    check_json_object(_nested(MAX_DEPTH), "data")
    with pytest.raises(PayloadError, match="nesting"):
        check_json_object(_nested(MAX_DEPTH + 1), "data")


def test_data_must_be_an_object() -> None:
    with pytest.raises(PayloadError) as refused:
        check_json_object([1, 2], "data")
    assert refused.value.field == "data"


def test_new_event_with_a_float_is_refused_on_construction() -> None:
    with pytest.raises(PayloadError) as refused:
        event({"investment_kzt": 1250000.5})
    assert refused.value.field == "data.investment_kzt"


def test_new_event_type_must_be_a_stable_string() -> None:
    with pytest.raises(PayloadError) as refused:
        event(type="pit.domain.events.AgreementSigned()")
    assert refused.value.field == "type"


async def test_append_refuses_data_mutated_after_construction_before_writing() -> None:
    store = InMemoryEventStore()
    new = event({"jobs": 1})
    new.data["jobs"] = 0.5
    with pytest.raises(PayloadError) as refused:
        await store.append("agreement-1", [new], 0)
    assert refused.value.field == "events[0].data.jobs"
    assert await store.stream_version("agreement-1") == 0


async def test_oversized_payload_is_refused_before_writing() -> None:
    store = InMemoryEventStore()
    with pytest.raises(PayloadError, match="larger than"):
        await store.append("agreement-1", [event({"blob": "x" * MAX_CANONICAL_BYTES})], 0)
    assert await store.stream_version("agreement-1") == 0


def test_metadata_with_a_nul_is_refused_naming_the_metadata_field() -> None:
    with pytest.raises(PayloadError) as refused:
        metadata(actor_id="a\x00")
    assert refused.value.field == "metadata.actor_id"


async def test_metadata_changed_by_an_unvalidated_copy_is_refused_at_append() -> None:
    store = InMemoryEventStore()
    tampered = metadata().model_copy(update={"actor_id": "a\x00"})
    with pytest.raises(PayloadError) as refused:
        await store.append("agreement-1", [event(metadata=tampered)], 0)
    assert refused.value.field == "events[0].metadata.actor_id"
    assert await store.stream_version("agreement-1") == 0


@pytest.mark.parametrize("stream_id", ["agreement-42", "zone-PIT", "agreement-A.1:2_3-x"])
def test_valid_stream_ids_are_accepted(stream_id: str) -> None:
    assert validate_stream_id(stream_id) == stream_id


@pytest.mark.parametrize(
    "stream_id",
    ["agreement", "agreement-", "Agreement-1", "participant-1", "agreement-a b", 'zone-"x"', ""],
)
def test_malformed_stream_ids_are_refused(stream_id: str) -> None:
    with pytest.raises(StreamIdInvalid):
        validate_stream_id(stream_id)
