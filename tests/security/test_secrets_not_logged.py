"""No secret reaches a log: a full run of `pit worker` (an agreement concluded, its notices
mailed through an SMTP server that refuses the credentials), of `pit serve` (logins by API and
console, bearer tokens, session cookies, scrapes with the metrics' token) and a worker that
cannot reach its database, all at DEBUG in JSON, grepped for every secret they were given or
made."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import httpx
import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.agreement import AgreementState, Status
from domain.agreement.commands import (
    ApproveConclusion,
    RecommendConclusion,
    SignAsParticipant,
    SignForManagementCompany,
)
from eventstore.checkpoints import SigningKey
from tests.deploy.test_pit_serve import _healthy
from tests.domain.agreement.agreement_scenarios import APPROVER, PARTICIPANT, REVIEWER, form
from tests.ports import free_port
from tests.workflows.test_agreement_updates import act
from workers.agreement_client import submit_application
from workers.mail_catcher import MailCatcher
from workflows.agreement import AgreementWorkflow, workflow_id

pytestmark = pytest.mark.postgres

PIT = Path(sys.executable).with_name("pit")
BOUND_S = 60  # bounds on starting and stopping, not timings under test
DB_SECRET = "db-Pa55-" + uuid4().hex
SMTP_SECRET = "smtp-Pa55-" + uuid4().hex
USER_PASSWORD = "a long passphrase " + uuid4().hex
METRICS_TOKEN = "metrics-" + uuid4().hex
# The notices' first delivery attempts fail on the SMTP server's missing AUTH and log it, with
# a traceback through aiosmtplib's login: waited for (at most POLLS x POLL_S), not slept on (a
# fixed 4 s was too short once on a busy machine).
FAILED_LOGIN = "_maybe_login_on_connect"
POLLS, POLL_S = 120, 0.5


def _with_password(dsn: str, password: str) -> str:
    """The DSN with a password (the test server trusts loopback logins: it is ignored)."""
    parts = urlsplit(dsn)
    user = parts.username or "postgres"
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


def _assert_no_secret(logs: str, secrets: dict[str, str]) -> None:
    leaked = [name for name, value in secrets.items() if value and value in logs]
    assert not leaked, f"secrets in the logs: {leaked}"


def _key_secrets(path: Path) -> dict[str, str]:
    body = [line for line in path.read_text().splitlines() if "PRIVATE KEY" not in line]
    return {f"checkpoint key line {n}": line for n, line in enumerate(body)}


async def test_a_worker_run_logs_no_database_smtp_or_signing_secret(
    dev_server: WorkflowEnvironment, fresh_dsn: str, smtp: MailCatcher, tmp_path: Path
) -> None:
    key_file = tmp_path / "checkpoint-key.pem"
    SigningKey.generate().write(key_file)
    catcher = urlsplit(smtp.url)
    task_queue, agreement_id = f"secrets-{uuid4()}", uuid4().hex
    env = os.environ | {
        "DATABASE_URL": _with_password(fresh_dsn, DB_SECRET),
        "SMTP_URL": f"smtp://pit-mailer:{SMTP_SECRET}@{catcher.hostname}:{catcher.port}",
        "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "PIT_TASK_QUEUE": task_queue,
        "PIT_CHECKPOINT_KEY_FILE": str(key_file),
        "PIT_METRICS_ADDRESS": "",
        "PIT_LOG_FORMAT": "json",
        "PIT_LOG_LEVEL": "DEBUG",
    }
    log_file = tmp_path / "worker.log"
    output = log_file.open("w", encoding="utf-8")
    worker = subprocess.Popen(  # noqa: ASYNC220 - a process of its own, as operators run it
        [str(PIT), "worker"], env=env, stdout=output, stderr=subprocess.STDOUT, text=True
    )
    try:
        state = await asyncio.wait_for(
            submit_application(
                dev_server.client,
                agreement_id=agreement_id,
                form=form(),
                actor=PARTICIPANT,
                correlation_id="secrets-check",
                task_queue=task_queue,
            ),
            timeout=BOUND_S,
        )
        handle: WorkflowHandle[AgreementWorkflow, AgreementState] = (
            dev_server.client.get_workflow_handle_for(
                AgreementWorkflow.run, workflow_id(agreement_id)
            )
        )
        await act(handle, RecommendConclusion(note="fits"), REVIEWER)
        await act(handle, ApproveConclusion(agreement_number="PIT-SECRET-1"), APPROVER)
        await act(handle, SignAsParticipant(), PARTICIPANT)
        concluded = await act(handle, SignForManagementCompany(), APPROVER)
        for _ in range(POLLS):
            if FAILED_LOGIN in log_file.read_text(encoding="utf-8"):
                break
            await asyncio.sleep(POLL_S)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=BOUND_S)
        output.close()
    logs = log_file.read_text(encoding="utf-8")

    assert state.status is Status.IN_REVIEW
    assert concluded.status is Status.ACTIVE
    assert worker.returncode == 0, logs[-2000:]
    assert '"event": "checkpoint_key"' in logs  # the key's id is logged, not the key
    # The notices' deliveries failed on the SMTP server's missing AUTH, with a traceback:
    assert "'activity_type': 'deliver_mail'" in logs
    assert FAILED_LOGIN in logs
    secrets = {"database password": DB_SECRET, "SMTP password": SMTP_SECRET}
    _assert_no_secret(logs, secrets | _key_secrets(key_file))


def test_a_worker_that_cannot_reach_its_database_does_not_log_the_password(
    tmp_path: Path,
) -> None:
    closed = free_port()
    env = os.environ | {
        "DATABASE_URL": f"postgresql://pit:{DB_SECRET}@127.0.0.1:{closed}/pit",
        "SMTP_URL": f"smtp://pit-mailer:{SMTP_SECRET}@127.0.0.1:{free_port()}",
        "TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PIT_METRICS_ADDRESS": "",
        "PIT_LOG_FORMAT": "json",
        "PIT_LOG_LEVEL": "DEBUG",
    }
    failed = subprocess.run(
        [str(PIT), "worker"], env=env, capture_output=True, text=True, timeout=BOUND_S
    )

    assert failed.returncode != 0
    _assert_no_secret(
        failed.stdout + failed.stderr,
        {"database password": DB_SECRET, "SMTP password": SMTP_SECRET},
    )


async def test_serving_people_logs_no_password_token_or_session(
    dev_server: WorkflowEnvironment, fresh_dsn: str
) -> None:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": _with_password(fresh_dsn, DB_SECRET),
        "TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "PIT_API_HOST": "127.0.0.1",
        "PIT_API_PORT": str(port),
        "PIT_METRICS_TOKEN": METRICS_TOKEN,
        "PIT_LOG_FORMAT": "json",
        "PIT_LOG_LEVEL": "DEBUG",
    }
    subprocess.run(  # noqa: ASYNC221 - the operator's own commands, in order
        [str(PIT), "users", "add", "reviewer-secret", "--role", "reviewer", "--password-stdin"],
        env=env,
        input=USER_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=BOUND_S,
        check=True,
    )
    token = subprocess.run(  # noqa: ASYNC221
        [str(PIT), "users", "token", "reviewer-secret", "--name", "secrets check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=BOUND_S,
        check=True,
    ).stdout.split()[-1]
    server = subprocess.Popen(  # noqa: ASYNC220 - a process of its own, as compose runs it
        [str(PIT), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    cookies: list[str] = []
    try:
        await _healthy(url)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            by_api = await http.post(
                "/api/session", json={"login": "reviewer-secret", "password": USER_PASSWORD}
            )
            cookies += [v for v in by_api.cookies.values()]
            wrong = await http.post(
                "/api/session", json={"login": "reviewer-secret", "password": USER_PASSWORD + "x"}
            )
            listed = await http.get("/api/agreements", headers={"Authorization": f"Bearer {token}"})
            forged = await http.get(
                "/api/agreements", headers={"Authorization": f"Bearer {token}x"}
            )
            scraped = await http.get(
                "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
            )
            unscraped = await http.get(
                "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}x"}
            )
        async with httpx.AsyncClient(base_url=url, timeout=30) as browser:
            console = await browser.post(
                "/login", data={"login": "reviewer-secret", "password": USER_PASSWORD}
            )
            cookies += [v for v in browser.cookies.values()]
    finally:
        server.send_signal(signal.SIGTERM)
        logs, _ = server.communicate(timeout=BOUND_S)

    assert by_api.status_code == 200, by_api.text
    assert wrong.status_code == 401
    assert listed.status_code == 200
    assert forged.status_code == 401
    assert scraped.status_code == 200, scraped.text
    assert 'pit_up{component="database"} 1.0' in scraped.text
    assert unscraped.status_code == 401
    assert console.status_code in (200, 303)
    assert cookies, "no session cookie was set"
    assert server.returncode == 0, logs[-2000:]
    _assert_no_secret(
        logs,
        {
            "database password": DB_SECRET,
            "user password": USER_PASSWORD,
            "API token": token,
            "metrics token": METRICS_TOKEN,
            **{f"session cookie {n}": value for n, value in enumerate(cookies)},
        },
    )
