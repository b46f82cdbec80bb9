"""Codec and upcasting: stored versions decode into the current model, or fail loudly."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from domain.values import BasisPoints, Count, MoneyKZT
from eventstore import (
    EventCodec,
    EventRegistry,
    InMemoryEventStore,
    PayloadError,
    UnknownEventType,
    UpcastError,
)
from tests.eventstore.builders import metadata

SAMPLES = Path(__file__).parent / "samples"


class ObligationsPlanned(BaseModel):
    """A test event type at its third schema version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["test.obligations_planned"] = "test.obligations_planned"
    schema_version: Literal[3] = 3
    year: int
    investment_kzt: MoneyKZT
    jobs: Count
    kz_content_bp: BasisPoints


class Floaty(BaseModel):
    type: Literal["test.floaty"] = "test.floaty"
    schema_version: Literal[1] = 1
    share: float


def _registry() -> EventRegistry:
    registry = EventRegistry()
    registry.register(ObligationsPlanned)
    registry.register(Floaty)

    @registry.upcaster("test.obligations_planned", 1)
    def rename_investment(data: dict[str, Any]) -> dict[str, Any]:
        data["investment_kzt"] = data.pop("investment")
        return data

    @registry.upcaster("test.obligations_planned", 2)
    def add_kz_content(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "kz_content_bp": 0}

    return registry


def _sample(version: int) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (SAMPLES / f"obligations_planned.v{version}.json").read_text(encoding="utf-8")
    )
    return loaded


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_stored_sample_version_decodes_into_the_current_model(version: int) -> None:
    sample = _sample(version)
    decoded = EventCodec(_registry()).decode_data(
        sample["type"], sample["schema_version"], sample["data"]
    )
    assert decoded == ObligationsPlanned(
        year=2025, investment_kzt=Decimal("1250000.00"), jobs=12, kz_content_bp=0
    )


def test_encoding_keeps_type_and_version_in_columns_and_money_as_a_string() -> None:
    codec = EventCodec(_registry())
    model = ObligationsPlanned(
        year=2026, investment_kzt=Decimal("10.50"), jobs=3, kz_content_bp=5000
    )
    new = codec.encode(model, event_id=uuid.uuid4(), metadata=metadata())
    assert (new.type, new.schema_version) == ("test.obligations_planned", 3)
    assert new.data == {"year": 2026, "investment_kzt": "10.50", "jobs": 3, "kz_content_bp": 5000}


async def test_encoded_event_round_trips_through_a_store() -> None:
    codec, store = EventCodec(_registry()), InMemoryEventStore()
    model = ObligationsPlanned(year=2026, investment_kzt=Decimal("1.00"), jobs=1, kz_content_bp=1)
    await store.append(
        "agreement-7", [codec.encode(model, event_id=uuid.uuid4(), metadata=metadata())], 0
    )
    [recorded] = await store.read_stream("agreement-7")
    assert codec.decode(recorded) == model


def test_encoding_an_invalid_model_names_the_field() -> None:
    invalid = ObligationsPlanned.model_construct(
        year=2026, investment_kzt=Decimal("1.00"), jobs=-1, kz_content_bp=0
    )
    with pytest.raises(PayloadError) as refused:
        EventCodec(_registry()).encode(invalid, event_id=uuid.uuid4(), metadata=metadata())
    assert refused.value.field == "data.jobs"


def test_encoding_a_model_with_a_float_is_refused() -> None:
    with pytest.raises(PayloadError, match="no floats"):
        EventCodec(_registry()).encode(
            Floaty(share=0.5), event_id=uuid.uuid4(), metadata=metadata()
        )


def test_unknown_type_on_read_raises_unknown_event_type() -> None:
    with pytest.raises(UnknownEventType):
        EventCodec(_registry()).decode_data("test.never_registered", 1, {})


def test_missing_upcaster_step_raises_upcast_error() -> None:
    registry = EventRegistry()
    registry.register(ObligationsPlanned)
    with pytest.raises(UpcastError, match="no upcaster from v1"):
        EventCodec(registry).decode_data("test.obligations_planned", 1, _sample(1)["data"])


def test_stored_version_newer_than_the_model_raises_upcast_error() -> None:
    with pytest.raises(UpcastError, match="newer"):
        EventCodec(_registry()).decode_data("test.obligations_planned", 4, {})


def test_registering_a_model_without_literal_defaults_is_refused() -> None:
    class Loose(BaseModel):
        type: str
        schema_version: int

    with pytest.raises(ValueError, match="Literal"):
        EventRegistry().register(Loose)
