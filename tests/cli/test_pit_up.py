"""`pit up`, as `make run` calls it on a fresh machine: everything started, used, and stopped."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from domain.agreement import Status
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, form
from tests.ports import free_port
from workers.agreement_client import submit_application

PIT = Path(sys.executable).with_name("pit")


def read_until(process: subprocess.Popen[bytes], marker: str, seconds: float) -> str:
    """pit up's output until ``marker`` appears (bounded by ``seconds``).

    Raw reads of the pipe: a buffered readline would hide lines already read from select().
    """
    assert process.stdout is not None
    descriptor, seen = process.stdout.fileno(), b""
    deadline = time.monotonic() + seconds
    while marker.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([descriptor], [], [], deadline - time.monotonic())
        chunk = os.read(descriptor, 65536) if ready else b""
        if not chunk:
            break
        seen += chunk
    return seen.decode()


async def test_pit_up_starts_postgres_temporal_and_the_worker_and_stops_them(
    tmp_path: Path,
) -> None:
    temporal_port, task_queue = free_port(), f"agreements-{uuid4()}"
    smtp_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEMPORAL_ADDRESS")}
    env.pop("SMTP_URL", None)  # pit up runs its own SMTP catcher
    env |= {
        "PIT_HOME": str(tmp_path / "home"),
        "PIT_LOG_FORMAT": "json",
        "PIT_TEMPORAL_PORT": str(temporal_port),
        "PIT_TEMPORAL_UI_PORT": str(free_port()),
        "PIT_TASK_QUEUE": task_queue,
        "PIT_SMTP_PORT": str(smtp_port),
        "PIT_API_PORT": str(api_port),
    }
    process = subprocess.Popen(  # noqa: ASYNC220 - pit up must outlive the awaits below
        [str(PIT), "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        said = read_until(process, "worker on task queue", seconds=120)
        database = re.search(r"PostgreSQL: (\S+)", said)
        assert database is not None, said
        assert f"Temporal: 127.0.0.1:{temporal_port}" in said
        assert "Temporal Web UI: http://127.0.0.1:" in said
        mail = f"Mail: smtp://127.0.0.1:{smtp_port}, kept in {tmp_path / 'home' / 'mail'}"
        assert mail in said
        api = f"http://127.0.0.1:{api_port}"
        assert f"API: {api}/api (OpenAPI: {api}/docs)" in said
        async with httpx.AsyncClient(timeout=30) as http:
            health = (await http.get(f"{api}/api/health")).json()

        connection = await asyncpg.connect(database.group(1))
        try:
            tables = {r[0] for r in await connection.fetch("SELECT tablename FROM pg_tables")}
        finally:
            await connection.close()
        client = await Client.connect(
            f"127.0.0.1:{temporal_port}", data_converter=pydantic_data_converter
        )
        state = await submit_application(
            client,
            agreement_id=uuid4().hex,
            form=form(),
            actor=PARTICIPANT,
            correlation_id="make-run",
            task_queue=task_queue,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=90)

    assert {"events", "subscription_checkpoints", "mail_deliveries"} <= tables
    assert state.status is Status.IN_REVIEW
    assert health == {"status": "ok"}
    assert exit_code == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", temporal_port)) != 0, "the dev server still runs"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", smtp_port)) != 0, "the mail catcher still runs"
    assert (tmp_path / "home" / "temporal.sqlite").is_file()
    with closing(sqlite3.connect(tmp_path / "home" / "temporal.sqlite")) as kept:
        # Readers do not wait for the writer (workers/temporal_settings.py).
        assert kept.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", api_port)) != 0, "the API still runs"
