"""Fixtures of the integration tests: the event store's real PostgreSQL databases, reused.

The fixtures live in tests/eventstore/conftest.py; importing them here makes pytest register
them for this folder too (a conftest's fixtures are visible only below it). Session fixtures
imported this way get their own instance here, so this folder migrates its own template
database, named after its own ``run_id``, and drops every database it made.
"""

from __future__ import annotations

from tests.eventstore.conftest import (
    admin_dsn,
    databases,
    fresh_dsn,
    fresh_store,
    pg_store,
    run_id,
    shared_dsn,
)

__all__ = [
    "admin_dsn",
    "databases",
    "fresh_dsn",
    "fresh_store",
    "pg_store",
    "run_id",
    "shared_dsn",
]
