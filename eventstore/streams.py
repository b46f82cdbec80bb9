"""Stream ids and expected versions.

A stream id is ``<category>-<id>``: ``agreement-<agreement id>`` or ``zone-<zone code>``. The
character set is restricted so that ids need no escaping anywhere (JSON, SQL, file names, logs).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, Literal

from eventstore.errors import StreamIdInvalid

STREAM_CATEGORIES: Final = frozenset({"agreement", "zone"})
"""The categories of streams pit keeps; one stream per agreement and one per zone."""

_STREAM_ID = re.compile(r"^([a-z]+)-([A-Za-z0-9][A-Za-z0-9_.:-]{0,127})$")


class AnyVersion(Enum):
    """The type of :data:`ANY`: append whatever version the stream is at."""

    ANY = "any"


ANY: Final = AnyVersion.ANY
"""Expected version meaning "do not check the stream's version"."""

ExpectedVersion = int | Literal[AnyVersion.ANY]
"""An exact version (0: the stream must not exist yet) or :data:`ANY`."""


def validate_stream_id(stream_id: str) -> str:
    """Return ``stream_id`` if it is a valid stream id.

    Raises:
        StreamIdInvalid: naming what is wrong with it.
    """
    if not isinstance(stream_id, str):
        raise StreamIdInvalid(repr(stream_id), "must be a string")
    match = _STREAM_ID.fullmatch(stream_id)
    if match is None:
        raise StreamIdInvalid(
            stream_id,
            "must be <category>-<id> with an id of 1-128 characters from A-Z a-z 0-9 _ . : -",
        )
    if match.group(1) not in STREAM_CATEGORIES:
        raise StreamIdInvalid(
            stream_id, f"unknown category {match.group(1)!r}, known: {sorted(STREAM_CATEGORIES)}"
        )
    return stream_id


def check_expected_version(expected: ExpectedVersion) -> None:
    """Refuse expected versions that are neither :data:`ANY` nor a non-negative int."""
    if expected is ANY:
        return
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise ValueError(f"expected_version must be ANY or an int >= 0, got {expected!r}")
