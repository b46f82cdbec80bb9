"""Fixtures of the accounts tests: a real, migrated PostgreSQL database per test, a clock the
test moves, and a cheap argon2id hasher (the production one costs a quarter of a second).

The database fixtures live in tests/eventstore/conftest.py; importing them here registers them
for this folder (with this folder's own template database, dropped at the end).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
import pytest_asyncio
from argon2 import PasswordHasher

from api.accounts import AccountStore
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id

__all__ = ["admin_dsn", "databases", "fresh_dsn", "run_id"]

BIN = "940140000385"  # a resident legal entity's head office
BRANCH_BIN = "940141000380"  # digit 6 = 1: a branch, not a legal entity of its own
STRONG = "correct horse battery staple"


class FakeClock:
    """The store's clock: stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **amount: float) -> None:
        self.now += timedelta(**amount)


def cheap_hasher() -> PasswordHasher:
    """argon2id with the smallest sensible cost: the same code paths, milliseconds per hash."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def accounts(fresh_dsn: str, clock: FakeClock) -> AsyncIterator[AccountStore]:
    store = await AccountStore.open(fresh_dsn, clock=clock, hasher=cheap_hasher())
    yield store
    await store.close()


@pytest_asyncio.fixture
async def superuser(fresh_dsn: str) -> AsyncIterator[asyncpg.Connection[asyncpg.Record]]:
    """The test's own login (not pit_app), to look at the rows as an auditor would."""
    connection = await asyncpg.connect(fresh_dsn)
    yield connection
    await connection.close()
