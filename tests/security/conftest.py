"""Fixtures of the security tests: the Temporal dev server, real PostgreSQL databases, SMTP."""

from __future__ import annotations

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from tests.workflows.conftest import dev_server

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id"]
