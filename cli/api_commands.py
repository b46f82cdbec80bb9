"""The `pit` commands people use to work on agreements, all through pit's JSON API:
`pit apply`, `pit agreements list/show/timeline`, `pit act`, `pit inbox`."""

from __future__ import annotations

import typer

from cli.acting import ACT_CONTEXT, act, apply
from cli.agreements import agreements_app
from cli.inbox import inbox_app


def register_api_commands(app: typer.Typer) -> None:
    """Add the commands that work through the API to the `pit` command ``app``."""
    app.command()(apply)
    app.add_typer(agreements_app, name="agreements")
    app.command(context_settings=ACT_CONTEXT)(act)
    app.add_typer(inbox_app, name="inbox")
