"""Killing the Temporal dev server (SIGKILL) mid-lifecycle and starting it again on its persistent
SQLite file, as `pit up` runs it, loses and doubles nothing: every agreement comes out where its
script takes it.

Ten agreements go concurrently through the scripted lives of tests/faults/agreement_lives.py,
driven by the persistent front door of tests/faults/driver.py, with the real worker in this
process (agreement_worker with the PostgreSQL store and the mail activities) on one client. The
test starts a dev server of its own (tests/faults/killable_temporal.py: 127.0.0.1, a port of
its own, a file in a temporary folder) and kills it three times, each when the log holds a
seeded random share of the lives' scripted events (mid-lifecycle however fast the machine is),
leaving it down a random while. Nothing
reconnects by hand: the client's channel and the worker's polls find the server again at the
same address; calls made while it is down fail and the driver retries them; a workflow task or
activity the server had handed out when it died times out on the server and is retried.

Then the invariants of tests/faults/test_worker_crashes.py: every log as scripted with
versions 1..n, no event id twice, every chain and a checkpoint made at the end verified, each
workflow's state equal to its log's fold, every history replayable (or failing only where the
healer resets a replayed run, after a half-done task), every notice mailed. The
worker never dies here, so the documented window for a second copy of a mail (activities/mail.py:
the SMTP server took the message, the worker or the database was lost before the COMMIT) cannot
open; a second copy is still judged by tests/faults/mailed_copies.py, with the server's kills
as the moments in between.

Reproduce a run with PIT_TEMPORAL_RESTART_SEED=<seed> (the failure messages name it).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
import pytest_asyncio
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError

from activities.mail import MailActivities, SmtpSettings, message_id_for
from domain.calendar import almaty_date
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey
from eventstore.integrity import verify_log
from tests.faults.agreement_checks import (
    assert_histories_replay,
    assert_lives_as_scripted,
    assert_streams_whole,
    explain_stuck,
    outcome_of,
    tolerated_failures,
)
from tests.faults.agreement_lives import Ending, life
from tests.faults.driver import CALL_TIMEOUT_S, Driven, WorkflowTaskFailing, drive
from tests.faults.killable_temporal import KillableTemporal
from tests.faults.log_checkpoint import checkpoint_of_all
from tests.faults.mailed_copies import Copy, copies, deliveries, window_problem
from workers.agreement_worker import agreement_worker
from workers.healer import half_done_tasks
from workers.mail_catcher import MailCatcher

pytestmark = pytest.mark.timeout(180)

SEED = int(os.environ.get("PIT_TEMPORAL_RESTART_SEED") or 0) or random.SystemRandom().randrange(
    1, 2**31
)
AGREEMENTS = 10
ENDINGS = (Ending.ACTIVE, Ending.MUTUAL_CONSENT, Ending.PARTICIPANT_REQUEST)
KILLS = 3
MIN_KILLS = 3
# Each kill comes when the log has reached a seeded random share of the lives' scripted
# events (so mid-lifecycle however fast the machine is), and the server stays down this long.
KILL_AT = (0.1, 0.9)
DOWN_S = (0.1, 1.0)
PROGRESS_POLL_S = 0.05
PROGRESS_POLLS = 2400  # x PROGRESS_POLL_S: a bound on waiting for the log to reach a share
SETTLE_S = 90.0  # for every life to finish after the last restart
MAIL_POLLS = 300  # x 0.2 s
READY_POLLS = 100  # x 0.2 s: for the first start to serve the default namespace
SENDER = "pit@sez-pit.localhost"
# The one task failure a kill may leave, when a later task of the run completed: the worker
# accepts again an update the server had completed before it died (the server refuses the
# task; the next task, replayed from the history, has the answer). Seen in 1 of 4 runs with
# eight kills and twenty agreements (2026-12-07); the summary line counts them.
AFTER_A_KILL = ("received *update.Acceptance message while in state Completed",)


@pytest_asyncio.fixture
async def temporal_server(tmp_path: Path) -> AsyncIterator[KillableTemporal]:
    """A dev server of the test's own on a SQLite file, killed if the test leaves it running."""
    folder = tmp_path / "temporal"
    folder.mkdir()
    server = KillableTemporal(folder)
    try:
        await server.start()
        yield server
    finally:
        await server.close()


async def test_agreements_come_out_whole_when_the_temporal_server_is_killed_and_restarted(
    temporal_server: KillableTemporal,
    fresh_dsn: str,
    fresh_store: PostgresEventStore,
    smtp: MailCatcher,
) -> None:
    seed, began = f"PIT_TEMPORAL_RESTART_SEED={SEED}", time.monotonic()
    server, run = temporal_server, uuid4().hex[:8]
    client = await _connect(server, seed)
    task_queue = f"temporal-restart-{run}"
    today = almaty_date(datetime.now(UTC))
    lives = [
        life(f"temporal-restart-{run}-{n:02d}", n, ENDINGS[n % len(ENDINGS)], today)
        for n in range(1, AGREEMENTS + 1)
    ]
    mail = await MailActivities.open(fresh_dsn, SmtpSettings.from_url(smtp.url), SENDER)
    worker = agreement_worker(client, fresh_store, task_queue, mail=mail)
    working = asyncio.create_task(worker.run())
    try:
        driving = asyncio.gather(*(drive(client, task_queue, one) for one in lives))
        try:
            scripted = sum(len(one.expected_events) for one in lives)
            logged = await _kill_repeatedly(
                server, fresh_dsn, driving, scripted, random.Random(SEED)
            )
            driven: list[Driven] = await asyncio.wait_for(driving, SETTLE_S)
        except WorkflowTaskFailing as stuck:
            await explain_stuck(client, stuck, seed)
        finally:
            driving.cancel()
            await asyncio.wait({driving}, timeout=CALL_TIMEOUT_S)
        outcome = await outcome_of(client, fresh_store, lives, smtp.maildir, seed, SETTLE_S)
        logs, mailed, states, histories = (
            outcome.logs,
            outcome.mailed,
            outcome.states,
            outcome.histories,
        )
        # The worker came through every kill of the server without a restart.
        assert not working.done(), (seed, working.exception() if working.done() else None)
    finally:
        if not working.done():
            await worker.shutdown()
        await asyncio.wait({working}, timeout=CALL_TIMEOUT_S)
        await mail.close()

    # Every kill fell mid-lifecycle: the log grew after the last one.
    assert MIN_KILLS <= len(server.kill_times) <= KILLS, seed
    assert logged[-1] < sum(len(events) for events in logs.values()), (seed, logged)
    half_done = sum(len(half_done_tasks(h)) for h in histories)
    passed_over = sum(tolerated_failures(h, AFTER_A_KILL) for h in histories)
    # Seen once in about 15 runs (seed 1009394177), then not in 79 runs nor in 64 heavier ones
    # on 2026-12-07: a history the live worker ran without a failure (the run in its cache) did
    # not replay offline, the SDK's update machine meeting a TimerStarted. The crash test then
    # caught the same error live (tests/faults/histories/answered_a_task_late_after_a_worker_
    # crash.json): a half-done task (workers/healer.py) had accepted an update, restarted the
    # loop's timer and recorded its append, leaving the update's answer to the next task; a
    # replay answers it first. temporalio 1.35's doing after a lost task. Such a run works on
    # while it stays cached; replayed (a restart, an eviction) it fails, and the healer resets
    # it to that task, as the crash test shows live. So a history that fails replay exactly
    # there passes (kept under artifacts/failed-histories/, counted below); any other fails.
    reset_when_replayed = await assert_histories_replay(
        histories, seed, AFTER_A_KILL, healer_resets=True
    )

    assert_lives_as_scripted(lives, logs, states, seed)

    # Every stream (the zone's too) has versions 1..n, no event id twice; the chains and a
    # checkpoint signed now verify against the log.
    streams, ids = await assert_streams_whole(fresh_store, lives, seed)
    key = SigningKey.generate()
    checkpoint = await checkpoint_of_all(fresh_dsn, key, len(ids), seed)
    report = await verify_log(fresh_dsn, [key.public_key])
    assert report.ok, (seed, report.first_problem)
    assert report.events == checkpoint.tree_size == len(ids), seed

    # Every notice and reminder mailed under its Message-ID and recorded once by the outbox.
    assert len(mailed) == len(set(mailed)), seed
    received = copies(smtp.maildir)
    by_mail: dict[str, list[Copy]] = {}
    for copy in received:
        by_mail.setdefault(copy.mail_id, []).append(copy)
    assert set(by_mail) == set(mailed), seed
    assert all(c.message_id == message_id_for(c.mail_id) for c in received), seed
    recorded_mail = await deliveries(fresh_dsn)
    assert set(recorded_mail) == set(mailed), seed
    twice = {mail_id: sent for mail_id, sent in by_mail.items() if len(sent) > 1}
    for mail_id, sent in twice.items():
        problem = window_problem(sent, recorded_mail.get(mail_id), server.kill_times)
        assert problem is None, (seed, mail_id, problem)

    down = ", ".join(f"{s:.1f}" for s in server.down_s)
    print(  # the run's size, for whoever reads the output (-s)
        f"\ntemporal restart test ({seed}): {len(server.kill_times)} kills (down {down} s, "
        f"at {logged} events), "
        f"{len(lives)} agreements, {len(ids)} events in {len(streams)} streams, "
        f"{len(mailed)} mails ({len(twice)} sent twice), "
        f"{sum(d.failed_calls for d in driven)} calls retried, "
        f"{half_done} tasks left half done, "
        f"{passed_over} task failures got past, "
        f"{len(reset_when_replayed)} runs to be reset if replayed, "
        f"{time.monotonic() - began:.1f} s"
    )


async def _connect(server: KillableTemporal, seed: str) -> Client:
    """A client of the server, once it serves the default namespace (a first start creates it
    after the frontend listens)."""
    for _ in range(READY_POLLS):
        try:
            client = await Client.connect(server.address, data_converter=pydantic_data_converter)
            await client.workflow_service.describe_namespace(
                DescribeNamespaceRequest(namespace=client.namespace)
            )
            return client
        except (RPCError, RuntimeError):  # RuntimeError: the connection itself failed
            await asyncio.sleep(0.2)
    raise AssertionError(f"{seed}: the dev server does not serve its namespace:\n{server.tail()}")


async def _kill_repeatedly(
    server: KillableTemporal,
    dsn: str,
    driving: asyncio.Future[list[Driven]],
    scripted: int,
    rng: random.Random,
) -> list[int]:
    """Kill the server KILLS times, each once the log holds a random share (KILL_AT) of the
    ``scripted`` events, and start it again on its file after a random while down; stop early
    if every life is over (or one failed).

    Returns:
        How many events the log held at each kill.
    """
    shares = sorted(rng.uniform(*KILL_AT) for _ in range(KILLS))
    logged: list[int] = []
    for share in shares:
        for _ in range(PROGRESS_POLLS):
            if driving.done() or await _events_in(dsn) >= share * scripted:
                break
            await asyncio.sleep(PROGRESS_POLL_S)
        if driving.done():
            break
        logged.append(await _events_in(dsn))
        await server.restart(rng.uniform(*DOWN_S))
    return logged


async def _events_in(dsn: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM events"))
    finally:
        await connection.close()
