"""A rebuild decodes agreement events straight from the stored bytes: it must give what the
workflows' codec gives, for every stored sample of every type and version, and refuse what the
codec refuses, in the codec's words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from activities.event_log import domain_codec
from eventstore import UnknownEventType, UpcastError
from eventstore.canonical import canonical_json
from projections.decoding import AGREEMENT_EVENTS, decode_stored
from projections.errors import StreamNotProjectable

SAMPLES = sorted((Path(__file__).parent.parent / "integration" / "samples").glob("*.json"))
AGREEMENT_TYPES = {model.model_fields["type"].default for model in AGREEMENT_EVENTS}


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


AGREEMENT_SAMPLES = [p for p in SAMPLES if _load(p)["type"] in AGREEMENT_TYPES]
OTHER_SAMPLES = [p for p in SAMPLES if _load(p)["type"] not in AGREEMENT_TYPES]


def test_there_is_a_stored_sample_of_every_agreement_event_type() -> None:
    assert {_load(p)["type"] for p in AGREEMENT_SAMPLES} == AGREEMENT_TYPES


@pytest.mark.parametrize("path", AGREEMENT_SAMPLES, ids=lambda p: p.stem)
def test_an_event_decoded_from_its_stored_bytes_is_the_one_the_codec_decodes(path: Path) -> None:
    sample = _load(path)
    stored = canonical_json(sample["data"])  # as the store writes it

    decoded = decode_stored(sample["type"], sample["schema_version"], stored)

    expected = domain_codec().decode_data(sample["type"], sample["schema_version"], sample["data"])
    assert type(decoded) is type(expected)
    assert decoded == expected
    assert decoded.model_fields_set == expected.model_fields_set


@pytest.mark.parametrize("path", OTHER_SAMPLES, ids=lambda p: p.stem)
def test_an_event_of_another_kind_is_not_projectable(path: Path) -> None:
    sample = _load(path)
    with pytest.raises(StreamNotProjectable, match=sample["type"]):
        decode_stored(sample["type"], sample["schema_version"], canonical_json(sample["data"]))


def test_what_the_codec_refuses_is_refused_in_its_words() -> None:
    sample = _load(AGREEMENT_SAMPLES[0])
    broken = {**sample["data"], "occurred_at": "not a time"}

    with pytest.raises(UpcastError) as codec_says:
        domain_codec().decode_data(sample["type"], sample["schema_version"], broken)
    with pytest.raises(UpcastError) as rebuild_says:
        decode_stored(sample["type"], sample["schema_version"], canonical_json(broken))
    assert str(rebuild_says.value) == str(codec_says.value)

    with pytest.raises(UnknownEventType):
        decode_stored("NoSuchEvent", 1, b"{}")
    with pytest.raises(UpcastError):
        decode_stored(sample["type"], 99, canonical_json(sample["data"]))
