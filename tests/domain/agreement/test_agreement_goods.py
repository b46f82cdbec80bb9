"""Free customs zone goods: declared by the participant, confirmed or rejected by staff
(DOMAIN.md §4, Decree 1166 Reg. §9.9, §11, §13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.agreement.commands import (
    ConfirmGoodsConsumption,
    DeclareGoodsConsumption,
    RejectGoodsDeclaration,
)
from domain.agreement.events import GoodsConsumptionConfirmed, GoodsConsumptionDeclared
from domain.agreement.vocabulary import DeclarationStatus, FreeZoneOperation, GoodsCategory
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.legal_basis import REG_9_9, REG_11, REG_13
from tests.domain.agreement.agreement_scenarios import (
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    STRANGER,
    Story,
    approved,
    goods,
    notified,
)

DECLARED_ON = date(2026, 11, 2)


def _declared() -> Story:
    story = notified()
    story.when(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=PARTICIPANT,
        on=DECLARED_ON,
    )
    return story


def test_participant_declares_the_consumption_of_importedgoods() -> None:
    story = _declared()

    declared = story.events[-1]
    assert isinstance(declared, GoodsConsumptionDeclared)
    assert declared.legal_basis == (REG_9_9, REG_11, REG_13)
    assert story.state.goods["goods-1"].status is DeclarationStatus.DECLARED


def test_staff_confirm_the_consumption_with_a_document_for_customs() -> None:
    story = _declared()

    (confirmed,) = story.when(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="PIT-FCZ-2026-77"),
        by=REVIEWER,
        on=date(2026, 11, 5),
    )

    assert isinstance(confirmed, GoodsConsumptionConfirmed)
    assert confirmed.legal_basis == (REG_9_9,)
    record = story.state.goods["goods-1"]
    assert (record.status, record.document_number) == (
        DeclarationStatus.CONFIRMED,
        "PIT-FCZ-2026-77",
    )


def test_staff_reject_a_declaration() -> None:
    story = _declared()

    story.when(
        RejectGoodsDeclaration(declaration_id="goods-1", reasons=("no import declaration",)),
        by=REVIEWER,
        on=date(2026, 11, 5),
    )

    assert story.state.goods["goods-1"].status is DeclarationStatus.REJECTED


def test_a_settled_declaration_is_not_confirmed_again() -> None:
    story = _declared()
    story.when(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="PIT-FCZ-2026-77"),
        by=REVIEWER,
        on=date(2026, 11, 5),
    )

    story.refused(
        RejectGoodsDeclaration(declaration_id="goods-1", reasons=("late doubt",)),
        by=REVIEWER,
        on=date(2026, 11, 6),
        error=InvalidTransition,
        code="declaration_settled",
    )
    story.refused(
        ConfirmGoodsConsumption(declaration_id="goods-9", document_number="x"),
        by=REVIEWER,
        on=date(2026, 11, 6),
        error=InvalidInput,
        code="unknown_declaration",
    )


def test_excisable_goods_for_processing_are_refused_under_reg_13() -> None:
    error = notified().refused(
        DeclareGoodsConsumption(
            declaration_id="goods-1",
            goods=goods(
                excisable=True,
                category=GoodsCategory.PROCESSING,
                operation=FreeZoneOperation.PROCESSING,
            ),
        ),
        by=PARTICIPANT,
        on=DECLARED_ON,
        error=RuleViolation,
        code="excisable_goods_for_processing",
    )
    assert error.legal_basis == (REG_13,)


def test_consumption_beyond_the_quantity_imported_is_malformed() -> None:
    with pytest.raises(ValidationError, match="quantity_consumed"):
        goods(quantity_consumed=Decimal("13"))


@pytest.mark.parametrize("hs_code", ["847", "84715000001", "8471.50"])
def test_hs_code_has_four_to_ten_digits(hs_code: str) -> None:
    with pytest.raises(ValidationError, match="hs_code"):
        goods(hs_code=hs_code)


def test_goods_are_declared_only_under_an_agreement_in_force() -> None:
    approved().refused(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=PARTICIPANT,
        on=date(2026, 4, 1),
        error=InvalidTransition,
    )


def test_only_the_agreements_participant_declares_and_only_staff_confirm() -> None:
    story = notified()
    story.refused(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=STRANGER,
        on=DECLARED_ON,
        error=NotPermitted,
        code="not_own_agreement",
    )
    story.refused(
        DeclareGoodsConsumption(declaration_id="goods-1", goods=goods()),
        by=REVIEWER,
        on=DECLARED_ON,
        error=NotPermitted,
    )
    _declared().refused(
        ConfirmGoodsConsumption(declaration_id="goods-1", document_number="x"),
        by=APPROVER,
        on=DECLARED_ON,
        error=NotPermitted,
    )
