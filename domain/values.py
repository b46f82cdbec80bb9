"""Value types shared by the domain: money in KZT as Decimal, shares in basis points.

No floats anywhere in payloads: money serialises as a decimal string, shares as integers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer


def at_most_places(places: int) -> Callable[[Decimal], Decimal]:
    """An after-validator writing a decimal with at most ``places`` decimal places.

    ``decimal_places`` checks the normalised value, so ``0E-1000000000`` passes it as 0, yet
    it prints as a billion zeros: 14 characters of input would become a gigabyte of event.
    The value is already known to need no more places, so this rescaling is exact.
    """
    step = Decimal(1).scaleb(-places)

    def rescale(value: Decimal) -> Decimal:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            return value.quantize(step)
        return value

    return rescale


# Tenge with tiyn precision, never negative, below 10^15 KZT (a quadrillion).
MoneyKZT = Annotated[
    Decimal,
    Field(
        ge=Decimal(0), lt=Decimal(10) ** 15, max_digits=17, decimal_places=2, allow_inf_nan=False
    ),
    AfterValidator(at_most_places(2)),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
]

# A share in basis points: 5000 = 50.00 %.
BasisPoints = Annotated[int, Field(ge=0, le=10_000)]

# A count of people (jobs), of labs, of participants.
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _recordable(text: str) -> str:
    # The event log refuses U+0000 (PostgreSQL's JSON functions cannot hold it) and lone
    # surrogates (not UTF-8): refusing them here makes a command that could never be recorded
    # fail before anything is decided.
    if "\x00" in text:
        raise ValueError("must not contain the NUL character (U+0000)")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return text


# Free text of the zone's records: names, addresses, notes, references. Never U+0000 or a lone
# surrogate.
PlainText = Annotated[str, AfterValidator(_recordable)]

MAX_NESTING = 16
"""Deepest nesting of lists and objects a command's field may hold (forms need four)."""


def refuse_deep_nesting(value: object) -> object:
    """A before-validator refusing a value nested deeper than :data:`MAX_NESTING` levels.

    pydantic looks a value that is no member of a StrEnum up by calling the enum, whose error
    message is the value's repr: for a list nested a thousand deep that repr raises
    RecursionError, which would escape as is. Walked with a stack, not recursion.
    """
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple | set | frozenset):
            children = item
        else:
            continue
        if depth >= MAX_NESTING:
            raise ValueError(f"must not be nested deeper than {MAX_NESTING} levels")
        pending.extend((child, depth + 1) for child in children)
    return value
