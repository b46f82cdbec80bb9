"""`pit inbox`: the tasks waiting on you, overdue first; `pit inbox claim|release` one of them.

The inbox is a projection of the API: right after an action it may still show the task that
action settled, for a moment.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.api_calls import (
    DEFAULT_API_URL,
    ApiUrlOption,
    JsonOption,
    TokenOption,
    calling_api,
    one_of,
    print_json,
)
from cli.formatting import day

inbox_app = typer.Typer(
    help="Your open tasks through pit's API (PIT_API_URL, PIT_TOKEN): list, claim, release.",
)

# projections.TaskKind's values, spelled out to keep `pit --help` fast (a test keeps them equal).
TASK_KINDS = (
    "review_application",
    "resubmit_application",
    "decide_application",
    "sign_as_participant",
    "sign_for_management_company",
    "record_authority_acknowledgment",
    "record_register_entry",
    "record_register_closure",
    "submit_annual_report",
    "resubmit_annual_report",
    "review_annual_report",
    "confirm_goods",
    "consider_breach_notice",
    "record_breach_cure",
    "decide_amendment",
    "sign_amendment",
    "decide_termination",
    "consent_to_termination",
)

TaskArgument = Annotated[
    str,
    typer.Argument(
        callback=one_of(TASK_KINDS),
        help="The task's kind, as `pit inbox` shows it (review_application...).",
        show_default=False,
    ),
]
RelatedIdOption = Annotated[
    str | None,
    typer.Option(
        "--related-id",
        help="The matter, for a task about a report, a declaration, an amendment... "
        "(as `pit inbox` shows it); the agreement when left out.",
    ),
]


class _Parsed(Protocol):
    """A click context (the command's, or its group's)."""

    def get_parameter_source(self, name: str) -> Enum | None: ...


def _typed(ctx: _Parsed, name: str) -> bool:
    """Whether the command line gave ``name`` (rather than the environment or the default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _given_to_group(ctx: typer.Context, name: str, value: str | None) -> str | None:
    """``value``, unless the command line gave it to `pit inbox` rather than to this command
    (`pit inbox --token T claim ...`)."""
    group = ctx.parent
    if group is not None and not _typed(ctx, name) and _typed(group, name):
        given: str | None = group.params[name]
        return given
    return value


@inbox_app.callback(invoke_without_command=True)
def inbox(
    ctx: typer.Context,
    agreement_id: Annotated[
        str | None, typer.Option("--agreement", help="Only this agreement's tasks.")
    ] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """The open tasks you may take now, overdue first: due date, agreement, task, who has
    claimed it, and the actions that settle it (`pit act <agreement> <action>`)."""
    if ctx.invoked_subcommand is not None:
        return
    with calling_api(api_url, token, "Reading your inbox...") as api:
        items = api.inbox(agreement_id=agreement_id)
    if as_json:
        print_json(items)
        return
    console = Console()
    if not items:
        console.print("no open tasks for you")
        return
    table = Table(title="Your inbox")
    table.add_column("due (Almaty)", no_wrap=True)
    table.add_column("agreement", no_wrap=True)
    table.add_column("participant", overflow="fold")
    table.add_column("task", no_wrap=True)
    table.add_column("matter", overflow="fold")
    table.add_column("claimed by", overflow="fold")
    table.add_column("actions", overflow="fold")
    # The API lists soonest due first; overdue ones lead whatever their due date.
    for item in sorted(items, key=lambda task: not task.get("overdue")):
        table.add_row(*_row(item))
    console.print(table)


def _row(item: dict[str, Any]) -> tuple[str, ...]:
    due = day(item.get("due_date"))
    if item.get("overdue"):
        due = f"[bold red]{due} overdue[/]"
    matter = item["related_id"] if item["related_id"] != item["agreement_id"] else ""
    participant = " ".join(filter(None, (item.get("name"), item.get("bin"))))
    return (
        due,
        escape(item["agreement_id"]),
        escape(participant),
        item["kind"],
        escape(matter),
        escape(item.get("claimed_by") or ""),
        escape(", ".join(item.get("commands") or ())),
    )


@inbox_app.command()
def claim(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")],
    task: TaskArgument,
    related_id: RelatedIdOption = None,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Claim a task of your inbox, so that colleagues see you are on it."""
    with calling_api(
        _given_to_group(ctx, "api_url", api_url) or DEFAULT_API_URL,
        _given_to_group(ctx, "token", token),
        "Claiming the task...",
    ) as api:
        claimed = api.claim_task(agreement_id, task, related_id)
    Console().print(
        f"claimed {claimed['kind']} of {escape(claimed['agreement_id'])} "
        f"as {escape(str(claimed['claimed_by']))}"
    )


@inbox_app.command()
def release(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")],
    task: TaskArgument,
    related_id: RelatedIdOption = None,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Release your claim on a task: it is open to colleagues again."""
    with calling_api(
        _given_to_group(ctx, "api_url", api_url) or DEFAULT_API_URL,
        _given_to_group(ctx, "token", token),
        "Releasing the task...",
    ) as api:
        released = api.release_task(agreement_id, task, related_id)
    Console().print(f"released {released['kind']} of {escape(released['agreement_id'])}")
