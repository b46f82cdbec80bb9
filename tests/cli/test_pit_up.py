"""`pit up`, as `make run` calls it: PostgreSQL found or started, migrated, and reported."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from cli.main import app

PIT = Path(sys.executable).with_name("pit")


async def test_pit_up_without_database_url_starts_and_migrates_an_embedded_postgres(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PIT_HOME": str(tmp_path / "home"), "PIT_LOG_FORMAT": "json"}
    # A blocking Popen in a coroutine is fine here: the server must outlive the awaits below.
    process = subprocess.Popen(  # noqa: ASYNC220
        [str(PIT), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        url = None
        deadline = time.monotonic() + 120  # bounded: initdb and start take a few seconds
        assert process.stdout is not None
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
            if not ready:
                break
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"PostgreSQL: (\S+)", line)
            url = found.group(1) if found else None
        assert url is not None, "pit up never said where PostgreSQL is"
        connection = await asyncpg.connect(url)
        try:
            tables = {r[0] for r in await connection.fetch("SELECT tablename FROM pg_tables")}
        finally:
            await connection.close()
        assert {"events", "subscription_checkpoints"} <= tables
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert (tmp_path / "home" / "postgres").is_dir()


def test_pit_up_with_database_url_migrates_it_and_returns(
    monkeypatch: pytest.MonkeyPatch, fresh_dsn: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    result = CliRunner().invoke(app, ["up"])
    assert result.exit_code == 0, result.output
    assert fresh_dsn in result.output
