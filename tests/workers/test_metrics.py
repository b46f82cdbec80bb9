"""The worker's Temporal SDK metrics, served for Prometheus on PIT_METRICS_ADDRESS."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from uuid import uuid4

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.agreement import Status
from tests.domain.agreement.agreement_scenarios import PARTICIPANT, form
from tests.ports import free_port
from workers.agreement_client import submit_application
from workers.mail_catcher import MailCatcher
from workers.main import run_worker
from workers.metrics import MetricsUnavailable, metrics_url, temporal_runtime
from workers.settings import PitSettings

VENV_BIN = Path(sys.executable).parent
# Names the SDK's core exports once a worker polled and ran a workflow task.
TEMPORAL_METRICS = (
    "temporal_request",
    "temporal_worker_task_slots_available",
    "temporal_workflow_task_execution_latency",
)

# pit's own, recorded through the SDK's metric meter (activities/metrics.py).
PIT_METRICS = ("pit_events", "pit_append_latency")


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our loopback URL
        body: bytes = response.read()
        return body.decode()


async def scrape_until(url: str, names: tuple[str, ...], attempts: int = 50) -> str:
    """The exposition once every name is in it, or the last one read (bounded)."""
    text = ""
    for _ in range(attempts):
        text = await asyncio.to_thread(scrape, url)
        if all(name in text for name in names):
            break
        await asyncio.sleep(0.1)
    return text


async def test_pit_worker_serves_temporal_sdk_metrics_for_prometheus(
    dev_server: WorkflowEnvironment, fresh_dsn: str, smtp: MailCatcher
) -> None:
    address, task_queue = f"127.0.0.1:{free_port()}", f"agreements-{uuid4()}"
    env = os.environ | {
        "DATABASE_URL": fresh_dsn,
        "SMTP_URL": smtp.url,
        "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "PIT_TASK_QUEUE": task_queue,
        "PIT_LOG_FORMAT": "json",
        "PIT_METRICS_ADDRESS": address,
    }
    worker = subprocess.Popen(  # noqa: ASYNC220 - a process of its own, as operators run it
        [str(VENV_BIN / "pit"), "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        state = await asyncio.wait_for(
            submit_application(
                dev_server.client,
                agreement_id=uuid4().hex,
                form=form(),
                actor=PARTICIPANT,
                correlation_id="metrics-1",
                task_queue=task_queue,
            ),
            timeout=60,
        )
        exposition = await scrape_until(metrics_url(address), TEMPORAL_METRICS + PIT_METRICS)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, logs = worker.communicate(timeout=60)

    assert state.status is Status.IN_REVIEW
    for name in TEMPORAL_METRICS + PIT_METRICS:
        assert name in exposition, name
    # pit's own: the submission's two events (submitted, screened) written once each.
    appended = [
        line
        for line in exposition.splitlines()
        if line.startswith("pit_events") and 'outcome="appended"' in line
    ]
    assert appended, exposition
    assert sum(float(line.rsplit(" ", 1)[1]) for line in appended) >= 2
    assert f'task_queue="{task_queue}"' in exposition, "the metrics are this worker's"
    assert '"event": "metrics_served"' in logs
    assert worker.returncode == 0, logs


async def test_a_taken_metrics_port_leaves_the_worker_deciding_without_metrics(
    dev_server: WorkflowEnvironment, fresh_dsn: str, smtp: MailCatcher
) -> None:
    task_queue = f"agreements-{uuid4()}"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        settings = PitSettings.model_validate(
            {
                "DATABASE_URL": fresh_dsn,
                "SMTP_URL": smtp.url,
                "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
                "PIT_TASK_QUEUE": task_queue,
                "PIT_METRICS_ADDRESS": address,
            }
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            state = await asyncio.wait_for(
                submit_application(
                    dev_server.client,
                    agreement_id=uuid4().hex,
                    form=form(),
                    actor=PARTICIPANT,
                    correlation_id="metrics-2",
                    task_queue=task_queue,
                ),
                timeout=60,
            )
        finally:
            stop.set()
            await asyncio.wait_for(worker, timeout=60)

    assert state.status is Status.IN_REVIEW


def test_a_taken_or_malformed_metrics_address_is_refused_naming_the_variable() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(MetricsUnavailable, match="PIT_METRICS_ADDRESS"):
            temporal_runtime(f"127.0.0.1:{taken.getsockname()[1]}")
    with pytest.raises(MetricsUnavailable, match="PIT_METRICS_ADDRESS"):
        temporal_runtime("no port here")


def test_an_empty_metrics_address_turns_metrics_off() -> None:
    assert temporal_runtime("") is None
