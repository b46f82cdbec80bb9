"""The CLI's tests use the event store's database fixtures."""

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id

__all__ = ["admin_dsn", "databases", "fresh_dsn", "run_id"]
