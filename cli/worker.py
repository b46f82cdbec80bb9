"""`pit worker`: run a worker alone against given services (DATABASE_URL, TEMPORAL_ADDRESS)."""

from __future__ import annotations

import typer

from workers.logging import configure_logging
from workers.settings import MissingSettings, PitSettings


def worker() -> None:
    """Run the agreement worker until SIGTERM or Ctrl-C, then finish what is in flight."""
    from workers.main import run_worker_until_signalled  # here: `pit --help` stays fast

    settings = PitSettings()
    configure_logging(settings.log_format, settings.log_level)
    try:
        run_worker_until_signalled(settings)
    except MissingSettings as missing:
        typer.echo(
            f"pit worker needs {', '.join(missing.variables)}: the PostgreSQL URL "
            "(DATABASE_URL) and the Temporal frontend host:port (TEMPORAL_ADDRESS).",
            err=True,
        )
        raise typer.Exit(code=2) from None
