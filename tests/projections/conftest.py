"""Fixtures of the projections' tests: the event store's real PostgreSQL databases, and a
projector on a fresh one.

The database fixtures live in tests/eventstore/conftest.py; importing them here registers them
for this folder (this folder migrates its own template database and drops what it made).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from projections import Projector
from tests.eventstore.conftest import (
    admin_dsn,
    databases,
    fresh_dsn,
    fresh_store,
    pg_store,
    run_id,
    shared_dsn,
)


@pytest_asyncio.fixture
async def projector(fresh_dsn: str) -> AsyncIterator[Projector]:
    """A projector on the test's own empty database."""
    opened = await Projector.open(fresh_dsn, poll_interval=0.05)
    yield opened
    await opened.close()


__all__ = [
    "admin_dsn",
    "databases",
    "fresh_dsn",
    "fresh_store",
    "pg_store",
    "projector",
    "run_id",
    "shared_dsn",
]
