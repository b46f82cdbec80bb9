"""Fixtures for real services shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from workers.database import postgres

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def admin_database_url() -> Iterator[str]:
    """A PostgreSQL superuser URL: DATABASE_URL, else an embedded server under .pit/.

    Tests create their own databases from it and drop them; they never write to its database.
    """
    with postgres(os.environ.get("DATABASE_URL"), ROOT / ".pit", name="test-postgres") as db:
        yield db.url
