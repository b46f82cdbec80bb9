"""Small helpers the benches share: a migrated database of their own, its URL, a free loopback
port, and the nearest-rank percentile."""

from __future__ import annotations

import contextlib
import math
import secrets
import socket
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from eventstore.migrations import apply_migrations_async


@contextlib.asynccontextmanager
async def own_database(admin_dsn: str, prefix: str = "pit_bench") -> AsyncIterator[str]:
    """A new database on ``admin_dsn``'s server, migrated, as a URL; dropped afterwards."""
    database = f"{prefix}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
        dsn = with_database(admin_dsn, database)
        await apply_migrations_async(dsn)
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


def with_database(dsn: str, database: str) -> str:
    """``dsn`` pointing at ``database`` on the same server."""
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{database}"))


def free_port() -> int:
    """A port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]
