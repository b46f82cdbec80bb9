"""Fixtures for real services shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from workers.database import postgres
from workers.mail_catcher import MailCatcher, mail_catcher

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def admin_database_url() -> Iterator[str]:
    """A PostgreSQL superuser URL: DATABASE_URL, else an embedded server under .pit/.

    Tests create their own databases from it and drop them; they never write to its database.
    """
    with postgres(os.environ.get("DATABASE_URL"), ROOT / ".pit", name="test-postgres") as db:
        yield db.url


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    """Undo a test's structlog configuration (`pit worker` in-process configures it): its
    loggers hold that test's captured stderr, which pytest closes afterwards."""
    yield
    structlog.reset_defaults()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[MailCatcher]:
    """An SMTP catcher on 127.0.0.1 for a test, keeping mail in a Maildir."""
    with mail_catcher(tmp_path, 0) as catcher:
        yield catcher
