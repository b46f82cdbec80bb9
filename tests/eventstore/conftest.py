"""Fixtures for the event store's tests: real PostgreSQL databases, made and dropped here.

The admin URL comes from tests/conftest.py (DATABASE_URL, else an embedded server). The session
creates ``pit_test_<hex>_tpl``, migrates it once, and clones databases from it: one shared by
most tests (each uses its own stream ids), and a fresh one for tests that tamper with the log
or need it empty. Every database made here is dropped at the end.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from eventstore import InMemoryEventStore, PostgresEventStore
from eventstore.migrations import apply_migrations_async


def with_database(dsn: str, database: str) -> str:
    """The same server and login, another database."""
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def admin_dsn(admin_database_url: str) -> str:
    """The admin URL from tests/conftest.py (DATABASE_URL, else an embedded server)."""
    return admin_database_url


@pytest.fixture(scope="session")
def run_id() -> str:
    return secrets.token_hex(4)


class Databases:
    """Creates databases from the migrated template and drops them all at the end."""

    def __init__(self, admin_dsn: str, template: str) -> None:
        self.admin_dsn = admin_dsn
        self.template = template
        self.created: list[str] = []

    async def create(self) -> str:
        name = f"{self.template.removesuffix('_tpl')}_{len(self.created)}"
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        finally:
            await admin.close()
        self.created.append(name)
        return with_database(self.admin_dsn, name)

    async def drop(self, dsn: str) -> None:
        name = urlsplit(dsn).path.lstrip("/")
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest_asyncio.fixture(scope="session")
async def databases(admin_dsn: str, run_id: str) -> AsyncIterator[Databases]:
    template = f"pit_test_{run_id}_tpl"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{template}"')
    finally:
        await admin.close()
    made = Databases(admin_dsn, template)
    try:
        await apply_migrations_async(with_database(admin_dsn, template))
        yield made
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            for name in [*made.created, template]:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest_asyncio.fixture(scope="session")
async def shared_dsn(databases: Databases) -> str:
    """A migrated database shared by the session's tests (use fresh stream ids)."""
    return await databases.create()


@pytest_asyncio.fixture
async def fresh_dsn(databases: Databases) -> AsyncIterator[str]:
    """A migrated, empty database of the test's own, dropped afterwards."""
    dsn = await databases.create()
    yield dsn
    await databases.drop(dsn)


@pytest_asyncio.fixture(scope="session")
async def pg_store(shared_dsn: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.open(shared_dsn)
    yield store
    await store.close()


@pytest_asyncio.fixture
async def fresh_store(fresh_dsn: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.open(fresh_dsn)
    yield store
    await store.close()


@pytest.fixture(params=["memory", "postgres"])
def store(request: pytest.FixtureRequest) -> Any:
    """Each contract test runs against both stores."""
    if request.param == "memory":
        return InMemoryEventStore()
    return request.getfixturevalue("pg_store")
