"""`pit worker`: run a worker alone against given services (DATABASE_URL, TEMPORAL_ADDRESS)."""

from __future__ import annotations

import asyncio
import signal

import typer

from workers.logging import configure_logging
from workers.settings import MissingSettings, PitSettings


def worker() -> None:
    """Run the agreement worker until SIGTERM or Ctrl-C, then finish what is in flight."""
    from workers.main import run_worker  # imported here: `pit --help` stays fast

    settings = PitSettings()
    configure_logging(settings.log_format, settings.log_level)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        await run_worker(settings, stop)

    try:
        asyncio.run(main())
    except MissingSettings as missing:
        typer.echo(
            f"pit worker needs {', '.join(missing.variables)}: the PostgreSQL URL "
            "(DATABASE_URL) and the Temporal frontend host:port (TEMPORAL_ADDRESS).",
            err=True,
        )
        raise typer.Exit(code=2) from None
