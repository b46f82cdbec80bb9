"""`pit db`: the event store's database (schema migrations, the application's login)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.environment import database_url

db_app = typer.Typer(help="The event store's PostgreSQL database.", no_args_is_help=True)


@db_app.command()
def migrate(
    app_login: Annotated[
        str | None,
        typer.Option(
            "--app-login",
            metavar="ROLE",
            help="Then create ROLE (or set its password), the login the workers and the API"
            " connect as: a member of pit_app and of nothing else, its password read from"
            " PIT_APP_DB_PASSWORD. Run as the database's owner.",
        ),
    ] = None,
) -> None:
    """Apply the event store's migrations to the database named by DATABASE_URL.

    Exit codes: 0 done, 1 the login exists with more rights than pit_app (named), 2 usage or
    settings (DATABASE_URL or PIT_APP_DB_PASSWORD missing, a name or password pit refuses).
    """
    dsn = database_url("the PostgreSQL URL to migrate")
    # Imported here: nothing heavy runs when the CLI only shows help.
    from eventstore.app_login import PASSWORD_VARIABLE, AppLoginUnsafe, check_login

    password = ""
    if app_login is not None:
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            typer.echo(
                f"{PASSWORD_VARIABLE} is not set: set it to the password of {app_login}, the"
                " login the workers and the API connect as",
                err=True,
            )
            raise typer.Exit(code=2)
        try:
            check_login(app_login, password)
        except ValueError as refused:
            typer.echo(f"{PASSWORD_VARIABLE} or --app-login refused: {refused}", err=True)
            raise typer.Exit(code=2) from refused

    from eventstore.app_login import ensure_app_login
    from eventstore.migrations import apply_migrations

    applied = apply_migrations(dsn)
    if applied:
        typer.echo(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        typer.echo("the event store schema is up to date")
    if app_login is None:
        return
    try:
        created = ensure_app_login(dsn, app_login, password)
    except ValueError as refused:
        typer.echo(f"--app-login refused: {refused}", err=True)
        raise typer.Exit(code=2) from refused
    except AppLoginUnsafe as unsafe:
        typer.echo(f"the login {app_login} may do more than pit_app: {unsafe}", err=True)
        raise typer.Exit(code=1) from unsafe
    done = "created" if created else "set the password of"
    typer.echo(f"{done} the login {app_login}, a member of pit_app only")
