"""Canonical JSON: RFC 8785 (JCS) bytes for every payload the payload rules admit.

orjson with sorted keys produces JCS for our payloads (no floats, integers within 2^53,
valid Unicode) with one exception: JCS sorts keys by UTF-16 code units, orjson by code
points, and the two orders differ only when a key holds a character beyond U+FFFF. Such a
character encodes as a 4-byte UTF-8 sequence (lead byte F0..F4), so the fast path checks its
own output for one and hands the payload to the reference ``rfc8785`` package if it finds it.
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

from eventstore.errors import PayloadError
from eventstore.payload import MAX_CANONICAL_BYTES, RULE_SIZE


def canonical_json(value: Any) -> bytes:
    """Encode a payload-rule-abiding value as RFC 8785 canonical JSON bytes.

    Args:
        value: a JSON value already checked by :func:`eventstore.payload.check_json_object`.

    Returns:
        The UTF-8 bytes of its JCS serialisation.
    """
    encoded = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    # Five memchr scans are cheaper than one regex search.
    if encoded.isascii() or not (
        b"\xf0" in encoded
        or b"\xf1" in encoded
        or b"\xf2" in encoded
        or b"\xf3" in encoded
        or b"\xf4" in encoded
    ):
        return encoded
    return bytes(rfc8785.dumps(value))


def canonical_payload(value: Any, field: str) -> bytes:
    """Like :func:`canonical_json`, refusing encodings larger than the size limit.

    Raises:
        PayloadError: when the canonical bytes exceed ``MAX_CANONICAL_BYTES``.
    """
    encoded = canonical_json(value)
    if len(encoded) > MAX_CANONICAL_BYTES:
        raise PayloadError(field, RULE_SIZE)
    return encoded
