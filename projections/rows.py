"""One agreement's rows of every read model, as the tuples the tables take, made from its folded
state: the live writer (projections/writer.py) and the rebuild (projections/rebuild.py) both
write these, so a rebuild cannot differ from the live projection by how a column is filled.

Each ``*_COLUMNS`` names a table's columns in the order its rows' tuples hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.deadlines import OpenDeadline, open_deadlines_of
from projections.participants import ConcludedAgreement, ParticipantEntry
from projections.reports import AcceptedReport, accepted_reports_of
from projections.summary import AgreementSummary, Folded, summarize
from projections.tasks import Task, tasks_for

Row = tuple[Any, ...]

AGREEMENT_COLUMNS = (
    "agreement_id",
    "status",
    "bin",
    "name",
    "name_key",
    "agreement_number",
    "number_key",
    "oked_code",
    "oked_section",
    "priority_area",
    "opened_at",
    "submitted_on",
    "concluded_on",
    "end_date",
    "register_number",
    "next_due",
    "next_due_at",
    "version",
    "last_event_at",
)
DEADLINE_COLUMNS = (
    "agreement_id",
    "kind",
    "related_id",
    "due_date",
    "due_at",
    "legal_basis",
    "missed",
)
TASK_COLUMNS = (
    "agreement_id",
    "kind",
    "related_id",
    "bin",
    "roles",
    "excluded_actors",
    "commands",
    "due_date",
    "due_at",
    "opens_at",
    "legal_basis",
    "version",
)
REPORT_COLUMNS = (
    "agreement_id",
    "year",
    "report_id",
    "bin",
    "investment_foreign_kzt",
    "investment_domestic_kzt",
    "production_volume_kzt",
    "jobs",
    "kz_content_bp",
    "imported_goods_consumed_kzt",
    "accepted_at",
)
PARTICIPANT_COLUMNS = (
    "bin",
    "name",
    "name_key",
    "register_number",
    "status",
    "agreement_id",
    "agreement_ids",
)


def agreement_row(summary: AgreementSummary) -> Row:
    """The ``agreements`` row (``AGREEMENT_COLUMNS``)."""
    return (
        summary.agreement_id,
        summary.status,
        summary.bin,
        summary.name,
        summary.name_key,
        summary.agreement_number,
        summary.number_key,
        summary.oked_code,
        summary.oked_section,
        summary.priority_area,
        summary.opened_at,
        summary.submitted_on,
        summary.concluded_on,
        summary.end_date,
        summary.register_number,
        summary.next_due,
        summary.next_due_at,
        summary.version,
        summary.last_event_at,
    )


def deadline_rows(agreement_id: str, deadlines: list[OpenDeadline]) -> list[Row]:
    """The ``open_deadlines`` rows (``DEADLINE_COLUMNS``)."""
    return [
        (
            agreement_id,
            d.kind.value,
            d.related_id,
            d.due_date,
            d.due_at,
            list(d.legal_basis),
            d.missed,
        )
        for d in deadlines
    ]


def task_rows(summary: AgreementSummary, tasks: list[Task]) -> list[Row]:
    """The ``inbox`` rows without their claim (``TASK_COLUMNS``)."""
    return [
        (
            summary.agreement_id,
            t.kind.value,
            t.related_id,
            summary.bin,
            sorted(role.value for role in t.roles),
            sorted(t.excluded),
            list(t.commands),
            t.due_date,
            t.due_at,
            t.opens_at,
            list(t.legal_basis),
            summary.version,
        )
        for t in tasks
    ]


def report_rows(agreement_id: str, reports: list[AcceptedReport]) -> list[Row]:
    """The ``accepted_reports`` rows (``REPORT_COLUMNS``)."""
    return [
        (
            agreement_id,
            r.year,
            r.report_id,
            r.bin,
            r.investment_foreign_kzt,
            r.investment_domestic_kzt,
            r.production_volume_kzt,
            r.jobs,
            r.kz_content_bp,
            r.imported_goods_consumed_kzt,
            r.accepted_at,
        )
        for r in reports
    ]


def participant_row(entry: ParticipantEntry) -> Row:
    """The ``participants`` row (``PARTICIPANT_COLUMNS``)."""
    return (
        entry.bin,
        entry.name,
        entry.name.casefold() if entry.name else None,
        entry.register_number,
        entry.status,
        entry.agreement_id,
        list(entry.agreement_ids),
    )


@dataclass(frozen=True, slots=True)
class AgreementRows:
    """Every row one agreement contributes, made from its state folded to ``version``.

    Attributes:
        agreement_id: the agreement.
        bin: its BIN, if known.
        version: the stream version its rows stand at.
        agreement: its ``agreements`` row.
        tasks, deadlines, reports: its rows of ``inbox`` (unclaimed), ``open_deadlines`` and
            ``accepted_reports``.
        concluded: what the participants register takes from it, if it was concluded.
    """

    agreement_id: str
    bin: str | None
    version: int
    agreement: Row
    tasks: list[Row]
    deadlines: list[Row]
    reports: list[Row]
    concluded: ConcludedAgreement | None


def rows_of(agreement_id: str, folded: Folded) -> AgreementRows:
    """The agreement's rows of every read model."""
    summary = summarize(agreement_id, folded)
    state = folded.state
    concluded = None
    if summary.bin is not None and summary.concluded_on is not None:
        concluded = ConcludedAgreement(
            agreement_id=agreement_id,
            status=summary.status,
            name=summary.name,
            register_number=summary.register_number,
            concluded_on=summary.concluded_on,
        )
    return AgreementRows(
        agreement_id=agreement_id,
        bin=summary.bin,
        version=summary.version,
        agreement=agreement_row(summary),
        tasks=task_rows(summary, tasks_for(state)),
        deadlines=deadline_rows(agreement_id, open_deadlines_of(state)),
        reports=report_rows(agreement_id, accepted_reports_of(agreement_id, folded)),
        concluded=concluded,
    )
