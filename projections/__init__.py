"""Read models built from the event log: agreement lists, the inbox, the participants register,
the open deadlines and the accepted annual reports, each a PostgreSQL table kept by a catch-up
subscription and rebuildable from the log alone. Nothing runs on import. Typical use::

    from projections import Projector

    async with await Projector.open(dsn) as projector:
        await projector.catch_up()
        page = await projector.list_agreements(search="alatau", now=now)

An API process that only reads opens :class:`ReadModels` instead.
"""

from projections.deadlines import OpenDeadline, open_deadlines_of
from projections.errors import (
    InvalidQuery,
    ProjectionError,
    RebuildFailed,
    StreamNotProjectable,
)
from projections.gauges import PROJECTION_LAG_CAP, ReadModelGauges
from projections.participants import ParticipantEntry, participant_entry
from projections.projector import SUBSCRIPTION_ID, Projector
from projections.queries import (
    MAX_LIMIT,
    AgreementFilters,
    AgreementListItem,
    AgreementPage,
    InboxItem,
    OverdueDeadline,
    ParticipantCount,
    ParticipantCounts,
    ParticipantPage,
    ReadModels,
)
from projections.rebuild import RebuildProgress, Rebuilt
from projections.reports import AcceptedReport, accepted_reports_of
from projections.status import ProjectionStatus
from projections.summary import AgreementSummary, Folded, summarize
from projections.tasks import Task, TaskKind, tasks_for

__all__ = [
    "MAX_LIMIT",
    "PROJECTION_LAG_CAP",
    "SUBSCRIPTION_ID",
    "AcceptedReport",
    "AgreementFilters",
    "AgreementListItem",
    "AgreementPage",
    "AgreementSummary",
    "Folded",
    "InboxItem",
    "InvalidQuery",
    "OpenDeadline",
    "OverdueDeadline",
    "ParticipantCount",
    "ParticipantCounts",
    "ParticipantEntry",
    "ParticipantPage",
    "ProjectionError",
    "ProjectionStatus",
    "Projector",
    "ReadModelGauges",
    "ReadModels",
    "RebuildFailed",
    "RebuildProgress",
    "Rebuilt",
    "StreamNotProjectable",
    "Task",
    "TaskKind",
    "accepted_reports_of",
    "open_deadlines_of",
    "participant_entry",
    "summarize",
    "tasks_for",
]
