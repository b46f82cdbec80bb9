"""Migrations apply once, and `pit db migrate` applies them from DATABASE_URL."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
import pytest
from typer.testing import CliRunner

from cli.main import app
from eventstore.migrations import apply_migrations, apply_migrations_async
from tests.eventstore.conftest import Databases


async def test_applying_migrations_again_changes_nothing(fresh_dsn: str) -> None:
    assert await apply_migrations_async(fresh_dsn) == []
    connection = await asyncpg.connect(fresh_dsn)
    try:
        tables = {
            row[0]
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
    finally:
        await connection.close()
    assert {"events", "subscription_checkpoints"} <= tables


async def test_migrating_two_new_databases_at_once_copes_with_the_shared_role(
    databases: Databases, admin_dsn: str
) -> None:
    # Roles are cluster-wide: both migrations may try to create pit_app.
    first, second = await databases.create(), await databases.create()
    admin = await asyncpg.connect(admin_dsn)
    try:
        for dsn in (first, second):
            name = urlsplit(dsn).path.lstrip("/")
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    applied = await asyncio.gather(apply_migrations_async(first), apply_migrations_async(second))
    assert applied[0] == applied[1] != []


def test_pit_db_migrate_without_database_url_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["db", "migrate"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output


def test_pit_db_migrate_reports_an_up_to_date_schema(
    monkeypatch: pytest.MonkeyPatch, shared_dsn: str
) -> None:
    apply_migrations(shared_dsn)
    monkeypatch.setenv("DATABASE_URL", shared_dsn)
    result = CliRunner().invoke(app, ["db", "migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
