"""The real services the crash tests run against: Temporal's dev server and time-skipping server,
PostgreSQL, SMTP; and the API's stack over them (its app, worker and projector) for the tests of
people racing."""

from __future__ import annotations

from tests.api.conftest import stack
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id
from tests.workflows.conftest import dev_server, time_skipping

__all__ = [
    "admin_dsn",
    "databases",
    "dev_server",
    "fresh_dsn",
    "fresh_store",
    "run_id",
    "stack",
    "time_skipping",
]
