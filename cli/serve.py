"""`pit serve`: the JSON API and the console, with the projector that keeps their lists, alone
against given services (DATABASE_URL, TEMPORAL_ADDRESS); the worker runs elsewhere."""

from __future__ import annotations

import asyncio
import signal
import socket

import typer

from workers.logging import configure_logging
from workers.settings import MissingSettings, PitSettings


def serve() -> None:
    """Serve the API and the console on PIT_API_HOST:PIT_API_PORT until SIGTERM or Ctrl-C.

    Actions go to the agreements' workflows in TEMPORAL_NAMESPACE, on PIT_TASK_QUEUE; lists are
    kept from the log in DATABASE_URL by the projector this process runs. Any number of these
    may run behind a load balancer (each keeps the same projections; writes are guarded).
    """
    from api.server import ApiUnavailable, listening_socket  # here: `pit --help` stays fast

    settings = PitSettings()
    configure_logging(settings.log_format, settings.log_level)
    try:
        settings.require("database_url", "temporal_address")
    except MissingSettings as missing:
        typer.echo(
            f"pit serve needs {', '.join(missing.variables)}: the PostgreSQL URL "
            "(DATABASE_URL) and the Temporal frontend host:port (TEMPORAL_ADDRESS).",
            err=True,
        )
        raise typer.Exit(code=2) from None
    try:
        sock = listening_socket(settings.api_host, settings.api_port)
    except ApiUnavailable as unavailable:
        typer.echo(f"pit serve: {unavailable}", err=True)
        raise typer.Exit(code=2) from None
    asyncio.run(_serve_until_signalled(settings, sock))


async def _serve_until_signalled(settings: PitSettings, sock: socket.socket) -> None:
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    from api.server import serve_api

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for received in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(received, stop.set)
    client = await Client.connect(
        str(settings.temporal_address),
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )
    await serve_api(settings, client, stop, sock)
