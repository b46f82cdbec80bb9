"""Deciding free customs zone goods (DOMAIN.md §4): declared by the participant, confirmed or
rejected by staff [Decree 1166 Reg. §9.9, §11, §13]."""

from __future__ import annotations

from domain.agreement.commands import (
    ConfirmGoodsConsumption,
    DeclareGoodsConsumption,
    RejectGoodsDeclaration,
)
from domain.agreement.context import DecisionContext
from domain.agreement.events import (
    AgreementEvent,
    GoodsConsumptionConfirmed,
    GoodsConsumptionDeclared,
    GoodsDeclarationRejected,
)
from domain.agreement.guards import LIFECYCLE_BASIS, require_new_id, require_status
from domain.agreement.records import GoodsDeclarationRecord
from domain.agreement.state import AgreementState
from domain.agreement.vocabulary import IN_FORCE, DeclarationStatus, GoodsCategory
from domain.errors import InvalidInput, InvalidTransition, RuleViolation
from domain.legal_basis import REG_9_9, REG_11, REG_13

GOODS_BASIS = (REG_9_9, REG_11, REG_13)


def declare_goods_consumption(
    command: DeclareGoodsConsumption, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Take a declaration; excisable goods are never goods for processing [Reg. §13.2]."""
    require_status(state, IN_FORCE, command)
    require_new_id(state, command.declaration_id, "declaration_id")
    goods = command.goods
    if goods.excisable and goods.category is GoodsCategory.PROCESSING:
        raise RuleViolation(
            "excisable goods may not be placed under the free customs zone regime for processing",
            (REG_13,),
            code="excisable_goods_for_processing",
            field="goods.excisable",
        )
    return [
        GoodsConsumptionDeclared(
            **ctx.stamp(*GOODS_BASIS), declaration_id=command.declaration_id, goods=goods
        )
    ]


def _declared(state: AgreementState, declaration_id: str) -> GoodsDeclarationRecord:
    declaration = state.goods.get(declaration_id)
    if declaration is None:
        raise InvalidInput(
            f"no declaration {declaration_id!r}",
            code="unknown_declaration",
            field="declaration_id",
        )
    if declaration.status is not DeclarationStatus.DECLARED:
        raise InvalidTransition(
            f"declaration {declaration_id} is {declaration.status.value} already",
            (LIFECYCLE_BASIS,),
            code="declaration_settled",
        )
    return declaration


def confirm_goods_consumption(
    command: ConfirmGoodsConsumption, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Confirm the actual consumption; the document number goes to the customs authority."""
    require_status(state, IN_FORCE, command)
    _declared(state, command.declaration_id)
    return [
        GoodsConsumptionConfirmed(
            **ctx.stamp(REG_9_9),
            declaration_id=command.declaration_id,
            document_number=command.document_number,
        )
    ]


def reject_goods_declaration(
    command: RejectGoodsDeclaration, state: AgreementState, ctx: DecisionContext
) -> list[AgreementEvent]:
    """Reject a declaration, with the reasons."""
    require_status(state, IN_FORCE, command)
    _declared(state, command.declaration_id)
    return [
        GoodsDeclarationRejected(
            **ctx.stamp(REG_9_9), declaration_id=command.declaration_id, reasons=command.reasons
        )
    ]
