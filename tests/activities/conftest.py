"""Fixtures of the activities' tests: real PostgreSQL databases and a real SMTP catcher.

The database fixtures live in tests/eventstore/conftest.py; importing them here registers them
for this folder (this folder migrates its own template database, named after its own run id).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from workers.mail_catcher import MailCatcher, mail_catcher

__all__ = ["admin_dsn", "catcher", "databases", "fresh_dsn", "run_id"]


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[MailCatcher]:
    """An SMTP catcher on a free port of 127.0.0.1, keeping mail in the test's own Maildir."""
    with mail_catcher(tmp_path / "home", 0) as running:
        yield running
