"""The order of the staff's inbox: what is overdue first, then the soonest due, undated last."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from projections import InboxItem

_NEVER = datetime.max.replace(tzinfo=UTC)


def overdue_first(items: Iterable[InboxItem]) -> list[InboxItem]:
    """The tasks, overdue ones first, each group by due instant, tasks without one last."""
    return sorted(items, key=lambda item: (not item.overdue, item.due_at or _NEVER))
