"""The Temporal server settings pit needs, for the dev server (`pit up`, the tests, the benches)
and for the compose stack's server (workers/temporal-dynamic-config.yaml, checked by a test).

- ``system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute``: flag a workflow whose
  tasks failed twice in a row with ``TemporalReportedProblems``; the healer
  (workers/healer.py) finds wedged agreements by it.
- ``history.cacheMaxSize``: how many workflows a history shard keeps in memory. A workflow's
  pending updates live there: evicted, they are aborted ("workflow update was aborted") and a
  person's action fails. The server's default of 512 per shard is less than the agreements
  one morning's reminders wake (the dev server has one shard); bench.load saw hundreds of
  staff actions aborted with 2,010 agreements open.

The dev server's file (``pit up``'s ``.pit/temporal.sqlite``) is kept in SQLite's write-ahead
log mode (:data:`SQLITE_PRAGMAS`): SQLite's default rollback journal lets one writer block
every reader, and bench.load's morning of reminders saw the server's writes fail on the lock.
Every commit is still synced to disk (``synchronous=full``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from workers.healer import PROBLEMS_AFTER, PROBLEMS_SETTING

HISTORY_CACHE_SETTING: Final = "history.cacheMaxSize"
HISTORY_CACHE_PER_SHARD: Final = 10_000

SERVER_SETTINGS: Final[dict[str, int]] = {
    PROBLEMS_SETTING: PROBLEMS_AFTER,
    HISTORY_CACHE_SETTING: HISTORY_CACHE_PER_SHARD,
}


SQLITE_PRAGMAS: Final[tuple[str, ...]] = ("journal_mode=wal", "synchronous=full")


def dev_server_args(database: Path | None = None) -> list[str]:
    """The dev server's command-line arguments that give it :data:`SERVER_SETTINGS`; with a
    ``database`` file, its state is kept there (with :data:`SQLITE_PRAGMAS`), else in memory."""
    settings = [
        argument
        for key, value in SERVER_SETTINGS.items()
        for argument in ("--dynamic-config-value", f"{key}={value}")
    ]
    if database is None:
        return settings
    pragmas = [argument for pragma in SQLITE_PRAGMAS for argument in ("--sqlite-pragma", pragma)]
    return ["--db-filename", str(database), *pragmas, *settings]
