"""The inbox shows what is overdue first, then the soonest due, and undated tasks last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.console.tasks import overdue_first
from projections import InboxItem

NOW = datetime(2027, 4, 2, 9, 0, tzinfo=UTC)


def task(related_id: str, due_in_days: int | None, *, overdue: bool) -> InboxItem:
    due = NOW + timedelta(days=due_in_days) if due_in_days is not None else None
    return InboxItem(
        agreement_id="a-1",
        kind="review_annual_report",
        related_id=related_id,
        bin=None,
        name=None,
        agreement_number=None,
        status="active",
        roles=("reviewer",),
        excluded_actors=(),
        commands=("AcceptAnnualReport",),
        due_date=due.date() if due else None,
        due_at=due,
        opens_at=None,
        legal_basis=(),
        overdue=overdue,
        claimed_by=None,
        claimed_at=None,
    )


def test_overdue_tasks_come_first_then_the_soonest_due() -> None:
    tasks = [
        task("later", 30, overdue=False),
        task("undated", None, overdue=False),
        task("long-overdue", -20, overdue=True),
        task("soon", 2, overdue=False),
        task("just-overdue", -1, overdue=True),
    ]
    assert [t.related_id for t in overdue_first(tasks)] == [
        "long-overdue",
        "just-overdue",
        "soon",
        "later",
        "undated",
    ]
