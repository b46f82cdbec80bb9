"""Events of free customs zone goods (DOMAIN.md §4, Decree 1166 Reg. §9.9, §11, §13)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.agreement.values import GoodsConsumption, Reference, Text
from domain.event import DomainEvent


class GoodsConsumptionDeclared(DomainEvent):
    """The participant declared the consumption of goods imported under the free customs zone
    regime."""

    type: Literal["GoodsConsumptionDeclared"] = "GoodsConsumptionDeclared"
    schema_version: Literal[1] = 1
    declaration_id: Reference
    goods: GoodsConsumption


class GoodsConsumptionConfirmed(DomainEvent):
    """Staff confirmed the actual consumption [Reg. §9.9]; ``document_number`` names the
    confirmation the customs authority receives."""

    type: Literal["GoodsConsumptionConfirmed"] = "GoodsConsumptionConfirmed"
    schema_version: Literal[1] = 1
    declaration_id: Reference
    document_number: Reference


class GoodsDeclarationRejected(DomainEvent):
    """Staff rejected the declaration."""

    type: Literal["GoodsDeclarationRejected"] = "GoodsDeclarationRejected"
    schema_version: Literal[1] = 1
    declaration_id: Reference
    reasons: tuple[Text, ...] = Field(min_length=1)
