"""Serving the API beside the worker: uvicorn on a socket pit bound, and the projector that
keeps the lists it serves, both in this process until ``stop`` is set.

The projector runs here, with the API, because the projections exist for the API's reads:
wherever lists are served, they are kept. A second API process would run a second projector,
which is harmless (its writes are guarded by version) but does the work twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator

import structlog
import uvicorn
from temporalio.client import Client

from api.app import create_app
from api.services import open_api_services
from projections import Projector
from workers.settings import PitSettings

log = structlog.get_logger(__name__)

SHUTDOWN_GRACE_S = 10


class ApiUnavailable(Exception):
    """The API's address cannot be served (taken, or not this machine's)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (port 0: one the system picks).

    Raises:
        ApiUnavailable: the address is taken or cannot be bound, saying which.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise ApiUnavailable(
            f"cannot serve the API on {host}:{port} ({error.strerror or error}); set "
            "PIT_API_PORT (or `pit up --api-port`) to a free port"
        ) from error
    return sock


def api_url(sock: socket.socket) -> str:
    """The base URL of the API served on ``sock`` (``http://127.0.0.1:8000``)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _Server(uvicorn.Server):
    """uvicorn, stopped by pit's own stop event rather than by signal handlers of its own."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_api(
    settings: PitSettings, temporal: Client, stop: asyncio.Event, sock: socket.socket
) -> None:
    """Serve the API on ``sock`` and run the projector until ``stop`` is set.

    Raises:
        MissingSettings: DATABASE_URL is not set.
        StoreUnavailable: the database cannot be reached at start.
    """
    async with open_api_services(settings, temporal) as (services, projector):
        server = _Server(
            uvicorn.Config(
                create_app(services),
                lifespan="off",
                log_config=None,
                access_log=False,
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
            )
        )
        halt = asyncio.Event()  # the projector's own: it stops with the server either way
        projecting = asyncio.create_task(_project(projector, halt))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        stopping = asyncio.create_task(stop.wait())
        log.info("api_serving", url=api_url(sock))
        try:
            await asyncio.wait({stopping, serving}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            server.should_exit = True
            halt.set()
            stopping.cancel()
            await projecting
            await serving  # raises what stopped it, if it stopped on its own
    log.info("api_stopped")


async def _project(projector: Projector, stop: asyncio.Event) -> None:
    # A projection that cannot go on leaves the lists stale, not the API down: the detail of
    # an agreement folds its stream, and actions go to its workflow, without the projections.
    try:
        await projector.run(stop)
    except Exception:
        log.exception("projector_stopped")


def api_beside(
    settings: PitSettings, sock: socket.socket
) -> Callable[[Client, asyncio.Event], Awaitable[None]]:
    """What ``workers.main.run_worker`` runs beside the worker to serve the API on ``sock``."""

    async def serve(temporal: Client, stop: asyncio.Event) -> None:
        await serve_api(settings, temporal, stop, sock)

    return serve
