"""Fixtures of the worker-process tests: the Temporal dev server and real PostgreSQL databases.

They live in tests/workflows/conftest.py and tests/eventstore/conftest.py; importing them here
registers them for this folder (with this folder's own template database, dropped at the end).
"""

from __future__ import annotations

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id
from tests.workflows.conftest import dev_server

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "fresh_store", "run_id"]
