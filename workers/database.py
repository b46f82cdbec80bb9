"""Where pit's PostgreSQL is: the one named by DATABASE_URL, else an embedded one under PIT_HOME.

The embedded server comes from the `pgserver` package (PostgreSQL binaries shipped in a wheel),
so a laptop with only Python can run pit; production always sets DATABASE_URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DatabaseLocation:
    """A PostgreSQL to use: its URL and whether pit started it itself."""

    url: str
    embedded: bool
    data_dir: Path | None = None


@contextmanager
def postgres(
    database_url: str | None, home: Path, name: str = "postgres"
) -> Iterator[DatabaseLocation]:
    """Yield the PostgreSQL to use; an embedded one is started for the block and stopped after.

    Args:
        database_url: the configured URL, or None to start an embedded server.
        home: pit's working folder (``.pit`` by default); the embedded cluster lives below it.
        name: the embedded cluster's folder name under ``home``.
    """
    if database_url:
        yield DatabaseLocation(url=database_url, embedded=False)
        return
    # Imported here: it is only needed when no DATABASE_URL is given.
    from pgserver.postgres_server import get_server

    data_dir = (home / name).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    log.info("embedded_postgres_started", data_dir=str(data_dir))
    try:
        yield DatabaseLocation(url=server.get_uri(), embedded=True, data_dir=data_dir)
    finally:
        server.cleanup()
        log.info("embedded_postgres_stopped", data_dir=str(data_dir))
