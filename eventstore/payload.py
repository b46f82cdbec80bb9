"""Payload rules: what an event's data and metadata may contain, checked before any write.

The rules keep every stored value exactly representable in PostgreSQL's jsonb and in
RFC 8785 (JCS), so that the bytes an auditor recomputes are the bytes that were hashed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eventstore.errors import PayloadError

MAX_DEPTH = 32
"""Deepest nesting of objects and arrays, the root object being depth 1."""

MAX_CANONICAL_BYTES = 1 << 20
"""Largest canonical encoding of one event's data (or metadata): 1 MiB."""

MAX_SAFE_INTEGER = 2**53 - 1
"""Integers beyond ±(2^53 - 1) are not exact in JSON numbers (IEEE 754 doubles)."""

RULE_OBJECT = "must be a JSON object"
RULE_KEY_TYPE = "object keys must be strings"
RULE_FLOAT = "no floats: money is a decimal string, shares are integer basis points"
RULE_INT_RANGE = "integers must be within ±(2^53 - 1)"
RULE_NUL = "no NUL (U+0000) characters: PostgreSQL's JSON functions refuse them"
RULE_SURROGATE = "strings must be valid Unicode (no lone surrogates)"
RULE_DEPTH = f"nesting deeper than {MAX_DEPTH} levels"
RULE_TYPE = "only str, int, bool, None, lists and objects are allowed"
RULE_SIZE = f"canonical JSON larger than {MAX_CANONICAL_BYTES} bytes"


class _Violation(Exception):
    """Internal: carries the rule up the recursion while each level adds its path step."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.steps: list[str] = []


def check_json_object(value: object, root: str) -> None:
    """Check that ``value`` is a JSON object the store admits.

    Args:
        value: the candidate object (an event's data, or its metadata as a JSON object).
        root: the path prefix used in errors, e.g. ``"data"``.

    Raises:
        PayloadError: naming the offending field path and the rule it breaks.
    """
    if not isinstance(value, Mapping):
        raise PayloadError(root, RULE_OBJECT)
    try:
        _check_mapping(value, 1)
    except _Violation as violation:
        raise PayloadError(root + "".join(reversed(violation.steps)), violation.rule) from None


def _check_string(text: str) -> None:
    if "\x00" in text:
        raise _Violation(RULE_NUL)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise _Violation(RULE_SURROGATE) from None


def _check_mapping(mapping: Mapping[object, object], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Violation(RULE_DEPTH)
    for key, item in mapping.items():
        try:
            if not isinstance(key, str):
                raise _Violation(RULE_KEY_TYPE)
            _check_string(key)
            _check_value(item, depth)
        except _Violation as violation:
            violation.steps.append(_key_step(key))
            raise


def _key_step(key: object) -> str:
    """A key's step in an error's field path: ``.name``, or ``[repr]`` for a key that is not
    printable text (a NUL, a lone surrogate...), whose repr escapes it, so that the error can
    itself be logged and sent."""
    if isinstance(key, str):
        return f".{key}" if key.isprintable() else f"[{key!r}]"
    return f".{key!r}"


def _check_sequence(items: Sequence[object], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Violation(RULE_DEPTH)
    for index, item in enumerate(items):
        try:
            _check_value(item, depth)
        except _Violation as violation:
            violation.steps.append(f"[{index}]")
            raise


def _check_value(item: object, depth: int) -> None:
    # Exact-type tests first: they are the common case and the cheapest.
    kind = type(item)
    if kind is str:
        _check_string(item)  # type: ignore[arg-type]
    elif kind is bool or item is None:
        return
    elif kind is int:
        if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            raise _Violation(RULE_INT_RANGE)
    elif kind is dict:
        _check_mapping(item, depth + 1)  # type: ignore[arg-type]
    elif kind is list or kind is tuple:
        _check_sequence(item, depth + 1)  # type: ignore[arg-type]
    elif isinstance(item, float):
        raise _Violation(RULE_FLOAT)
    elif isinstance(item, str):  # StrEnum and other str subclasses encode as their value
        _check_string(item)
    elif isinstance(item, int) and not isinstance(item, bool):
        if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
            raise _Violation(RULE_INT_RANGE)
    else:
        raise _Violation(f"{RULE_TYPE}, got {kind.__name__}")
