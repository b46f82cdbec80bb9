"""`pit audit replay` and `pit audit replay-workflows`: an agreement's log as it stood at an
instant, and every workflow history replayed on the code about to run it.

Exit codes: 0 done (every history replays); 1 a history does not replay on this code; 2 usage
or settings (DATABASE_URL, TEMPORAL_ADDRESS); 3 the agreement has no events; 5 the database or
Temporal cannot be reached.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.api_calls import ExitCode, errors
from cli.formatting import day, instant
from domain.calendar import ALMATY

if TYPE_CHECKING:
    from audit.replay import Replay, ReplayedEvent
    from audit.workflow_replay import WorkflowReplay

AS_OF_HELP = (
    "Replay up to this business time. A date (2026-04-02 or 02.04.2026) means the end of that "
    "day in Almaty: an event at 23:59 counts, one at 00:00 belongs to the next day. An instant "
    "with a zone (2026-04-02T18:00:00+05:00, 2026-04-02T13:00:00Z) is taken as given; one "
    "without (2026-04-02T18:00, 02.04.2026 18:00) is Almaty time. Default: everything recorded."
)
DEFAULT_CONCURRENCY = 8
_LOCAL_DAY = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})(?:[ T](.+))?$")  # 02.04.2026[ 18:00]


def register(audit_app: typer.Typer) -> None:
    """Add `replay` and `replay-workflows` to the `pit audit` group."""
    audit_app.command("replay")(replay)
    audit_app.command("replay-workflows")(replay_workflows)


def parse_as_of(text: str) -> date | datetime:
    """A date or an instant as an auditor writes it: ISO 8601, or ``dd.mm.yyyy[ HH:MM[:SS]]``.

    Raises:
        typer.BadParameter: neither (a usage error: exit 2).
    """
    written = text.strip()
    local = _LOCAL_DAY.fullmatch(written)
    if local is not None:
        d, m, y, clock = local.groups()
        written = f"{y}-{m}-{d}" + (f"T{clock}" if clock else "")
    try:
        if len(written) == len("2026-04-02"):
            return date.fromisoformat(written)
        asked = datetime.fromisoformat(written)
        aware = asked if asked.utcoffset() is not None else asked.replace(tzinfo=ALMATY)
        aware.astimezone(UTC), aware.astimezone(ALMATY)  # both must exist
        return asked
    except OverflowError:
        raise typer.BadParameter(
            f"{text!r} is beyond the calendar: in UTC or in Almaty it falls before the year 1 "
            "or after 9999",
            param_hint="'--as-of'",
        ) from None
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is no date or instant: write 2026-04-02, 02.04.2026, "
            "2026-04-02T18:00 (Almaty) or 2026-04-02T18:00:00+05:00",
            param_hint="'--as-of'",
        ) from None


# --- pit audit replay -------------------------------------------------------------------------


def replay(
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.", show_default=False)],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the replay as JSON.")] = False,
) -> None:
    """An agreement's events up to an instant, and its state as of then.

    Each event with when it occurred (business time) and was recorded, who acted in which
    role, what, on which legal basis and rule set, and the status it left; the state is folded
    by the domain's own code, as on the console's auditor screen. Reads pit's database
    (DATABASE_URL: read access to ``events`` is enough). Times are Almaty's. Exit status 0;
    2 a usage error; 3 the agreement has no events; 5 the database cannot be reached.
    """
    from cli.environment import database_url

    asked = parse_as_of(as_of) if as_of is not None else None
    dsn = database_url()
    from asyncpg.exceptions import InsufficientPrivilegeError, UndefinedTableError

    from audit.replay import replay as replay_agreement
    from eventstore import PostgresEventStore, StoreUnavailable, StreamIdInvalid

    async def run() -> Replay:
        # An auditor's login reads as itself: no role to assume, no wake-ups to send.
        store = await PostgresEventStore.open(
            dsn, app_role=None, notify=False, min_size=1, max_size=1
        )
        try:
            return await replay_agreement(store, agreement_id, asked)
        finally:
            await store.close()

    try:
        replayed = asyncio.run(run())
    except StreamIdInvalid:
        errors().print(f"{escape(agreement_id)!r} is no agreement id")
        raise typer.Exit(ExitCode.USAGE) from None
    except StoreUnavailable as error:
        errors().print(f"the database cannot be reached: {escape(str(error))}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    except (UndefinedTableError, InsufficientPrivilegeError) as error:
        errors().print(
            f"DATABASE_URL does not let this login read pit's event log: {escape(str(error))}"
        )
        raise typer.Exit(ExitCode.USAGE) from None
    if replayed.stream_version == 0:
        errors().print(f"agreement {escape(agreement_id)} has no events")
        raise typer.Exit(ExitCode.NOT_FOUND)
    if as_json:
        typer.echo(json.dumps(replay_json(replayed), ensure_ascii=False, indent=2))
        return
    _print_replay(replayed)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _event_json(row: ReplayedEvent) -> dict[str, Any]:
    recorded, metadata = row.recorded, row.recorded.metadata
    return {
        "version": recorded.stream_version,
        "event_id": str(recorded.event_id),
        "type": recorded.type,
        "occurred_at": _utc(metadata.occurred_at),
        "recorded_at": _utc(recorded.recorded_at),
        "actor": {"id": metadata.actor_id, "role": metadata.actor_role},
        "legal_basis": list(metadata.legal_basis),
        "rule_set_version": metadata.rule_set_version,
        "status_after": row.status_after,
        "details": row.details,
        "hash": recorded.hash.hex(),
    }


def replay_json(replayed: Replay) -> dict[str, Any]:
    """The replay as the JSON document `--json` prints (times in UTC, ``...Z``)."""
    state, asked, until = replayed.state, replayed.as_of, replayed.until
    if isinstance(asked, datetime) and until is not None:
        as_of: str | None = until.astimezone(ALMATY).isoformat()  # a naive one was Almaty's
    else:
        as_of = asked.isoformat() if asked is not None else None
    return {
        "agreement_id": replayed.agreement_id,
        "as_of": as_of,
        "until": _utc(until) if until is not None else None,
        "events_by_then": len(replayed.events),
        "events_now": replayed.stream_version,
        "status": state.status.value if state is not None else None,
        "state": state.model_dump(mode="json") if state is not None else None,
        "events": [_event_json(row) for row in replayed.events],
    }


def _as_of_words(replayed: Replay) -> str:
    asked, until = replayed.as_of, replayed.until
    if asked is None or until is None:
        return "now"
    if isinstance(asked, datetime):
        return f"{instant(until.isoformat())} (Almaty)"
    return f"the end of {day(asked.isoformat())} (Almaty)"


def _print_replay(replayed: Replay) -> None:
    from projections.deadlines import open_deadlines_of

    console = Console()
    table = Table(title=f"Agreement {escape(replayed.agreement_id)} as of {_as_of_words(replayed)}")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("occurred (Almaty)", no_wrap=True)
    table.add_column("recorded (Almaty)", no_wrap=True)
    table.add_column("by", overflow="fold")
    table.add_column("event", overflow="fold")
    table.add_column("legal basis", overflow="fold")
    table.add_column("rule set", overflow="fold")
    table.add_column("status after", no_wrap=True)
    for row in replayed.events:
        recorded, metadata = row.recorded, row.recorded.metadata
        what = escape(recorded.type)
        if recorded.type == "ActionRefused":
            refused = f"{row.details.get('command_type')}: {row.details.get('code')}"
            what = f"[red]{what}[/] {escape(refused)}"
        table.add_row(
            str(recorded.stream_version),
            instant(metadata.occurred_at.isoformat()),
            instant(recorded.recorded_at.isoformat()),
            escape(f"{metadata.actor_id} ({metadata.actor_role})"),
            what,
            escape("; ".join(metadata.legal_basis)),
            escape(metadata.rule_set_version),
            row.status_after,
        )
    state = replayed.state
    if state is None:
        console.print(f"nothing had happened by {_as_of_words(replayed)}")
        console.print(f"({replayed.stream_version} event(s) recorded since)")
        return
    console.print(table)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    for name, value in (
        ("status", state.status.value),
        ("events", f"{len(replayed.events)} of the {replayed.stream_version} recorded now"),
        ("number", state.agreement_number or ""),
        ("concluded on", day(state.concluded_on.isoformat() if state.concluded_on else None)),
        ("in force from", day(state.effective_date.isoformat() if state.effective_date else None)),
        ("ends", day(state.end_date.isoformat() if state.end_date else None)),
        ("register number", state.register_number or ""),
    ):
        if value:
            facts.add_row(name, escape(value))
    console.print(f"[bold]State as of {_as_of_words(replayed)}[/]")
    console.print(facts)
    deadlines = open_deadlines_of(state)
    if not deadlines:
        console.print("no open deadlines then")
        return
    open_then = Table(title="Open deadlines then")
    open_then.add_column("due (Almaty)", no_wrap=True)
    open_then.add_column("what", no_wrap=True)
    open_then.add_column("matter", overflow="fold")
    open_then.add_column("legal basis", overflow="fold")
    for deadline in deadlines:
        open_then.add_row(
            day(deadline.due_date.isoformat()),
            deadline.kind.value,
            escape(deadline.related_id),
            escape("; ".join(deadline.legal_basis)),
        )
    console.print(open_then)


# --- pit audit replay-workflows ---------------------------------------------------------------


class _TemporalUnavailable(Exception):
    """Temporal could not be reached, or would not list the namespace's workflows."""


def replay_workflows(
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcomes as JSON.")] = False,
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", min=1, max=64, help="How many histories to fetch at once."),
    ] = DEFAULT_CONCURRENCY,
) -> None:
    """Replay every workflow history (open and closed) on this installation's workflow code.

    Lists the executions of TEMPORAL_NAMESPACE on TEMPORAL_ADDRESS, fetches each run's history
    and replays it with Temporal's Replayer against pit's workflow classes: a change that would
    break a running or finished agreement (non-determinism) is named before it is deployed.
    Exit status 0 when every history replays; 1 when any does not; 2 TEMPORAL_ADDRESS not set;
    5 Temporal cannot be reached.
    """
    from workers.settings import MissingSettings, PitSettings

    settings = PitSettings()
    try:
        (address,) = settings.require("temporal_address")
    except MissingSettings:
        errors().print(
            "TEMPORAL_ADDRESS is not set: set it to Temporal's frontend host:port "
            "(and TEMPORAL_NAMESPACE, default 'default')"
        )
        raise typer.Exit(ExitCode.USAGE) from None
    namespace = settings.temporal_namespace
    try:
        outcomes = _replay_with_progress(address, namespace, concurrency)
    except _TemporalUnavailable as error:
        errors().print(f"Temporal at {escape(address)} ({escape(namespace)}): {escape(str(error))}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    failed = [o for o in outcomes if not o.ok]
    if as_json:
        document = {
            "namespace": namespace,
            "ok": not failed,
            "replayed": len(outcomes),
            "failed": len(failed),
            "workflows": [_outcome_json(o) for o in outcomes],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_outcomes(namespace, outcomes, failed)
    if failed:
        raise typer.Exit(1)


def _replay_with_progress(address: str, namespace: str, concurrency: int) -> list[WorkflowReplay]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.service import RPCError

    # The module, not its names: a test replays on changed classes by replacing PIT_WORKFLOWS.
    from audit import workflow_replay as replaying

    progress = Progress(
        SpinnerColumn(),
        TextColumn("replaying histories"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    async def run() -> list[WorkflowReplay]:
        try:
            client = await Client.connect(
                address, namespace=namespace, data_converter=pydantic_data_converter
            )
            task = progress.add_task("replay", total=await replaying.count_workflows(client))
            return await replaying.replay_workflows(
                client,
                replaying.PIT_WORKFLOWS,
                concurrency=concurrency,
                on_replayed=lambda _: progress.advance(task),
            )
        except RPCError as error:
            raise _TemporalUnavailable(error.message) from error
        except RuntimeError as error:  # the SDK's "Failed client connect: ..."
            raise _TemporalUnavailable(str(error)) from error

    with progress:
        return asyncio.run(run())


def _outcome_json(outcome: WorkflowReplay) -> dict[str, Any]:
    return {
        "workflow_id": outcome.workflow_id,
        "run_id": outcome.run_id,
        "workflow_type": outcome.workflow_type,
        "ok": outcome.ok,
        "failure_kind": outcome.failure_kind,
        "failure": outcome.failure,
    }


def _print_outcomes(
    namespace: str, outcomes: list[WorkflowReplay], failed: list[WorkflowReplay]
) -> None:
    console = Console()
    if not outcomes:
        console.print(f"no workflow executions in namespace {escape(namespace)}")
        return
    table = Table(title=f"Workflow histories of {escape(namespace)} replayed on this code")
    table.add_column("workflow id", no_wrap=True)
    table.add_column("run id", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("replay", overflow="fold")
    for outcome in outcomes:
        verdict = (
            "[green]ok[/]"
            if outcome.ok
            else f"[bold red]{outcome.failure_kind}[/] {escape(outcome.failure or '')}"
        )
        table.add_row(
            escape(outcome.workflow_id),
            outcome.run_id,
            escape(outcome.workflow_type),
            verdict,
        )
    console.print(table)
    console.print(
        f"{len(outcomes)} histories replayed: {len(outcomes) - len(failed)} ok, "
        f"{len(failed)} failed"
    )
