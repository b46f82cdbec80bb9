"""`pit status`: one screen that tells an operator whether pit is up, how far the projections
lag, and what is overdue.

It reads DATABASE_URL (PostgreSQL reachable, migrations applied, the read models, the signed
checkpoints, the mail sent) and, when TEMPORAL_ADDRESS is set, Temporal (the namespace, the
worker's task queue, the zone's workflow, the checkpoint schedule). It changes nothing.

Exit codes: 0 all up, 1 something down or lagging beyond a threshold (each named on the last
lines), 2 usage or settings (DATABASE_URL missing).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.environment import database_url

if TYPE_CHECKING:
    from asyncpg import Connection
    from temporalio.client import Client

    from workers.settings import PitSettings

CONNECT_TIMEOUT_S = 5.0
LIVE_POLLER = timedelta(minutes=2)
"""A poller seen this recently is a worker polling now: a long poll lasts at most a minute and
the worker polls again at once, while Temporal lists pollers it has not seen for minutes."""

# The signed checkpoint's first unsigned event, in log order (that of the checkpoints' trees).
FIRST_UNSIGNED = """
SELECT recorded_at FROM events ORDER BY transaction_id, global_position OFFSET $1 LIMIT 1
"""
AGREEMENTS_BY_STATUS = "SELECT status, count(*) AS n FROM agreements GROUP BY status ORDER BY 1"
OVERDUE_BY_KIND = """
SELECT kind, count(*) AS overdue, count(*) FILTER (WHERE missed) AS missed,
       min(due_date) AS oldest
  FROM overdue_deadlines GROUP BY kind ORDER BY kind
"""
MAIL_SENT = "SELECT count(*) AS sent, max(sent_at) AS last_sent_at FROM mail_deliveries"


def _available_migrations() -> list[str]:
    from eventstore.migrations import MIGRATIONS_DIR

    return sorted(path.stem for path in MIGRATIONS_DIR.glob("*.sql"))


async def _applied_migrations(connection: Connection[Any]) -> list[str]:
    # yoyo's own table, read rather than through yoyo, whose backend creates it when missing.
    if await connection.fetchval("SELECT to_regclass('_yoyo_migration') IS NULL"):
        return []
    rows = await connection.fetch("SELECT migration_id FROM _yoyo_migration")
    return sorted(row["migration_id"] for row in rows)


async def _postgres(dsn: str, now: datetime) -> dict[str, Any]:
    import asyncpg

    from eventstore.checkpoints import latest_checkpoint
    from eventstore.pg_errors import is_unavailable
    from projections import Projector

    try:
        connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_S)
    except Exception as error:
        if not is_unavailable(error) and not isinstance(error, asyncpg.PostgresError):
            raise
        return {"up": False, "error": str(error)}
    try:
        available = _available_migrations()
        applied = await _applied_migrations(connection)
        found: dict[str, Any] = {
            "up": True,
            "migrations": {
                "applied": len([m for m in available if m in applied]),
                "available": len(available),
                "pending": [m for m in available if m not in applied],
            },
        }
        if found["migrations"]["pending"]:
            return found  # the read models and checkpoints may not be there yet
        projector = await Projector.open(dsn)
        try:
            found["projections"] = (await projector.status()).model_dump(mode="json")
        finally:
            await projector.close()
        events = await connection.fetchval("SELECT count(*) FROM events")
        latest = await latest_checkpoint(connection)
        signed = latest.tree_size if latest is not None else 0
        first_unsigned = await connection.fetchval(FIRST_UNSIGNED, signed)
        found["signed_checkpoint"] = {
            "tree_size": signed,
            "signed_at": latest.head.signed_at.isoformat() if latest is not None else None,
            "age_s": round((now - latest.head.signed_at).total_seconds()) if latest else None,
            "events_since": events - signed,
            "oldest_unsigned_age_s": (
                round((now - first_unsigned).total_seconds()) if first_unsigned else None
            ),
        }
        found["agreements_by_status"] = {
            row["status"]: row["n"] for row in await connection.fetch(AGREEMENTS_BY_STATUS)
        }
        found["overdue_by_kind"] = {
            row["kind"]: {
                "overdue": row["overdue"],
                "missed": row["missed"],
                "oldest_due_date": row["oldest"].isoformat(),
            }
            for row in await connection.fetch(OVERDUE_BY_KIND)
        }
        mail = await connection.fetchrow(MAIL_SENT)
        assert mail is not None  # an aggregate always answers one row
        # mail_deliveries holds a row per mail the SMTP server accepted: pending and failed
        # deliveries are Temporal's retries, not rows.
        found["mail"] = {
            "sent": mail["sent"],
            "last_sent_at": mail["last_sent_at"].isoformat() if mail["last_sent_at"] else None,
        }
        return found
    finally:
        await connection.close()


async def _live_pollers(client: Client, task_queue: str, kind: int, now: datetime) -> int:
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    described = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=kind,  # type: ignore[arg-type]
        ),
        timeout=timedelta(seconds=CONNECT_TIMEOUT_S),
    )
    return sum(
        1
        for poller in described.pollers
        if now - poller.last_access_time.ToDatetime(UTC) <= LIVE_POLLER
    )


async def _temporal(settings: PitSettings, now: datetime) -> dict[str, Any]:
    from temporalio.api.enums.v1 import NamespaceState, TaskQueueType
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
    from temporalio.client import Client, WorkflowExecutionStatus
    from temporalio.service import RPCError, RPCStatusCode

    from domain.zone import PIT_CODE
    from workflows.checkpoint import SCHEDULE_ID
    from workflows.zone import workflow_id

    address = str(settings.temporal_address)
    namespace = settings.temporal_namespace
    try:
        client = await asyncio.wait_for(
            Client.connect(address, namespace=namespace), CONNECT_TIMEOUT_S
        )
        described = await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace),
            timeout=timedelta(seconds=CONNECT_TIMEOUT_S),
        )
    except (RPCError, RuntimeError, TimeoutError) as error:
        # The SDK's runtime finishes the failed connection on a thread of its own; leaving at
        # once lets interpreter shutdown race it and abort (temporalio/sdk-python#300).
        await asyncio.sleep(0.1)
        return {"up": False, "address": address, "namespace": namespace, "error": str(error)}
    found: dict[str, Any] = {
        "up": True,
        "address": address,
        "namespace": namespace,
        "namespace_state": NamespaceState.Name(described.namespace_info.state),
        "task_queue": settings.task_queue,
        "workflow_pollers": await _live_pollers(
            client, settings.task_queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, now
        ),
        "activity_pollers": await _live_pollers(
            client, settings.task_queue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, now
        ),
    }
    zone_id = workflow_id(PIT_CODE)
    try:
        zone = await client.get_workflow_handle(zone_id).describe()
        zone_status = zone.status.name.lower() if zone.status is not None else "unknown"
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        zone_status = "missing"
    found["zone_workflow"] = {"id": zone_id, "status": zone_status}
    found["zone_workflow"]["running"] = zone_status == WorkflowExecutionStatus.RUNNING.name.lower()
    try:
        schedule = await client.get_schedule_handle(SCHEDULE_ID).describe()
        upcoming = schedule.info.next_action_times
        found["checkpoint_schedule"] = {
            "id": SCHEDULE_ID,
            "exists": True,
            "paused": schedule.schedule.state.paused,
            "next_at": upcoming[0].isoformat() if upcoming else None,
        }
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        found["checkpoint_schedule"] = {"id": SCHEDULE_ID, "exists": False}
    return found


def _problems(
    survey: dict[str, Any], *, max_behind: int, max_unsigned: timedelta, temporal_set: bool
) -> list[str]:
    problems: list[str] = []
    pg = survey["postgres"]
    if not pg["up"]:
        problems.append("PostgreSQL unreachable")
    elif pg["migrations"]["pending"]:
        problems.append(f"migrations pending: {', '.join(pg['migrations']['pending'])}")
    else:
        behind = pg["projections"]["behind"]
        if behind > max_behind:
            problems.append(f"projections {behind} events behind (more than --max-behind)")
        oldest = pg["signed_checkpoint"]["oldest_unsigned_age_s"]
        if oldest is not None and oldest > max_unsigned.total_seconds():
            problems.append(
                f"events unsigned for {round(oldest / 60)} min (more than --max-unsigned-minutes)"
            )
    temporal = survey["temporal"]
    if not temporal_set:
        return problems
    if not temporal["up"]:
        problems.append(f"Temporal unreachable at {temporal['address']}")
        return problems
    if temporal["workflow_pollers"] == 0 or temporal["activity_pollers"] == 0:
        problems.append(f"no worker polls task queue {temporal['task_queue']}")
    if not temporal["zone_workflow"]["running"]:
        zone = temporal["zone_workflow"]
        problems.append(f"zone workflow {zone['id']} {zone['status']}")
    schedule = temporal["checkpoint_schedule"]
    if not schedule["exists"]:
        problems.append(f"checkpoint schedule {schedule['id']} missing")
    elif schedule["paused"]:
        problems.append(f"checkpoint schedule {schedule['id']} paused")
    return problems


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def _lines(survey: dict[str, Any]) -> list[str]:
    from rich.markup import escape

    from cli.formatting import grouped, instant

    ok, down = "[green]ok[/green]", "[bold red]DOWN[/bold red]"
    lines = [f"[bold]pit status[/bold] at {instant(survey['at'])} (Almaty)"]
    pg = survey["postgres"]
    if not pg["up"]:
        lines.append(f"PostgreSQL   {down}  {escape(pg['error'])}")
    else:
        migrations = pg["migrations"]
        state = ok if not migrations["pending"] else down
        lines.append(
            f"PostgreSQL   {state}  migrations {migrations['applied']} of "
            f"{migrations['available']} applied"
        )
    temporal = survey["temporal"]
    if temporal is None:
        lines.append("Temporal     [dim]not checked: TEMPORAL_ADDRESS is not set[/dim]")
    elif not temporal["up"]:
        lines.append(f"Temporal     {down}  {temporal['address']}: {escape(temporal['error'])}")
    else:
        lines.append(f"Temporal     {ok}  {temporal['address']}, namespace {temporal['namespace']}")
        lines.append(
            f"  task queue {temporal['task_queue']}: {temporal['workflow_pollers']} workflow "
            f"and {temporal['activity_pollers']} activity pollers"
        )
        zone = temporal["zone_workflow"]
        lines.append(f"  zone workflow {zone['id']}: {zone['status']}")
        schedule = temporal["checkpoint_schedule"]
        if not schedule["exists"]:
            lines.append(f"  checkpoint schedule {schedule['id']}: missing")
        else:
            state = "paused" if schedule["paused"] else "active"
            following = f", next {instant(schedule['next_at'])}" if schedule["next_at"] else ""
            lines.append(f"  checkpoint schedule {schedule['id']}: {state}{following}")
    if pg.get("projections") is None:
        return lines
    projections = pg["projections"]
    lines.append(
        f"Projections  checkpoint transaction {projections['transaction_id']}, position "
        f"{projections['global_position']}; {grouped(projections['behind'])} events behind"
    )
    signed = pg["signed_checkpoint"]
    if signed["signed_at"] is None:
        lines.append(f"Signed       none yet; {grouped(signed['events_since'])} events unsigned")
    else:
        lines.append(
            f"Signed       {grouped(signed['tree_size'])} events, {instant(signed['signed_at'])} "
            f"({_ago(signed['age_s'])}); {grouped(signed['events_since'])} events since"
        )
    by_status = pg["agreements_by_status"]
    lines.append(
        f"Agreements   {grouped(sum(by_status.values()))}"
        + (": " + ", ".join(f"{s} {grouped(n)}" for s, n in by_status.items()) if by_status else "")
    )
    overdue = pg["overdue_by_kind"]
    total = sum(each["overdue"] for each in overdue.values())
    lines.append(f"Overdue      {grouped(total)} deadlines" + (":" if overdue else ""))
    for kind, each in overdue.items():
        missed = f", {each['missed']} recorded missed" if each["missed"] else ""
        oldest = datetime.fromisoformat(each["oldest_due_date"]).strftime("%d.%m.%Y")
        lines.append(f"  {kind} {grouped(each['overdue'])}{missed}, oldest due {oldest}")
    mail = pg["mail"]
    last = f", last {instant(mail['last_sent_at'])}" if mail["last_sent_at"] else ""
    lines.append(f"Mail         {grouped(mail['sent'])} sent{last}")
    return lines


async def _survey(dsn: str, settings: PitSettings) -> dict[str, Any]:
    now = datetime.now(UTC)
    postgres = await _postgres(dsn, now)
    temporal = await _temporal(settings, now) if settings.temporal_address else None
    return {"at": now.isoformat(), "postgres": postgres, "temporal": temporal}


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    max_behind: Annotated[
        int, typer.Option(min=0, help="Events the projections may lag before it is a problem.")
    ] = 1000,
    max_unsigned_minutes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Minutes an event may wait for a signed checkpoint "
            "(default: twice PIT_CHECKPOINT_EVERY_MINUTES).",
        ),
    ] = None,
) -> None:
    """Whether pit is up: PostgreSQL and its migrations, Temporal (when TEMPORAL_ADDRESS is set),
    the projections' lag, the signed checkpoints, agreements by status, overdue deadlines and
    mail sent. Exits 1 naming each problem."""
    dsn = database_url()
    from pydantic import ValidationError
    from rich.console import Console

    from cli.projections import _quiet_logs
    from workers.settings import PitSettings

    try:
        settings = PitSettings()
    except ValidationError as invalid:
        typer.echo(f"pit status: invalid settings: {invalid}", err=True)
        raise typer.Exit(code=2) from None
    _quiet_logs()
    survey = asyncio.run(_survey(dsn, settings))
    unsigned = max_unsigned_minutes or 2 * settings.checkpoint_every_minutes
    problems = _problems(
        survey,
        max_behind=max_behind,
        max_unsigned=timedelta(minutes=unsigned),
        temporal_set=survey["temporal"] is not None,
    )
    survey["problems"] = problems
    survey["up"] = not problems
    if as_json:
        typer.echo(json.dumps(survey, sort_keys=True))
    else:
        console = Console(highlight=False, soft_wrap=True)
        for line in _lines(survey):
            console.print(line)
        if problems:
            console.print("[bold red]DOWN or lagging:[/bold red]")
            for problem in problems:
                console.print(f"  {problem}", markup=False)
        else:
            console.print("[bold green]all up[/bold green]")
    if problems:
        raise typer.Exit(code=1)
