"""Fixtures of the auditors' tools' tests: the event store's real PostgreSQL databases.

They live in tests/eventstore/conftest.py; importing them registers them for this folder (its
own template database, named after its own ``run_id``, every database it made dropped).
``exported`` is one stored agreement and its evidence bundle, made once per module.
"""

from __future__ import annotations

from tests.audit.evidence import exported  # evidence bundles: one stored agreement
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id
from tests.workflows.conftest import dev_server, outbox  # replay-workflows: Temporal, mail

__all__ = [
    "admin_dsn",
    "databases",
    "dev_server",
    "exported",
    "fresh_dsn",
    "fresh_store",
    "outbox",
    "run_id",
]
