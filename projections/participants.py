"""The participants register: one entry per BIN that has concluded an agreement.

An entry is made from that BIN's rows of the ``agreements`` read model alone, so it is
recomputed whenever one of them changes and a rebuild gives the same register.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.agreement import IN_FORCE

_IN_FORCE = frozenset(status.value for status in IN_FORCE)


class ConcludedAgreement(BaseModel):
    """What the register takes from one concluded agreement of a BIN."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement_id: str
    status: str
    name: str | None
    register_number: str | None
    concluded_on: date


class ParticipantEntry(BaseModel):
    """One row of the ``participants`` read model.

    Attributes:
        bin: the participant's BIN.
        name: its name on the current agreement.
        register_number: the participant's entry in the unified register, once recorded (the
            current agreement's, else the latest one recorded for another of its agreements).
        status: the current agreement's status.
        agreement_id: the current agreement: one in force if any, else the latest concluded.
        agreement_ids: every concluded agreement of the BIN, the current one first.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bin: str
    name: str | None
    register_number: str | None
    status: str
    agreement_id: str
    agreement_ids: tuple[str, ...]


def _currency(agreement: ConcludedAgreement) -> tuple[bool, date, str]:
    return (agreement.status in _IN_FORCE, agreement.concluded_on, agreement.agreement_id)


def participant_entry(
    participant_bin: str, agreements: Iterable[ConcludedAgreement]
) -> ParticipantEntry | None:
    """The register's entry for a BIN, from its concluded agreements (None: it has none)."""
    ordered = sorted(agreements, key=_currency, reverse=True)
    if not ordered:
        return None
    current = ordered[0]
    return ParticipantEntry(
        bin=participant_bin,
        name=current.name,
        register_number=next((a.register_number for a in ordered if a.register_number), None),
        status=current.status,
        agreement_id=current.agreement_id,
        agreement_ids=tuple(a.agreement_id for a in ordered),
    )
