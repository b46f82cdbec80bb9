"""`pit serve`, as the compose file's `api` service runs it: a process of its own serving the
API and the console against given PostgreSQL and Temporal, with no worker of its own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from cli.main import app
from tests.ports import free_port
from tests.workflows.conftest import admin_dsn, databases, dev_server, fresh_dsn, run_id

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id"]

PIT = Path(sys.executable).with_name("pit")
START_BOUND_S = 60  # a bound on starting, not a timing under test


async def _healthy(url: str) -> dict[str, str]:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(START_BOUND_S * 10):
            try:
                response = await http.get(f"{url}/api/health")
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            health: dict[str, str] = response.json()
            return health
    raise AssertionError(f"{url} did not answer within {START_BOUND_S}s")


async def test_pit_serve_serves_the_api_and_console_to_a_user_and_stops_cleanly_on_sigterm(
    dev_server: WorkflowEnvironment, fresh_dsn: str
) -> None:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": fresh_dsn,
        "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "PIT_API_HOST": "127.0.0.1",
        "PIT_API_PORT": str(port),
        "PIT_LOG_FORMAT": "json",
    }
    added = subprocess.run(  # noqa: ASYNC221 - the operator's own commands, in order
        [str(PIT), "users", "add", "auditor-asel", "--role", "auditor", "--password-stdin"],
        env=env,
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        timeout=START_BOUND_S,
        check=True,
    )
    token = subprocess.run(  # noqa: ASYNC221
        [str(PIT), "users", "token", "auditor-asel", "--name", "compose check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=START_BOUND_S,
        check=True,
    ).stdout.split()[-1]
    server = subprocess.Popen(  # noqa: ASYNC220 - a process of its own, as compose runs it
        [str(PIT), "serve"], env=env, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        health = await _healthy(url)
        async with httpx.AsyncClient(timeout=30) as http:
            anonymous = await http.get(f"{url}/api/agreements")
            listed = await http.get(
                f"{url}/api/agreements", headers={"Authorization": f"Bearer {token}"}
            )
            console = await http.get(f"{url}/")
    finally:
        server.send_signal(signal.SIGTERM)
        _, logs = server.communicate(timeout=60)

    assert added.returncode == 0
    assert health == {"status": "ok"}
    assert anonymous.status_code == 401
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []
    assert console.status_code < 500
    assert server.returncode == 0, logs
    assert '"event": "api_serving"' in logs
    assert '"event": "api_stopped"' in logs


def test_pit_serve_names_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TEMPORAL_ADDRESS", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output
    assert "TEMPORAL_ADDRESS" in result.output
