"""How far the projector has got in the log, and what the read models hold
(``pit projections status``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from eventstore.connection import Connection
from projections import sql
from projections.errors import ProjectionError


class ProjectionStatus(BaseModel):
    """Where the projector's checkpoint stands and how much of the log lies beyond it.

    Attributes:
        transaction_id, global_position: the checkpoint: the last event delivered in
            (transaction id, position) order; 0, 0 before any.
        saved_at: when it was saved (None: never).
        behind: the events after it.
        deliverable: of those, the ones the subscription may deliver now (the others wait for
            transactions still running elsewhere in the cluster).
        agreements, participants, tasks, open_deadlines, accepted_reports: the read models'
            rows.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    transaction_id: int
    global_position: int
    saved_at: AwareDatetime | None
    behind: int
    deliverable: int
    agreements: int
    participants: int
    tasks: int
    open_deadlines: int
    accepted_reports: int


async def projection_status(connection: Connection, subscription_id: str) -> ProjectionStatus:
    """The status of the subscription ``subscription_id``'s read models."""
    saved = await connection.fetchrow(sql.CHECKPOINT_OF, subscription_id)
    transaction_id, position, saved_at = (
        (int(saved[0]), int(saved[1]), saved[2]) if saved is not None else (0, 0, None)
    )
    after = await connection.fetchrow(sql.EVENTS_AFTER_CHECKPOINT, str(transaction_id), position)
    rows = await connection.fetchrow(sql.READ_MODEL_ROWS)
    if after is None or rows is None:  # never: an aggregate always gives a row
        raise ProjectionError("the database gave no row for a count")
    return ProjectionStatus(
        transaction_id=transaction_id,
        global_position=position,
        saved_at=saved_at if isinstance(saved_at, datetime) else None,
        behind=after[0],
        deliverable=after[1],
        agreements=rows[0],
        participants=rows[1],
        tasks=rows[2],
        open_deadlines=rows[3],
        accepted_reports=rows[4],
    )
