"""`pit db`: the event store's database (schema migrations)."""

from __future__ import annotations

import typer

from cli.environment import database_url

db_app = typer.Typer(help="The event store's PostgreSQL database.", no_args_is_help=True)


@db_app.command()
def migrate() -> None:
    """Apply the event store's migrations to the database named by DATABASE_URL."""
    dsn = database_url("the PostgreSQL URL to migrate")
    # Imported here: nothing heavy runs when the CLI only shows help.
    from eventstore.migrations import apply_migrations

    applied = apply_migrations(dsn)
    if applied:
        typer.echo(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        typer.echo("the event store schema is up to date")
