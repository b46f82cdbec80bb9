"""What `pit`'s database commands read from the environment, refused with exit code 2 (usage or
settings) and the variable named when it is missing."""

from __future__ import annotations

import os

import typer


def database_url(purpose: str = "pit's PostgreSQL URL") -> str:
    """DATABASE_URL, or exit 2 saying what to set it to."""
    dsn = os.environ.get("DATABASE_URL")
    if not dsn:
        typer.echo(
            f"DATABASE_URL is not set: set it to {purpose}, e.g. postgresql://pit@host:5432/pit",
            err=True,
        )
        raise typer.Exit(code=2)
    return dsn
