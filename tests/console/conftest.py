"""The console over the real stack: the API's stack (PostgreSQL, Temporal dev server, worker,
projector, accounts), its app served by uvicorn on a loopback port with the projector running
beside it, as `pit up` serves it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest_asyncio
import uvicorn

from api.app import create_app
from api.server import api_url, listening_socket
from tests.api.conftest import (
    USERS,
    Stack,
    admin_dsn,
    databases,
    dev_server,
    fresh_dsn,
    run_id,
    stack,
)

__all__ = ["USERS", "admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id", "stack"]

SERVER_START_POLLS = 200


class _Server(uvicorn.Server):
    """uvicorn without signal handlers of its own: the test stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest_asyncio.fixture
async def served(stack: Stack) -> AsyncIterator[str]:
    """The stack's app on ``http://127.0.0.1:<port>``, the projector keeping its lists."""
    sock = listening_socket("127.0.0.1", 0)
    server = _Server(
        uvicorn.Config(
            create_app(stack.services),
            lifespan="off",
            log_config=None,
            access_log=False,
        )
    )
    halt = asyncio.Event()
    projecting = asyncio.create_task(stack.projector.run(halt))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(SERVER_START_POLLS):
            if server.started:
                break
            await asyncio.sleep(0.05)
        yield api_url(sock)
    finally:
        server.should_exit = True
        halt.set()
        await serving
        await projecting
        sock.close()
