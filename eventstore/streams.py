"""Stream ids and expected versions.

A stream id is ``<category>-<id>``: ``agreement-<agreement id>`` or ``zone-<zone code>``. The
character set is restricted so that ids need no escaping anywhere (JSON, SQL, file names, logs).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, Literal, NamedTuple

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


_PREFIX = re.compile(r"^[A-Za-z0-9_.:-]{0,140}$")
# A listing's cursor: where the previous page ended, a stream id or any string of its characters.
_AFTER = re.compile(r"^[A-Za-z0-9_.:-]{0,200}$")
# Every character a stream id may hold sorts before DEL (U+007F), in byte order and in Python's.
_AFTER_EVERY_ID = "\x7f"


class StreamRange(NamedTuple):
    """The stream ids a listing covers: from ``lower`` (``inclusive`` or not) to below ``upper``."""

    lower: str
    inclusive: bool
    upper: str

    def holds(self, stream_id: str) -> bool:
        """Whether ``stream_id`` is in the range."""
        above = stream_id >= self.lower if self.inclusive else stream_id > self.lower
        return above and stream_id < self.upper


def stream_range(prefix: str, after: str | None, limit: int, most: int) -> StreamRange:
    """The range of ids that start with ``prefix`` and come after ``after``.

    Ids sort by their bytes (the column's "C" collation); stream ids are ASCII, so Python's
    order of ``str`` is the same, and the ids starting with a prefix are exactly those from the
    prefix up to the prefix with its last character incremented.

    Raises:
        ValueError: a prefix with characters no stream id has, or ``limit`` outside 1..most.
    """
    if not isinstance(prefix, str) or _PREFIX.fullmatch(prefix) is None:
        raise ValueError(f"a stream prefix is up to 140 of A-Z a-z 0-9 _ . : -, not {prefix!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise ValueError(f"limit must be from 1 to {most}, got {limit!r}")
    # Checked like the prefix: a cursor with other characters (a NUL, a lone surrogate) could
    # not even be sent to PostgreSQL.
    if after is not None and (not isinstance(after, str) or _AFTER.fullmatch(after) is None):
        raise ValueError(f"after is up to 200 of A-Z a-z 0-9 _ . : -, not {after!r}")
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else _AFTER_EVERY_ID
    if after is None or after < prefix:
        return StreamRange(prefix, True, upper)
    return StreamRange(after, False, upper)
