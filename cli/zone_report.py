"""`pit zone report`: the zone's report to the authorized body [Decree 1166 Reg. §9.4] as of the
end of an Almaty day, from pit's event log (DATABASE_URL: read access to ``events`` is enough).

The figures are the accepted annual reports' as the log told them that day, set against the
annex's targets and critical levels; the same day gives the same figures whenever it is asked.
Exit codes: 0 done; 2 usage or settings (DATABASE_URL); 5 the database cannot be reached.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.api_calls import ExitCode, errors

if TYPE_CHECKING:
    from audit.zone_report import Language, ZoneReport

zone_app = typer.Typer(
    help="The zone: its report to the authorized body (Reg. §9.4), read from the event log.",
    no_args_is_help=True,
)

AS_OF_HELP = (
    "The day (2026-05-04 or 04.05.2026): the report as the log told it at the end of that day "
    "in Almaty. Default: today in Almaty."
)
FIRST_DAY, LAST_DAY = date(2002, 1, 1), date(2100, 12, 31)  # as the console's dashboard
_STANDING_STYLE = {"at_or_above_target": "green", "between": "yellow", "below_critical": "red"}


def _day(text: str) -> date:
    """A day as ``2026-05-04`` or ``04.05.2026``, from 2002 to 2100.

    Raises:
        typer.BadParameter: neither, or out of range (a usage error: exit 2).
    """
    written = text.strip()
    try:
        if len(written) == len("04.05.2026") and written[2] == "." and written[5] == ".":
            day = date(int(written[6:]), int(written[3:5]), int(written[:2]))
        else:
            day = date.fromisoformat(written)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise typer.BadParameter(
            f"{text!r} is no day from 2002 to 2100: write 2026-05-04 or 04.05.2026",
            param_hint="'--as-of'",
        )
    return day


@zone_app.command("report")
def report(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)
    ] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Write the report as CSV (UTF-8 with BOM, for Excel).", dir_okay=False
        ),
    ] = None,
    pdf_file: Annotated[
        Path | None,
        typer.Option("--pdf", help="Write the report as a PDF with charts.", dir_okay=False),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="The language of the table and the files: ru or en.")
    ] = "ru",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """The zone's report as of a day: per year, the participants with an accepted annual report,
    investment (foreign, domestic, total), production, jobs and the Kazakhstani content share,
    each against the target and critical level the decree's annex (and the zone) set for the
    year, with its status. Indicators the annual reports do not carry (ICT labs and
    departments) are marked not reported. Reads the event log up to the end of the day, so a
    report accepted later does not count.
    """
    from cli.environment import database_url
    from domain.calendar import almaty_date

    if lang not in ("ru", "en"):
        raise typer.BadParameter(f"{lang!r}: write ru or en", param_hint="'--lang'")
    language: Language = "ru" if lang == "ru" else "en"
    generated_at = datetime.now(UTC)
    day = _day(as_of) if as_of is not None else almaty_date(generated_at)
    dsn = database_url()
    made = _report_from(dsn, day)
    wrote = Console(stderr=as_json)
    if csv_file is not None:
        from audit.zone_report import zone_report_csv

        csv_file.write_bytes(zone_report_csv(made, language))
        wrote.print(f"wrote {escape(str(csv_file))}")
    if pdf_file is not None:
        from audit.zone_report_pdf import zone_report_pdf

        pdf_file.write_bytes(zone_report_pdf(made, language, generated_at=generated_at))
        wrote.print(f"wrote {escape(str(pdf_file))}")
    if as_json:
        typer.echo(json.dumps(made.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    _print_report(made, language)


def _report_from(dsn: str, day: date) -> ZoneReport:
    from asyncpg.exceptions import InsufficientPrivilegeError, UndefinedTableError

    from audit.zone_report import zone_report
    from eventstore import PostgresEventStore, StoreUnavailable

    async def run() -> ZoneReport:
        # An auditor's login reads as itself: no role to assume, no wake-ups to send.
        store = await PostgresEventStore.open(
            dsn, app_role=None, notify=False, min_size=1, max_size=4
        )
        try:
            return await zone_report(store, day)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except StoreUnavailable as error:
        errors().print(f"the database cannot be reached: {escape(str(error))}")
        raise typer.Exit(ExitCode.UNAVAILABLE) from None
    except (UndefinedTableError, InsufficientPrivilegeError) as error:
        errors().print(
            f"DATABASE_URL does not let this login read pit's event log: {escape(str(error))}"
        )
        raise typer.Exit(ExitCode.USAGE) from None


def _print_report(made: ZoneReport, language: Language) -> None:
    from audit.zone_report import CSV_HEADERS, INDICATOR_NAMES, STANDING_NAMES, UNIT_NAMES, shown

    console = Console()
    day = made.as_of.strftime("%d.%m.%Y")
    console.print(
        f"[bold]{escape(made.zone_name(language))}[/]: the zone's report as of the end of {day} "
        f"(Almaty) [{escape('; '.join(made.legal_basis))}]"
    )
    console.print(
        f"{len(made.accepted_reports)} annual report(s) accepted by then, "
        f"{made.agreements} agreement(s) in the log"
    )
    if not made.years:
        console.print("no accepted report and no indicator level by then")
        return
    for year in made.years:
        actuals = made.actuals_of(year)
        caption = (
            f"{actuals.reports} report(s) accepted, {actuals.participants} participant(s)"
            if actuals is not None
            else "no report accepted"
        )
        table = Table(title=f"{year}: {caption}", title_justify="left")
        indicator, unit, _, actual, target, critical, status = CSV_HEADERS[language]
        table.add_column(indicator, overflow="fold")
        table.add_column(unit, overflow="fold")
        for figure in (actual, target, critical):
            table.add_column(figure, justify="right", no_wrap=True)
        table.add_column(status, overflow="fold")
        for line in made.lines_of(year):
            style = _STANDING_STYLE.get(line.standing, "dim")
            table.add_row(
                escape(INDICATOR_NAMES[line.indicator](language)),
                escape(UNIT_NAMES[line.indicator](language)),
                shown(line.indicator, line.actual),
                shown(line.indicator, line.target),
                shown(line.indicator, line.critical),
                f"[{style}]{escape(STANDING_NAMES[line.standing](language))}[/]",
            )
        console.print(table)
    if made.not_reported:
        names = ", ".join(i.value for i in made.not_reported)
        console.print(f"not in the annual reports, so not reported: {names}")
