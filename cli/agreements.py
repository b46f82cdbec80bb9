"""`pit agreements list/show/timeline`: reading agreements through pit's JSON API.

The list reads the API's projections (right after an action it may show the agreement as it
was a moment before); ``show`` and ``timeline`` fold the agreement's stream when asked and are
always current. Dates are Almaty's, written ``dd.mm.yyyy``; tenge as ``1 234 567,89 ₸``.
"""

from __future__ import annotations

from typing import Annotated, Any

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
    errors,
    one_of,
    print_json,
)
from cli.formatting import day, grouped, instant, kzt, percent_of_basis_points

agreements_app = typer.Typer(
    help="Applications and agreements, read through pit's API (PIT_API_URL, PIT_TOKEN).",
    no_args_is_help=True,
)

# The domain's Status and PriorityArea values, spelled out: the domain is not imported for
# `pit --help` (a test keeps them equal).
STATUSES = (
    "new",
    "in_review",
    "changes_requested",
    "recommended",
    "awaiting_signatures",
    "active",
    "in_breach",
    "termination_proposed",
    "closing",
    "terminated",
    "refused",
    "lapsed",
)
PRIORITY_AREAS = (
    "ict",
    "telecommunications",
    "electronics_and_instrument_making",
    "renewable_energy_and_resource_saving",
    "materials",
    "oil_and_gas_technologies",
)
MAX_LIMIT = 500  # the API's own bound on a page


def basis(tags: list[str] | None) -> str:
    return "; ".join(tags or ())


@agreements_app.command("list")
def list_agreements(
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            callback=one_of(STATUSES),
            help=f"Only agreements in this status (repeat for several): {', '.join(STATUSES)}.",
            show_default=False,
        ),
    ] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="Only this OKED section (A-U), e.g. J.")
    ] = None,
    priority_area: Annotated[
        str | None,
        typer.Option(
            "--priority-area",
            callback=one_of(PRIORITY_AREAS),
            help=f"Only this priority area: {', '.join(PRIORITY_AREAS)}.",
        ),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those with a deadline past due.")
    ] = False,
    q: Annotated[
        str | None,
        typer.Option("--q", help="A BIN prefix, or part of the participant's name or number."),
    ] = None,
    bin_: Annotated[str | None, typer.Option("--bin", help="Exactly this BIN.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="How many on a page.")
    ] = 50,
    cursor: Annotated[
        str | None, typer.Option("--cursor", help="The next page, as the last one named it.")
    ] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """List agreements and applications, newest first (a participant sees only its own)."""
    with calling_api(api_url, token, "Listing agreements...") as api:
        page = api.list_agreements(
            statuses=tuple(status or ()),
            oked_section=section.upper() if section else None,
            priority_area=priority_area,
            overdue=True if overdue else None,
            bin=bin_,
            q=q,
            limit=limit,
            cursor=cursor,
        )
    if as_json:
        print_json(page)
        return
    items: list[dict[str, Any]] = page["items"]
    console = Console()
    if not items:
        console.print("no agreements match")
    else:
        table = Table(title="Agreements")
        table.add_column("id", no_wrap=True)  # copied into other commands: kept whole
        table.add_column("number", no_wrap=True)
        table.add_column("participant", overflow="fold")
        table.add_column("BIN", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("next due (Almaty)", no_wrap=True)
        for item in items:
            due = day(item.get("next_due"))
            if due and item.get("overdue"):
                due = f"[bold red]{due} overdue[/]"
            table.add_row(
                escape(item["agreement_id"]),
                escape(item.get("agreement_number") or ""),
                escape(item.get("name") or ""),
                item.get("bin") or "",
                item["status"],
                due,
            )
        console.print(table)
    if page.get("next_cursor"):
        errors().print(f"more on the next page: --cursor {escape(page['next_cursor'])}")


def _facts(detail: dict[str, Any]) -> Table:
    state: dict[str, Any] = detail["state"]
    form: dict[str, Any] = state.get("form") or {}
    approved: dict[str, Any] = state.get("approved") or {}
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    rows = [
        ("status", detail["status"]),
        ("participant", detail.get("name") or ""),
        ("BIN", detail.get("bin") or ""),
        ("number", detail.get("agreement_number") or ""),
        (
            "OKED, priority area",
            ", ".join(filter(None, (form.get("oked_code"), form.get("priority_area")))),
        ),
        ("requested term", _term(form.get("requested_start"), form.get("requested_end"))),
        ("approved term", _term(approved.get("start_date"), approved.get("end_date"))),
        ("concluded on", day(state.get("concluded_on"))),
        ("in force from", day(state.get("effective_date"))),
        ("ends", day(state.get("end_date"))),
        ("register number", state.get("register_number") or ""),
        ("events", str(detail["version"])),
    ]
    for name, value in rows:
        if value:
            facts.add_row(name, escape(value))
    return facts


def _term(start: str | None, end: str | None) -> str:
    return f"{day(start)} - {day(end)}" if start and end else ""


def _obligations(state: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The obligations in force, else those approved, else those the application plans."""
    if state.get("obligations"):
        return "Obligations", state["obligations"]
    if (state.get("approved") or {}).get("obligations"):
        return "Obligations approved", state["approved"]["obligations"]
    return "Obligations planned", (state.get("form") or {}).get("planned_obligations") or []


def _obligations_table(title: str, years: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    table.add_column("year", no_wrap=True)
    for heading in (
        "foreign investment",
        "domestic investment",
        "production",
        "jobs",
        "KZ content",
    ):
        table.add_column(heading, justify="right", no_wrap=True)
    for year in years:
        table.add_row(
            str(year["year"]),
            kzt(year["investment_foreign_kzt"]),
            kzt(year["investment_domestic_kzt"]),
            kzt(year["production_volume_kzt"]),
            grouped(year["jobs"]),
            percent_of_basis_points(year["kz_content_bp"]),
        )
    return table


def _findings_table(findings: list[dict[str, Any]]) -> Table:
    table = Table(title="Screening findings")
    table.add_column("", no_wrap=True)
    table.add_column("code", no_wrap=True)
    table.add_column("finding", overflow="fold")
    table.add_column("legal basis", overflow="fold")
    for finding in findings:
        table.add_row(
            "[red]refusal[/]" if finding.get("hard") else "note",
            escape(finding["code"]),
            escape(finding["message"]),
            escape(basis(finding.get("legal_basis"))),
        )
    return table


def _deadlines_table(deadlines: list[dict[str, Any]]) -> Table:
    table = Table(title="Open deadlines")
    table.add_column("due (Almaty)", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("matter", overflow="fold")
    table.add_column("legal basis", overflow="fold")
    for deadline in deadlines:
        due = day(deadline["due_date"])
        table.add_row(
            f"[bold red]{due} missed[/]" if deadline.get("missed") else due,
            deadline["kind"],
            escape(deadline["related_id"]),
            escape(basis(deadline.get("legal_basis"))),
        )
    return table


def _reminders_table(reminders: list[dict[str, Any]]) -> Table:
    table = Table(title="Upcoming reminders")
    table.add_column("sent (Almaty)", no_wrap=True)
    table.add_column("to", no_wrap=True)
    table.add_column("about", no_wrap=True)
    table.add_column("due", no_wrap=True)
    table.add_column("stage", no_wrap=True)
    for reminder in reminders:
        table.add_row(
            instant(reminder["send_at"]),
            reminder["audience"],
            escape(f"{reminder['deadline_kind']} ({reminder['related_id']})"),
            day(reminder["due_on"]),
            reminder["stage"],
        )
    return table


@agreements_app.command()
def show(
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Show an agreement now: status, dates, obligations, open deadlines with their legal basis,
    and the reminders its workflow still plans."""
    with calling_api(api_url, token, "Reading the agreement...") as api:
        detail = api.agreement(agreement_id)
    if as_json:
        print_json(detail)
        return
    console = Console()
    state: dict[str, Any] = detail["state"]
    console.print(f"[bold]Agreement {escape(detail['agreement_id'])}[/]")
    console.print(_facts(detail))
    title, years = _obligations(state)
    if years:
        console.print(_obligations_table(title, years))
    if state.get("findings"):
        console.print(_findings_table(state["findings"]))
    if detail["deadlines"]:
        console.print(_deadlines_table(detail["deadlines"]))
    else:
        console.print("no open deadlines")
    reminders = detail.get("upcoming_reminders")
    if reminders is None:
        console.print("upcoming reminders: the agreement's workflow could not be asked now")
    elif reminders:
        console.print(_reminders_table(reminders))
    else:
        console.print("no reminders planned")


@agreements_app.command()
def timeline(
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")],
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Every event of an agreement, oldest first: when, who, what and on which legal basis
    (refused attempts included)."""
    with calling_api(api_url, token, "Reading the timeline...") as api:
        answer = api.timeline(agreement_id)
    if as_json:
        print_json(answer)
        return
    table = Table(title=f"Timeline of {escape(answer['agreement_id'])}")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("when (Almaty)", no_wrap=True)
    table.add_column("event", overflow="fold")
    table.add_column("by", overflow="fold")
    table.add_column("legal basis", overflow="fold")
    for event in answer["events"]:
        what = event["type"]
        data: dict[str, Any] = event.get("data") or {}
        if what == "ActionRefused":
            refused = f"{data.get('command_type')}: {data.get('code')}"
            what = f"[red]{what}[/] {escape(refused)}"
        actor = event["actor"]
        table.add_row(
            str(event["version"]),
            instant(event["occurred_at"]),
            what,
            escape(f"{actor['id']} ({actor['role']})"),
            escape(basis(event.get("legal_basis"))),
        )
    Console().print(table)
