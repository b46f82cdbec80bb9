"""`pit projections`: the read models kept from the log (agreement lists, the inbox, the
participants register, open deadlines, accepted annual reports).

Exit codes: 0 done, 1 the rebuild failed or the database cannot be reached (named on the last
line), 2 usage or settings (DATABASE_URL missing).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.environment import database_url
from cli.formatting import grouped

if TYPE_CHECKING:
    from projections import ProjectionStatus, RebuildProgress, Rebuilt

projections_app = typer.Typer(
    help="The read models kept from the log: rebuild them, see how far they have got.",
    no_args_is_help=True,
)


def _quiet_logs() -> None:
    # The projector logs its progress at info level: here the bar and the summary say it.
    from workers.logging import configure_logging

    configure_logging(level="WARNING")


def _counted(count: int, what: str) -> str:
    plural = what + ("es" if what.endswith("s") else "s")
    return f"{grouped(count)} {what if count == 1 else plural}"


async def _rebuild(dsn: str, processes: int | None, progress: RebuildProgress) -> Rebuilt:
    from projections import Projector

    projector = await Projector.open(dsn)
    try:
        return await projector.rebuild(processes=processes, progress=progress)
    finally:
        await projector.close()


@projections_app.command()
def rebuild(
    processes: Annotated[
        int | None,
        typer.Option(
            min=1, help="Processes to fold the streams in (default: one per core for a large log)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Write every read model again from the event log, in one transaction.

    Lists keep showing the old rows until it commits. Claims on inbox tasks are not in the log
    and are cleared. Events of transactions still running come with the projector's next
    catch-up.
    """
    dsn = database_url()
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from eventstore import StoreUnavailable
    from projections import RebuildFailed

    _quiet_logs()
    bar = Progress(
        TextColumn("rebuilding: events"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    with bar:
        task = bar.add_task("rebuild", total=None)

        def advanced(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            rebuilt = asyncio.run(_rebuild(dsn, processes, advanced))
        except (RebuildFailed, StoreUnavailable) as error:
            bar.stop()
            typer.echo(f"FAILED: {error}", err=True)
            raise typer.Exit(code=1) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "events": rebuilt.events,
                    "agreements": rebuilt.agreements,
                    "seconds": round(rebuilt.seconds, 3),
                    "events_per_s": round(rebuilt.events_per_s),
                    "processes": rebuilt.processes,
                    "checkpoint": {
                        "transaction_id": rebuilt.checkpoint.transaction_id,
                        "global_position": rebuilt.checkpoint.global_position,
                    },
                },
                sort_keys=True,
            )
        )
        return
    typer.echo(
        f"rebuilt {_counted(rebuilt.agreements, 'agreement')} from "
        f"{_counted(rebuilt.events, 'event')} in {rebuilt.seconds:.1f} s "
        f"({grouped(round(rebuilt.events_per_s))} events/s, "
        f"{_counted(rebuilt.processes, 'process')})"
    )
    typer.echo(
        f"checkpoint: transaction {rebuilt.checkpoint.transaction_id}, "
        f"position {rebuilt.checkpoint.global_position}"
    )


async def _status(dsn: str) -> ProjectionStatus:
    from projections import Projector

    projector = await Projector.open(dsn)
    try:
        return await projector.status()
    finally:
        await projector.close()


@projections_app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Where the projector's checkpoint stands, how far behind the log it is, and the rows each
    read model holds."""
    dsn = database_url()
    from domain.calendar import ALMATY
    from eventstore import StoreUnavailable

    _quiet_logs()
    try:
        found = asyncio.run(_status(dsn))
    except StoreUnavailable as error:
        typer.echo(f"FAILED: {error}", err=True)
        raise typer.Exit(code=1) from None
    if as_json:
        typer.echo(found.model_dump_json())
        return
    saved = (
        f", saved {found.saved_at.astimezone(ALMATY):%d.%m.%Y %H:%M:%S}"
        if found.saved_at is not None
        else ", never saved"
    )
    typer.echo(
        f"checkpoint: transaction {found.transaction_id}, position {found.global_position}{saved}"
    )
    held = found.behind - found.deliverable
    typer.echo(
        f"behind the log: {_counted(found.behind, 'event')}"
        + (f" ({grouped(held)} waiting for transactions still running)" if held else "")
    )
    typer.echo(
        f"read models: {_counted(found.agreements, 'agreement')}, "
        f"{_counted(found.participants, 'participant')}, "
        f"{_counted(found.tasks, 'open task')}, "
        f"{_counted(found.open_deadlines, 'open deadline')}, "
        f"{_counted(found.accepted_reports, 'accepted report')}"
    )
