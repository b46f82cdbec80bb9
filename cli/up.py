"""`pit up`: bring pit's services up on this machine."""

from __future__ import annotations

import signal
import threading

import typer
from rich.console import Console

from workers.database import postgres
from workers.logging import configure_logging
from workers.settings import PitSettings


def up() -> None:
    """Start PostgreSQL (DATABASE_URL, else embedded under .pit/), migrate it, and say where it is.

    With an embedded PostgreSQL, pit keeps it running until Ctrl-C.
    """
    from eventstore.migrations import apply_migrations

    settings = PitSettings()
    configure_logging(settings.log_format, settings.log_level)
    console = Console(soft_wrap=True)  # a URL split over two lines cannot be copied
    with postgres(settings.database_url, settings.pit_home) as db:
        applied = apply_migrations(db.url)
        console.print(f"[bold green]pit[/] PostgreSQL: {db.url}")
        console.print(f"  migrations applied now: {len(applied)} (schema up to date)")
        # Say it now, not when the buffer fills: whoever reads this (a person, a log, a script)
        # needs the URL while pit is running.
        console.file.flush()
        if not db.embedded:
            return
        console.print(f"  embedded cluster in {db.data_dir}; Ctrl-C stops it")
        console.file.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
    raise typer.Exit(0)
