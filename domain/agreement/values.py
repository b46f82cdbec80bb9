"""Small values the agreement's events and state share: due dates, findings, shortfalls.

No floats: amounts and quantities are Decimals that serialise as plain decimal strings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)

from domain.agreement.vocabulary import (
    BreachGroundKind,
    FreeZoneOperation,
    GoodsCategory,
    ObligationMetric,
)
from domain.values import MoneyKZT, PlainText, at_most_places

# A planned or actual figure of an obligation (KZT, jobs or basis points), compared as a Decimal.
Amount = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
]

# A quantity of goods in its unit of measure (pieces, kg, m³...), never negative.
Quantity = Annotated[
    Decimal,
    Field(ge=Decimal(0), lt=Decimal(10) ** 15, decimal_places=6, allow_inf_nan=False),
    AfterValidator(at_most_places(6)),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
]

Text = Annotated[PlainText, Field(min_length=1, max_length=5_000)]

MAX_TEXTS_LENGTH = 100_000
"""Most characters a list of texts holds in all: 100 texts of 5,000 characters (each up to 6
bytes in JSON, as ``\\u001f``) would make an event larger than the log's 1 MiB limit."""


def _texts_within_limit(texts: tuple[str, ...]) -> tuple[str, ...]:
    if sum(len(text) for text in texts) > MAX_TEXTS_LENGTH:
        raise ValueError(f"the texts may hold at most {MAX_TEXTS_LENGTH} characters in all")
    return texts


# Items of a request for changes, reasons of a return or a rejection: 1 to 100 texts.
Texts = Annotated[
    tuple[Text, ...], Field(min_length=1, max_length=100), AfterValidator(_texts_within_limit)
]
Reference = Annotated[PlainText, Field(min_length=1, max_length=200)]
# A generated document (a notice to a government body), kept whole in the event.
Document = Annotated[PlainText, Field(min_length=1, max_length=20_000)]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Due(_Value):
    """A due date and the legal basis of the term that set it.

    The deadline runs until the end of that day in Almaty (``domain.calendar.end_of_day``).
    """

    on: date
    legal_basis: tuple[str, ...]


class Reason(_Value):
    """One reason of a refusal, with its legal basis."""

    code: str
    message: str
    legal_basis: tuple[str, ...]
    field: str | None = None


class ReportDue(_Value):
    """The annual report on one year and the day it is due."""

    year: int
    due: Due


class Shortfall(_Value):
    """One obligation of one year that the actuals fell short of [Decree 1166 Reg. §9.10]."""

    year: int
    metric: ObligationMetric
    planned: Amount
    actual: Amount


class BreachGround(_Value):
    """An open monitoring issue that may ground a breach notice.

    ``reference`` says which: the metric of a shortfall, the year of an overdue report, the id of
    a site visit.
    """

    kind: BreachGroundKind
    year: int | None = None
    reference: str


class GoodsConsumption(_Value):
    """A declaration of goods imported under the free customs zone regime and consumed
    [Decree 1166 Reg. §9.9, §13].

    ``hs_code`` is the code of the Commodity Nomenclature of Foreign Economic Activity, 4 to 10
    digits. What may be imported (``category``) and done with it (``operation``) are the lists of
    Reg. §13.
    """

    description: Annotated[PlainText, Field(min_length=2, max_length=2_000)]
    hs_code: Annotated[str, Field(pattern=r"^\d{4,10}$")]
    unit: Annotated[PlainText, Field(min_length=1, max_length=20)]
    quantity_imported: Quantity
    value_imported_kzt: MoneyKZT
    quantity_consumed: Quantity
    consumption: Annotated[PlainText, Field(min_length=2, max_length=2_000, description="How")]
    category: GoodsCategory
    operation: FreeZoneOperation
    excisable: bool

    @field_validator("quantity_consumed")
    @classmethod
    def _consumed_at_most_imported(cls, consumed: Decimal, info: ValidationInfo) -> Decimal:
        # A field validator, so that the error names quantity_consumed (quantity_imported is
        # validated before it; when it failed, its own error says so).
        imported = info.data.get("quantity_imported")
        if imported is not None and consumed > imported:
            raise ValueError("quantity_consumed cannot exceed quantity_imported")
        return consumed
