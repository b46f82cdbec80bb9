"""The `pit` command: operators' and auditors' entry point."""

from __future__ import annotations

import typer

from cli.api_commands import register_api_commands
from cli.audit import audit_app
from cli.db import db_app
from cli.mail import mail_app
from cli.serve import serve
from cli.status import status
from cli.up import up
from cli.users import users_app
from cli.worker import worker
from cli.zone_report import zone_app

app = typer.Typer(
    name="pit",
    help="pit: agreements of the SEZ 'Park of Innovative Technologies', Almaty.",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(up)
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")
app.add_typer(mail_app, name="mail")
app.add_typer(__import__("cli.projections").projections.projections_app, name="projections")
app.add_typer(users_app, name="users")
app.add_typer(zone_app, name="zone")
app.command()(worker)
app.command()(serve)
app.command()(status)
register_api_commands(app)
