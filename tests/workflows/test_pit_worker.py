"""`pit worker`, as an operator runs it: a process of its own against a Temporal server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from cli.main import app
from domain.agreement import Status
from eventstore import PostgresEventStore
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, form
from workers.agreement_client import submit_application
from workers.mail_catcher import MailCatcher
from workflows.agreement import workflow_id

VENV_BIN = Path(sys.executable).parent


async def test_pit_worker_decides_submitted_applications_and_stops_cleanly_on_sigterm(
    dev_server: WorkflowEnvironment,
    fresh_store: PostgresEventStore,
    fresh_dsn: str,
    smtp: MailCatcher,
) -> None:
    agreement_id, task_queue = uuid4().hex, f"agreements-{uuid4()}"
    env = os.environ | {
        "DATABASE_URL": fresh_dsn,
        "SMTP_URL": smtp.url,
        "PIT_METRICS_ADDRESS": "",
        "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "PIT_TASK_QUEUE": task_queue,
        "PIT_LOG_FORMAT": "json",
    }
    worker = subprocess.Popen(  # noqa: ASYNC220 - a process of its own, as operators run it
        [str(VENV_BIN / "pit"), "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        state = await asyncio.wait_for(
            submit_application(
                dev_server.client,
                agreement_id=agreement_id,
                form=form(),
                actor=PARTICIPANT,
                correlation_id="portal-request-1",
                task_queue=task_queue,
            ),
            timeout=60,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        _, logs = worker.communicate(timeout=60)

    assert state.status is Status.IN_REVIEW
    assert worker.returncode == 0, logs
    assert '"event": "worker_started"' in logs
    assert '"event": "worker_stopped"' in logs
    recorded = await fresh_store.read_stream(workflow_id(agreement_id))
    assert [e.type for e in recorded][:2] == ["ApplicationSubmitted", "ScreeningPassed"]
    assert recorded[0].metadata.correlation_id == "portal-request-1"


def test_pit_worker_names_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TEMPORAL_ADDRESS", raising=False)
    monkeypatch.delenv("SMTP_URL", raising=False)
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output
    assert "TEMPORAL_ADDRESS" in result.output
    assert "SMTP_URL" in result.output
