"""The accepted annual reports read model: one row per agreement and year whose report is
accepted, made from the agreement's folded state (migration 0008_accepted_reports).

The rows are the state's reports whose status is ``accepted``, each with its actuals and when it
was accepted, so they follow whatever the domain does to a report (today an accepted report is
final; were one ever reopened, its row would go with the event that reopens it), and a rebuild
from the log gives the same rows.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from domain.agreement.vocabulary import ReportStatus
from domain.values import MoneyKZT
from domain.zone_indicators import ReportedActuals
from projections.summary import Folded


class AcceptedReport(ReportedActuals):
    """One row of the ``accepted_reports`` read model: an accepted annual report's actuals.

    Attributes:
        agreement_id: the agreement that reported.
        report_id: the report's id.
        imported_goods_consumed_kzt: free customs zone goods consumed in the year, KZT.
        accepted_at: when staff accepted it.
    """

    agreement_id: str
    report_id: str = Field(min_length=1)
    imported_goods_consumed_kzt: MoneyKZT
    accepted_at: AwareDatetime


def accepted_reports_of(agreement_id: str, folded: Folded) -> list[AcceptedReport]:
    """The agreement's accepted reports as rows, by year."""
    state = folded.state
    rows = []
    for year, report in sorted(state.reports.items()):
        if report.status is not ReportStatus.ACCEPTED:
            continue
        actuals, accepted_at = report.actuals, folded.accepted_at.get(year)
        if state.bin is None or report.report_id is None or actuals is None or accepted_at is None:
            continue  # not a report the domain accepts: the decider takes none without these
        rows.append(
            AcceptedReport(
                agreement_id=agreement_id,
                report_id=report.report_id,
                bin=state.bin,
                year=year,
                investment_foreign_kzt=actuals.investment_foreign_kzt,
                investment_domestic_kzt=actuals.investment_domestic_kzt,
                production_volume_kzt=actuals.production_volume_kzt,
                jobs=actuals.jobs,
                kz_content_bp=actuals.kz_content_bp,
                imported_goods_consumed_kzt=report.imported_goods_consumed_kzt or Decimal(0),
                accepted_at=accepted_at,
            )
        )
    return rows
