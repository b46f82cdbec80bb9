"""`pit up --demo`, as a person tries pit: the demo loaded beside the worker, metrics served."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.request
from pathlib import Path
from uuid import uuid4

from typer.testing import CliRunner

from cli.main import app
from tests.cli.test_pit_up import PIT, read_until
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from tests.ports import free_port

__all__ = ["admin_dsn", "databases", "fresh_dsn", "run_id"]

STAGES = (
    "in review (3)",
    "changes requested (1)",
    "recommended (1)",
    "awaiting signatures (1)",
    "active (4)",
    "in breach (1)",
    "closing (1)",
    "terminated (1)",
    "refused (2)",
)


def test_pit_up_offers_the_demo() -> None:
    result = CliRunner().invoke(app, ["up", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "--demo" in result.output


def test_pit_up_demo_loads_every_stage_and_serves_metrics(tmp_path: Path, fresh_dsn: str) -> None:
    metrics_port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    env |= {
        "DATABASE_URL": fresh_dsn,  # a database of this test's own: the demo writes to it
        "PIT_HOME": str(tmp_path / "home"),
        "PIT_LOG_FORMAT": "json",
        "PIT_TEMPORAL_PORT": str(free_port()),
        "PIT_TEMPORAL_UI_PORT": str(free_port()),
        "PIT_TASK_QUEUE": f"agreements-{uuid4()}",
        "PIT_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
        "PIT_SMTP_PORT": "0",  # the mail catcher on a port the system picks
        "PIT_API_PORT": "0",  # and the API too
    }
    process = subprocess.Popen(
        [str(PIT), "up", "--demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        said = read_until(process, "actions recorded now", seconds=180)
        if STAGES[-1] not in said:  # the stages follow the count, maybe in a later read
            said += read_until(process, STAGES[-1], seconds=30)
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            exposition = response.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=90)

    assert f"Metrics: {url}" in said
    assert "demo: 15 agreements" in said, said
    for stage in STAGES:
        assert stage in said, stage
    assert "temporal_workflow_task_execution_latency" in exposition
    assert exit_code == 0
