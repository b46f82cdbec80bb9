"""The stored sample of every domain event type still reads as it was written.

A sample stands for events already in the log, which keep their type and schema_version
forever: if a model's shape changes, reading a sample of its current version no longer gives
back the same data and these tests fail. The fix is a new schema_version with an upcaster and
a new sample (``python -m tests.integration.make_samples``), never an edited sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from activities.event_log import domain_codec, to_new_event
from domain.event import DomainEvent
from tests.integration.make_samples import SAMPLES, registered_types, sample_path

SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))


def _read(path: Path) -> dict[str, Any]:
    sample: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return sample


def test_every_registered_event_type_has_a_sample_of_its_current_version() -> None:
    types = registered_types()

    missing = [
        f"{event_type} v{version}"
        for event_type, version in sorted(types.items())
        if not sample_path(event_type, version).exists()
    ]

    assert not missing, f"no sample of {missing}: run python -m tests.integration.make_samples"
    # The unions hold 42 agreement and 3 zone events: an enumeration that found none (or lost
    # some) would make the check above pass vacuously.
    assert len(types) >= 45


def test_every_sample_is_of_a_registered_type_and_version_and_named_for_it() -> None:
    types = registered_types()

    for path in SAMPLE_FILES:
        sample = _read(path)
        assert set(sample) == {"type", "schema_version", "data"}, path.name
        assert sample["type"] in types, f"{path.name}: type no longer registered"
        assert 1 <= sample["schema_version"] <= types[sample["type"]], path.name
        assert path == sample_path(sample["type"], sample["schema_version"])


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.stem for p in SAMPLE_FILES])
def test_sample_decodes_and_encodes_back_to_the_stored_data(path: Path) -> None:
    sample = _read(path)
    current = registered_types()[sample["type"]]

    event = domain_codec().decode_data(sample["type"], sample["schema_version"], sample["data"])

    assert isinstance(event, DomainEvent)
    assert event.type == sample["type"]
    if sample["schema_version"] == current:
        # Encoding it again, as an append would, gives exactly the stored data.
        encoded = to_new_event(event, event_id=UUID(int=0), correlation_id="sample")
        assert (encoded.type, encoded.schema_version) == (sample["type"], current)
        assert encoded.data == sample["data"]
    # An older version only has to be lifted (by its upcasters) to a valid current event, as
    # decoding it just did.
