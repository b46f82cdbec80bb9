"""Value types shared by the domain: money in KZT as Decimal, shares in basis points.

No floats anywhere in payloads: money serialises as a decimal string, shares as integers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer

# Tenge with tiyn precision, never negative, below 10^15 KZT (a quadrillion).
MoneyKZT = Annotated[
    Decimal,
    Field(
        ge=Decimal(0), lt=Decimal(10) ** 15, max_digits=17, decimal_places=2, allow_inf_nan=False
    ),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
]

# A share in basis points: 5000 = 50.00 %.
BasisPoints = Annotated[int, Field(ge=0, le=10_000)]

# A count of people (jobs), of labs, of participants.
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _refuse_nul(text: str) -> str:
    # The event log refuses U+0000 (PostgreSQL's JSON functions cannot hold it): refusing it
    # here makes a command that could never be recorded fail before anything is decided.
    if "\x00" in text:
        raise ValueError("must not contain the NUL character (U+0000)")
    return text


# Free text of the zone's records: names, addresses, notes, references. Never U+0000.
PlainText = Annotated[str, AfterValidator(_refuse_nul)]
