"""What an SMTP catcher received, when, and whether a second copy of a mail is the one window
activities/mail.py documents: the SMTP server took the message, the worker died before COMMIT.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

import asyncpg


@dataclass(frozen=True)
class Copy:
    """One message the catcher kept: its Message-ID, its mail id, when it arrived (the time
    the catcher wrote it, seconds since the epoch on this machine's clock)."""

    message_id: str
    mail_id: str
    arrived: float


@dataclass(frozen=True)
class Delivery:
    """A row of ``mail_deliveries``: the attempt that committed, and when it began."""

    mail_id: str
    message_id: str
    sent_at: float


def copies(maildir: Path) -> list[Copy]:
    """Every message in the Maildir (``new/``, or ``cur/`` once a reader saw it), in the order
    they arrived."""
    found = []
    for folder in ("new", "cur"):
        for path in sorted((maildir / folder).glob("*")) if (maildir / folder).is_dir() else ():
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            found.append(
                Copy(
                    str(message["Message-ID"]),
                    str(message["X-Pit-Mail-Id"]).strip(),  # a long id is folded onto its own line
                    path.stat().st_mtime,
                )
            )
    return sorted(found, key=lambda copy: copy.arrived)


async def deliveries(dsn: str) -> dict[str, Delivery]:
    """The outbox's record of delivered mail, by mail id."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT mail_id, message_id, sent_at FROM mail_deliveries")
    finally:
        await connection.close()
    return {
        row["mail_id"]: Delivery(row["mail_id"], row["message_id"], row["sent_at"].timestamp())
        for row in rows
    }


def window_problem(sent: list[Copy], delivery: Delivery | None, kills: list[float]) -> str | None:
    """Why the copies of one mail are not explained by the documented window; None if they are.

    They are when the outbox recorded the mail once, under the copies' Message-ID, from an
    attempt that began after every earlier copy had arrived (so none of those attempts
    committed: each was rolled back after the SMTP server took its copy), and a worker was
    killed after each earlier copy arrived and before the next one did.
    """
    if delivery is None:
        return "the outbox has no record of it"
    if {copy.message_id for copy in sent} != {delivery.message_id}:
        return f"the copies' Message-IDs differ from the record's {delivery.message_id}"
    earlier, last = sent[:-1], sent[-1]
    if any(copy.arrived >= delivery.sent_at for copy in earlier):
        return "an earlier copy arrived after the recorded attempt began: two attempts sent"
    for copy, after in zip(earlier, sent[1:], strict=True):
        if not any(copy.arrived < kill < after.arrived for kill in kills):
            return (
                f"no worker was killed between copies arriving at {copy.arrived}, {after.arrived}"
            )
    if delivery.sent_at > last.arrived:
        return "the recorded attempt began after the last copy arrived"
    return None
