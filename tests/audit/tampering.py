"""Ways to tamper with an evidence bundle's JSON document, each as a forger would."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import rfc8785

from audit.bundle import FORMAT_VERSION
from eventstore.checkpoints import SigningKey, TreeHead, sign

Tamper = Callable[[dict[str, Any]], None]


def edit_payload(bundle: dict[str, Any]) -> None:
    event = bundle["events"][3]
    data = json.loads(event["data"])
    data["note"] = "approved without reservations"
    event["data"] = json.dumps(data)


def edit_payload_and_rechain(bundle: dict[str, Any]) -> None:
    """A forger who edits a payload and recomputes every digest and link after it."""
    edit_payload(bundle)
    prev = bytes.fromhex(bundle["events"][3]["prev_hash"])
    for event in bundle["events"][3:]:
        event["data_digest"] = hashlib.sha256(rfc8785.dumps(json.loads(event["data"]))).hexdigest()
        event["prev_hash"] = prev.hex()
        parts = b"".join(
            bytes.fromhex(event[name])
            for name in ("header_digest", "data_digest", "metadata_digest")
        )
        prev = hashlib.sha256(prev + parts).digest()
        event["hash"] = prev.hex()


def edit_metadata(bundle: dict[str, Any]) -> None:
    event = bundle["events"][5]
    meta = json.loads(event["metadata"])
    meta["actor_id"] = "approver-someone-else"
    event["metadata"] = rfc8785.dumps(meta).decode()


def edit_record_time(bundle: dict[str, Any]) -> None:
    bundle["events"][2]["recorded_at"] = "2026-01-01T00:00:00.000000Z"


def swap_events(bundle: dict[str, Any]) -> None:
    events = bundle["events"]
    events[2], events[3] = events[3], events[2]


def drop_event(bundle: dict[str, Any]) -> None:
    del bundle["events"][2]


def wrong_proof(bundle: dict[str, Any]) -> None:
    path = bundle["events"][6]["inclusion_proof"]["path"]
    path[1] = hashlib.sha256(b"not a sibling").hexdigest()


def another_events_proof(bundle: dict[str, Any]) -> None:
    events = bundle["events"]
    events[6]["inclusion_proof"] = events[7]["inclusion_proof"]
    events[6]["log_index"] = events[7]["log_index"]


def forge_signature(bundle: dict[str, Any]) -> None:
    signature = bytearray.fromhex(bundle["checkpoint"]["signature"])
    signature[0] ^= 1
    bundle["checkpoint"]["signature"] = signature.hex()


def change_root(bundle: dict[str, Any]) -> None:
    bundle["checkpoint"]["root_hash"] = hashlib.sha256(b"another log").hexdigest()


def resign_with_another_key(bundle: dict[str, Any]) -> None:
    """A whole log rebuilt after the edit, its checkpoint signed by a key of the forger's."""
    checkpoint = bundle["checkpoint"]
    head = TreeHead(
        tree_size=checkpoint["tree_size"],
        root_hash=bytes.fromhex(checkpoint["root_hash"]),
        signed_at=datetime.fromisoformat(checkpoint["signed_at"].replace("Z", "+00:00")),
    )
    bundle["checkpoint"] = sign(head, SigningKey.generate(), "").to_json()


def future_format(bundle: dict[str, Any]) -> None:
    bundle["format_version"] = FORMAT_VERSION + 1
