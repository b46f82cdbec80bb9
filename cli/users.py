"""`pit users`: add, list, disable and enable the people who use pit; issue their API tokens.

Passwords never travel as arguments (they would show in `ps` and shell history): they come
from a prompt, or from standard input with ``--password-stdin``. Exit codes: 0 done, 1 refused
(a taken login, a weak password, an unknown user, the database unreachable), 2 usage or
settings (DATABASE_URL missing, the schema not migrated).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from cli.environment import database_url
from domain.calendar import ALMATY

if TYPE_CHECKING:
    from api.accounts import AccountStore, User

users_app = typer.Typer(
    help="The people who use pit: accounts, roles and API tokens (needs DATABASE_URL).",
    no_args_is_help=True,
)

T = TypeVar("T")

# AccountRole's values, spelled out: api.accounts is imported only when a command runs, so that
# `pit --help` stays fast (a test keeps the two equal).
ROLES = ("participant", "reviewer", "approver", "auditor", "admin")


def _with_accounts(work: Callable[[AccountStore], Awaitable[T]]) -> T:
    """Run ``work`` against the accounts of DATABASE_URL; refusals become exit codes."""
    dsn = database_url()
    from asyncpg import UndefinedTableError

    from api.accounts import AccountError, AccountStore
    from eventstore.errors import StoreUnavailable

    async def run() -> T:
        async with await AccountStore.open(dsn, max_size=1) as store:
            return await work(store)

    try:
        return asyncio.run(run())
    except AccountError as refused:
        typer.echo(f"refused: {refused}", err=True)
        raise typer.Exit(code=1) from None
    except StoreUnavailable as unavailable:
        typer.echo(f"pit's database cannot be reached: {unavailable}", err=True)
        raise typer.Exit(code=1) from None
    except UndefinedTableError:
        typer.echo("the database has no accounts yet: run `pit db migrate` first", err=True)
        raise typer.Exit(code=2) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line: the trailing newline of `echo` or a here-string is not part of it.
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command()
def add(
    login: Annotated[str, typer.Argument(help="The login, e.g. reviewer-aliya (fixed for ever).")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    bin_: Annotated[
        str | None,
        typer.Option("--bin", help="A participant's BIN (required for participants only)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The name shown (default: the login).")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="Where pit may write.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
    ] = False,
) -> None:
    """Add a user; the password is asked twice (or read from stdin), never an argument."""
    if role not in ROLES:
        raise typer.BadParameter(f"{role!r} is not one of: {', '.join(ROLES)}", param_hint="--role")
    database_url()  # before asking for a password that could not be stored
    password = _read_password(password_stdin)
    user = _with_accounts(
        lambda store: store.add_user(
            login, role=role, password=password, display_name=name, email=email, bin=bin_
        )
    )
    typer.echo(f"added {user.id} ({user.role.value}{f', BIN {user.bin}' if user.bin else ''})")


def _almaty(moment: datetime | None) -> str:
    """A time as Kazakhstan writes it, in Almaty."""
    return moment.astimezone(ALMATY).strftime("%d.%m.%Y %H:%M") if moment else ""


@users_app.command("list")
def list_users(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array, for scripts.")] = False,
) -> None:
    """List every user by login, disabled ones included."""
    users: list[User] = _with_accounts(lambda store: store.list_users())
    if as_json:
        typer.echo(json.dumps([user.model_dump(mode="json") for user in users], ensure_ascii=False))
        return
    console = Console()
    if not users:
        console.print("no users yet: add one with `pit users add`")
        return
    table = Table(title="pit users")
    table.add_column("login", no_wrap=True)
    table.add_column("name", overflow="fold")
    table.add_column("role", no_wrap=True)
    table.add_column("BIN", no_wrap=True)
    table.add_column("e-mail", overflow="fold")
    table.add_column("added (Almaty)", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for user in users:
        status = f"disabled {_almaty(user.disabled_at)}" if user.disabled else "active"
        table.add_row(
            user.id,
            user.display_name,
            user.role.value,
            user.bin or "",
            user.email or "",
            _almaty(user.created_at),
            status,
        )
    console.print(table)


@users_app.command()
def disable(login: Annotated[str, typer.Argument(help="The user's login.")]) -> None:
    """Disable a user: no login, token or session of theirs works; their sessions end."""
    user = _with_accounts(lambda store: store.disable(login))
    typer.echo(f"disabled {user.id}")


@users_app.command()
def enable(login: Annotated[str, typer.Argument(help="The user's login.")]) -> None:
    """Enable a disabled user again (their tokens work again unless expired or revoked)."""
    user = _with_accounts(lambda store: store.enable(login))
    typer.echo(f"enabled {user.id}")


@users_app.command()
def token(
    login: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    days: Annotated[
        int, typer.Option("--days", min=1, max=366, help="How many days it lives.")
    ] = 90,
) -> None:
    """Issue an API bearer token. The token is printed once, alone on stdout: keep it now."""
    issued = _with_accounts(lambda store: store.issue_token(login, name, timedelta(days=days)))
    typer.echo(
        f"token {issued.token_id} for {login}, valid {days} day(s); it is shown only now:",
        err=True,
    )
    typer.echo(issued.bearer)


@users_app.command("revoke-token")
def revoke_token(
    token_id: Annotated[str, typer.Argument(help="The token's id (16 hex digits).")],
) -> None:
    """Revoke an API token: it is refused from now on."""
    _with_accounts(lambda store: store.revoke_token(token_id))
    typer.echo(f"revoked token {token_id}")
