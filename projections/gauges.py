"""What an operator watches, counted from the read models and the log in two cheap queries
(the API's Prometheus endpoint, ``GET /metrics``, asks on every scrape).

Past due is decided at the ``now`` the caller gives, as everywhere in the read models. Every
count goes through an index (agreements by status, deadlines and tasks by due instant, the log
by its primary key); the projection's lag is counted up to :data:`PROJECTION_LAG_CAP` events, so
a scrape costs the same whether the projector is a few events behind or rebuilding from zero.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.actors import Role
from domain.agreement import TERMINAL
from eventstore.connection import Connection
from projections import sql
from projections.errors import ProjectionError

PROJECTION_LAG_CAP = 100_000
"""The most events :attr:`ReadModelGauges.projection_lag` counts (a larger lag reads as this)."""


class ReadModelGauges(BaseModel):
    """The read models and the log as they stand at ``now``.

    Attributes:
        open_agreements: agreements not in a final status (terminated, refused, lapsed), by
            status; statuses with none are absent.
        overdue_deadlines: open deadlines past due at ``now``, by kind (``annual_report``...).
        sla_breaches: open tasks of the management company's staff (a role other than the
            participant's may settle them) past due at ``now``, by kind of task.
        projection_lag: the events of the log after the projector's checkpoint (up to
            :data:`PROJECTION_LAG_CAP`); every event before any checkpoint is saved.
        checkpoint_tree_size: the events the latest signed checkpoint covers (0: none yet).
        checkpoint_signed_at: when it was signed (None: none yet).
        oldest_unsigned_at: when the oldest event no signed checkpoint covers was recorded
            (None: every event is covered).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    open_agreements: dict[str, int]
    overdue_deadlines: dict[str, int]
    sla_breaches: dict[str, int]
    projection_lag: int
    checkpoint_tree_size: int
    checkpoint_signed_at: AwareDatetime | None
    oldest_unsigned_at: AwareDatetime | None


async def read_model_gauges(
    connection: Connection, now: datetime, subscription_id: str
) -> ReadModelGauges:
    """Count what :class:`ReadModelGauges` holds, on ``connection``, at ``now``, for the
    subscription ``subscription_id``'s read models."""
    counted: dict[str, dict[str, int]] = {
        "open_agreements": {},
        "overdue_deadlines": {},
        "sla_breaches": {},
    }
    rows = await connection.fetch(
        sql.GAUGE_COUNTS, now, sorted(s.value for s in TERMINAL), Role.APPLICANT.value
    )
    for row in rows:
        counted[row["gauge"]][row["label"]] = int(row["value"])
    log = await connection.fetchrow(sql.GAUGE_LOG, subscription_id, PROJECTION_LAG_CAP)
    if log is None:  # never: scalar subqueries always give a row
        raise ProjectionError("the database gave no row for the log's gauges")
    return ReadModelGauges(
        open_agreements=counted["open_agreements"],
        overdue_deadlines=counted["overdue_deadlines"],
        sla_breaches=counted["sla_breaches"],
        projection_lag=log["projection_lag"],
        checkpoint_tree_size=log["tree_size"] or 0,
        checkpoint_signed_at=log["signed_at"],
        oldest_unsigned_at=log["oldest_unsigned_at"],
    )
