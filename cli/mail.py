"""`pit mail`: the mail `pit up`'s SMTP catcher kept (the Maildir PIT_HOME/mail)."""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from domain.calendar import ALMATY
from workers.settings import PitSettings

FOLD = re.compile(r"\r?\n(?=[ \t])")

mail_app = typer.Typer(
    help="Mail caught by `pit up` when SMTP_URL is not set (kept in PIT_HOME/mail).",
    no_args_is_help=True,
)


def _maildir() -> Path:
    return PitSettings().pit_home / "mail"


def _caught() -> list[tuple[str, EmailMessage]]:
    """Every caught message with its Maildir key, oldest first (by its Date header)."""
    folder = _maildir()
    if not folder.is_dir():
        return []
    box = mailbox.Maildir(folder, create=False)
    found: list[tuple[str, EmailMessage]] = []
    for key in box.iterkeys():
        parsed = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        if isinstance(parsed, EmailMessage):
            found.append((key, parsed))
    return sorted(found, key=lambda pair: (_timestamp(pair[1]), pair[0]))


def _sent_at(message: EmailMessage) -> datetime | None:
    date = message["Date"]
    if date is None:
        return None
    try:
        sent = parsedate_to_datetime(str(date))
    except (TypeError, ValueError):
        return None
    # "-0000" means "zone unknown" (RFC 5322): read it as UTC.
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)


def _timestamp(message: EmailMessage) -> float:
    sent = _sent_at(message)
    return sent.timestamp() if sent is not None else 0.0


def header_text(message: EmailMessage, name: str) -> str | None:
    """A header as a person reads it: RFC 2047 encoded words decoded, folding undone.

    Decoded from the raw text: the default policy's parser puts a space between the encoded
    words a long Cyrillic display name is folded into ("техн ологий").
    """
    for found, raw in message.raw_items():
        if found.lower() == name.lower():
            unfolded = FOLD.sub("", str(raw))  # RFC 5322 2.2.3: remove the CRLF, keep the WSP
            return str(make_header(decode_header(unfolded))).strip()
    return None


def _summary(key: str, message: EmailMessage) -> dict[str, str | None]:
    return {
        "key": key,
        "date": sent.isoformat() if (sent := _sent_at(message)) else None,
        "from": header_text(message, "From"),
        "to": header_text(message, "To"),
        "subject": header_text(message, "Subject"),
        "message_id": header_text(message, "Message-ID"),
        "mail_id": header_text(message, "X-Pit-Mail-Id"),
    }


@mail_app.command("list")
def list_mail(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array, for scripts.")] = False,
) -> None:
    """List the caught mail, oldest first: key (for `pit mail show`), date, to, subject."""
    summaries = [_summary(key, message) for key, message in _caught()]
    if as_json:
        typer.echo(json.dumps(summaries, ensure_ascii=False, indent=2))
        return
    console = Console()
    if not summaries:
        console.print(f"no mail in {_maildir()}")
        return
    table = Table(title=f"Mail kept in {_maildir()}")
    table.add_column("key", no_wrap=True)  # copied into `pit mail show`: kept whole
    table.add_column("date (Almaty)", no_wrap=True)
    table.add_column("to", overflow="fold")
    table.add_column("subject", overflow="fold")
    for summary in summaries:
        date = summary["date"]
        # Almaty time, written as Kazakhstan writes dates.
        shown = (
            datetime.fromisoformat(date).astimezone(ALMATY).strftime("%d.%m.%Y %H:%M")
            if date
            else ""
        )
        table.add_row(summary["key"] or "", shown, summary["to"] or "", summary["subject"] or "")
    console.print(table)


@mail_app.command()
def show(
    key: Annotated[str, typer.Argument(help="A key from `pit mail list`, or a pit mail id.")],
) -> None:
    """Print one caught message: its headers and its text."""
    for found_key, message in _caught():
        if key in (found_key, header_text(message, "X-Pit-Mail-Id")):
            break
    else:
        typer.echo(f"no mail {key!r} in {_maildir()}: see `pit mail list`", err=True)
        raise typer.Exit(code=1)
    for name in ("Date", "From", "To", "Subject", "Message-ID", "X-Pit-Mail-Id"):
        if (text := header_text(message, name)) is not None:
            typer.echo(f"{name}: {text}")
    body = message.get_body(preferencelist=("plain",))
    typer.echo("")
    typer.echo(body.get_content() if isinstance(body, EmailMessage) else "(no text part)")
