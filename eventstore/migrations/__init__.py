"""The event store's schema, as versioned SQL files applied with yoyo-migrations.

Each ``NNNN_name.sql`` file beside this module is one migration; yoyo records what it applied
in the database, so applying again is a no-op.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from yoyo import get_backend, read_migrations
from yoyo.migrations import MigrationList

MIGRATIONS_DIR = Path(__file__).resolve().parent


def yoyo_url(dsn: str) -> str:
    """Turn a ``postgresql://`` DSN into the URL yoyo needs to drive psycopg 3.

    Raises:
        ValueError: for a DSN that is not a PostgreSQL URL.
    """
    parts = urlsplit(dsn)
    if parts.scheme not in {"postgres", "postgresql", "postgresql+psycopg"}:
        raise ValueError(f"not a PostgreSQL URL: scheme {parts.scheme!r}")
    return urlunsplit(parts._replace(scheme="postgresql+psycopg"))


def _migrations() -> MigrationList:
    # yoyo reads every .py file of the folder as a migration too; ours are SQL only.
    found = read_migrations(str(MIGRATIONS_DIR))
    return MigrationList([m for m in found if m.path.endswith(".sql")])


def apply_migrations(dsn: str) -> list[str]:
    """Apply every migration not yet applied to the database at ``dsn``.

    Safe to run again, and from several processes: yoyo takes a lock in the database.

    Args:
        dsn: a ``postgresql://`` URL of a login that owns (or may create) the schema.

    Returns:
        The ids of the migrations applied by this call (empty when up to date).
    """
    backend = get_backend(yoyo_url(dsn))
    try:
        migrations = _migrations()
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


async def apply_migrations_async(dsn: str) -> list[str]:
    """:func:`apply_migrations` in a worker thread, for async callers (yoyo is blocking)."""
    return await asyncio.to_thread(apply_migrations, dsn)
