"""Evolving free customs zone goods declarations (DOMAIN.md §4)."""

from __future__ import annotations

from domain.agreement.events import (
    GoodsConsumptionConfirmed,
    GoodsConsumptionDeclared,
    GoodsDeclarationRejected,
)
from domain.agreement.records import GoodsDeclarationRecord
from domain.agreement.state import AgreementState, Updates
from domain.agreement.vocabulary import DeclarationStatus


def declared(state: AgreementState, event: GoodsConsumptionDeclared) -> Updates:
    """A declaration awaiting staff (its id is taken)."""
    record = GoodsDeclarationRecord(declaration_id=event.declaration_id, goods=event.goods)
    return {
        "goods": {**state.goods, event.declaration_id: record},
        "ids": state.ids | {event.declaration_id},
    }


def confirmed(state: AgreementState, event: GoodsConsumptionConfirmed) -> Updates:
    """Confirmed, with the document number for customs."""
    record = state.goods[event.declaration_id].model_copy(
        update={"status": DeclarationStatus.CONFIRMED, "document_number": event.document_number}
    )
    return {"goods": {**state.goods, event.declaration_id: record}}


def rejected(state: AgreementState, event: GoodsDeclarationRejected) -> Updates:
    """Rejected."""
    record = state.goods[event.declaration_id].model_copy(
        update={"status": DeclarationStatus.REJECTED}
    )
    return {"goods": {**state.goods, event.declaration_id: record}}
