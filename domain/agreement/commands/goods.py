"""Commands of free customs zone goods (DOMAIN.md §4)."""

from __future__ import annotations

from typing import Literal

from domain.agreement.commands.base import Command
from domain.agreement.values import GoodsConsumption, Reference, Texts


class DeclareGoodsConsumption(Command):
    """The participant declares the consumption of imported goods."""

    type: Literal["DeclareGoodsConsumption"] = "DeclareGoodsConsumption"
    declaration_id: Reference
    goods: GoodsConsumption


class ConfirmGoodsConsumption(Command):
    """A reviewer confirms the actual consumption, issuing the document for customs."""

    type: Literal["ConfirmGoodsConsumption"] = "ConfirmGoodsConsumption"
    declaration_id: Reference
    document_number: Reference


class RejectGoodsDeclaration(Command):
    """A reviewer rejects a declaration."""

    type: Literal["RejectGoodsDeclaration"] = "RejectGoodsDeclaration"
    declaration_id: Reference
    reasons: Texts
