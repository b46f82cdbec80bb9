"""The `pit` command: operators' and auditors' entry point."""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import typer
from pydantic import ValidationError

from cli.api_calls import ExitCode
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
from workers.settings import PitSettings

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


def temporal_core_started() -> bool:
    """Whether this process made a Temporal SDK Runtime, the Rust core and its threads: the
    default one a client makes, or the worker's own with its metrics endpoint. (An SDK that no
    longer has the default's holder counts as made: leaving early is the safe side.)"""
    runtime = sys.modules.get("temporalio.runtime")
    if runtime is None:
        return False
    holder = getattr(runtime, "_runtime_ref", None)
    if getattr(holder, "_default_runtime", True) is not None:
        return True
    metrics = sys.modules.get("workers.metrics")
    return metrics is not None and metrics.made_runtimes() > 0


def settings_refused(invalid: ValidationError) -> str:
    """What is wrong with pit's environment: each variable (and field) with its rule."""
    lines = ["pit cannot start: the environment sets these wrongly"]
    for error in invalid.errors():
        where = ".".join(str(part) for part in error["loc"])
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)


def main() -> None:
    """Run `pit` (the console script), and leave without the interpreter's teardown once the
    Temporal SDK's core was started.

    Its Rust threads can outlive the program's last Python code and take the GIL while the
    interpreter finalizes, which aborts the process ("Fatal Python error: PyGILState_Release",
    exit 134; temporalio/sdk-python#300): seen after a failed connect in 3 of 35 runs of
    `pit audit replay-workflows`. So the command's logs and output are flushed, and the
    process exits with the command's own status at once (``os._exit``). Every command closes
    what it opened (servers, pools, files) before it returns.

    A setting in the environment that pit refuses is said in one line per problem, naming the
    variable, its field and the rule, with status 2 (a usage error), not as a traceback.
    """
    try:
        app()
    except SystemExit as leaving:
        code = leaving.code
    except ValidationError as invalid:
        if invalid.title != PitSettings.__name__:
            raise
        print(settings_refused(invalid), file=sys.stderr)
        code = ExitCode.USAGE
    else:  # pragma: no cover - a Typer app always ends in SystemExit
        code = 0
    if isinstance(code, str):  # sys.exit("message"): said on stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else 0
    if not temporal_core_started():
        raise SystemExit(status)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe loses nothing more by exiting
            stream.flush()
    os._exit(status)
