"""PostgreSQL crashing (``pg_ctl stop -m immediate``) and starting again while agreements are
appended loses and doubles nothing: every agreement comes out where its script takes it.

Ten agreements go concurrently through the scripted lives of tests/faults/agreement_lives.py,
driven by the persistent front door of tests/faults/driver.py, with the real worker in this
process (agreement_worker with the PostgreSQL store and the mail activities). The test starts a
PostgreSQL cluster of its own (initdb in a temporary folder, 127.0.0.1 on a free port), so the
server CI shares is never stopped. Up to five times (three at least: the lives may end first),
once the store has written again since the last restart, it lets the server run a seeded
random while, waits until an append is under way, crashes the server, leaves it down a random
while and starts it again (crash recovery). Appends and mail deliveries cut off raise
StoreUnavailable, which Temporal retries; the pools drop the dead connections and connect
again. (Crashing on the very next append instead would hit the retries, which the agreements
make together, again and again, doubling their backoff each time: runs of over a minute.)

Then the invariants of tests/faults/test_worker_crashes.py: every log as scripted with
versions 1..n, no event id twice, every chain and a checkpoint made at the end verified, each
workflow's state equal to its log's fold, every history replayable, every notice mailed; a
second copy of a mail only in the documented window (activities/mail.py: the SMTP server took
the message and the database was lost before the COMMIT), here a crash between the copies.

Reproduce a run with PIT_PG_RESTART_SEED=<seed> (the failure messages name it).
"""

from __future__ import annotations

import asyncio
import os
import pwd
import random
import time
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings, message_id_for
from domain.calendar import almaty_date
from eventstore import (
    AppendResult,
    ExpectedVersion,
    NewEvent,
    PostgresEventStore,
    StoreUnavailable,
)
from eventstore.checkpoints import SigningKey
from eventstore.integrity import verify_log
from eventstore.migrations import apply_migrations_async
from tests.faults.agreement_checks import (
    assert_histories_replay,
    assert_lives_as_scripted,
    explain_stuck,
    outcome_of,
)
from tests.faults.agreement_lives import Ending, life
from tests.faults.driver import CALL_TIMEOUT_S, Driven, WorkflowTaskFailing, drive
from tests.faults.log_checkpoint import checkpoint_of_all
from tests.faults.mailed_copies import Copy, copies, deliveries, window_problem
from tests.faults.private_postgres import (
    INSTALL_HINT,
    SYSTEM_USER_WHEN_ROOT,
    PrivatePostgres,
    server_bindir,
)
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import MailCatcher
from workflows.agreement import workflow_id

pytestmark = pytest.mark.timeout(180)

SEED = int(os.environ.get("PIT_PG_RESTART_SEED") or 0) or random.SystemRandom().randrange(1, 2**31)
AGREEMENTS = 10
ENDINGS = (Ending.ACTIVE, Ending.MUTUAL_CONSENT, Ending.PARTICIPANT_REQUEST)
CRASHES = 5
MIN_CRASHES = 3  # if every life ends before the fifth (none did in the runs so far)
WORK_S = (0.2, 1.0)  # the server runs this long (at random) before the next crash...
DOWN_S = (0.1, 1.0)  # ...and stays down this long
# For the store to write again after a restart (its calls retry 1, 2, 4... s apart), and for an
# append to be under way before the next crash.
APPEND_WAIT_S = 40.0
SETTLE_S = 90.0  # for every life to finish after the last restart
MAIL_POLLS = 300  # x 0.2 s: a delivery cut off is retried 10 s later, then 20 s...
SENDER = "pit@sez-pit.localhost"


class AppendsWatched(PostgresEventStore):
    """The store, telling the test when an append is under way and when one was written, and
    counting those a crash cut off (they raised StoreUnavailable, which Temporal retries)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appending = asyncio.Event()
        self.written = asyncio.Event()
        self.cut_off = 0
        self._under_way = 0

    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        self._under_way += 1
        self.appending.set()
        try:
            appended = await super().append(stream_id, events, expected_version)
        except StoreUnavailable:
            self.cut_off += 1
            raise
        finally:
            self._under_way -= 1
            if not self._under_way:
                self.appending.clear()
        self.written.set()
        return appended


@pytest_asyncio.fixture
async def private_postgres() -> AsyncIterator[PrivatePostgres]:
    """A migrated cluster of the test's own, removed afterwards."""
    bindir = server_bindir()
    if bindir is None:
        pytest.skip(INSTALL_HINT)
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER_WHEN_ROOT)
        except KeyError:
            pytest.skip(f"running as root needs a system user {SYSTEM_USER_WHEN_ROOT!r}")
    postgres = PrivatePostgres(bindir)
    try:
        await postgres.create()
        await apply_migrations_async(postgres.dsn)
        yield postgres
    finally:
        await postgres.remove()


async def test_agreements_come_out_whole_when_postgres_crashes_during_appends(
    dev_server: WorkflowEnvironment, private_postgres: PrivatePostgres, smtp: MailCatcher
) -> None:
    seed, began = f"PIT_PG_RESTART_SEED={SEED}", time.monotonic()
    postgres, client, run = private_postgres, dev_server.client, uuid4().hex[:8]
    task_queue = f"pg-restart-{run}"
    today = almaty_date(datetime.now(UTC))
    lives = [
        life(f"pg-restart-{run}-{n:02d}", n, ENDINGS[n % len(ENDINGS)], today)
        for n in range(1, AGREEMENTS + 1)
    ]
    store = await AppendsWatched.open(postgres.dsn)
    mail = await MailActivities.open(postgres.dsn, SmtpSettings.from_url(smtp.url), SENDER)
    try:
        async with agreement_worker(client, store, task_queue, mail=mail):
            driving = asyncio.gather(*(drive(client, task_queue, one) for one in lives))
            try:
                await _crash_during_appends(postgres, store, driving, random.Random(SEED), seed)
                driven: list[Driven] = await asyncio.wait_for(driving, SETTLE_S)
            except WorkflowTaskFailing as stuck:
                await explain_stuck(client, stuck, seed)
            finally:
                driving.cancel()
                await asyncio.wait({driving}, timeout=CALL_TIMEOUT_S)
            outcome = await outcome_of(client, store, lives, smtp.maildir, seed, SETTLE_S)
            logs, mailed, states, histories = (
                outcome.logs,
                outcome.mailed,
                outcome.states,
                outcome.histories,
            )
        # The pools came through the crashes: the store still reads and writes its streams.
        streams = await store.list_streams("", limit=1000)
        recorded = {stream: await store.read_stream(stream) for stream in streams}
    finally:
        await mail.close()
        await store.close()

    # The crashes reached the store: appends were cut off (and retried).
    assert MIN_CRASHES <= len(postgres.crashes) <= CRASHES, seed
    assert store.cut_off > 0, seed
    await assert_histories_replay(histories, seed)

    assert_lives_as_scripted(lives, logs, states, seed)

    # Every stream (the zone's too) has versions 1..n, no event id twice; the chains and a
    # checkpoint signed now verify against the log.
    assert set(streams) >= {workflow_id(one.agreement_id) for one in lives}, seed
    ids: list[UUID] = []
    for stream, events in recorded.items():
        assert [e.stream_version for e in events] == list(range(1, len(events) + 1)), stream
        ids += [e.event_id for e in events]
    assert len(ids) == len(set(ids)), seed
    key = SigningKey.generate()
    checkpoint = await checkpoint_of_all(postgres.dsn, key, len(ids), seed)
    report = await verify_log(postgres.dsn, [key.public_key])
    assert report.ok, (seed, report.first_problem)
    assert report.events == checkpoint.tree_size == len(ids), seed

    # Every notice and reminder mailed under its Message-ID and recorded once by the outbox; a
    # second copy only where a crash fell between the SMTP server's reply and the COMMIT.
    assert len(mailed) == len(set(mailed)), seed
    received = copies(smtp.maildir)
    by_mail: dict[str, list[Copy]] = {}
    for copy in received:
        by_mail.setdefault(copy.mail_id, []).append(copy)
    assert set(by_mail) == set(mailed), seed
    assert all(c.message_id == message_id_for(c.mail_id) for c in received), seed
    recorded_mail = await deliveries(postgres.dsn)
    assert set(recorded_mail) == set(mailed), seed
    twice = {mail_id: sent for mail_id, sent in by_mail.items() if len(sent) > 1}
    for mail_id, sent in twice.items():
        # The database was down from a crash until it started again: a COMMIT lost to it fell
        # between the copies when the crash ended, or the server came back, between them.
        outages = postgres.crashes + postgres.starts[1:]
        problem = window_problem(sent, recorded_mail.get(mail_id), outages)
        assert problem is None, (seed, mail_id, problem)

    print(  # the run's size, for whoever reads the output (-s)
        f"\npostgres restart test ({seed}): {len(postgres.crashes)} crashes, "
        f"{store.cut_off} appends cut off, {len(lives)} agreements, {len(ids)} events in "
        f"{len(streams)} streams, {len(mailed)} mails ({len(twice)} sent twice in the window), "
        f"{sum(d.failed_calls for d in driven)} calls retried, "
        f"{time.monotonic() - began:.1f} s"
    )


async def _crash_during_appends(
    postgres: PrivatePostgres,
    store: AppendsWatched,
    driving: asyncio.Future[list[Driven]],
    rng: random.Random,
    seed: str,
) -> None:
    """Crash the server up to CRASHES times, each when an append is under way, and start it
    again; stop early if every life is over.

    Each crash waits until the store has written since the last restart: crashing at once on
    the next retry would chase the retries (every agreement's first append fails together, so
    they retry together) and double their backoff each time.
    """
    for crash in range(1, CRASHES + 1):
        where = f"{seed}: before crash {crash}"
        if not await _until(store.written, driving, f"{where}, no append was written"):
            return
        await asyncio.sleep(rng.uniform(*WORK_S))
        if not await _until(store.appending, driving, f"{where}, no append began"):
            return
        await postgres.crash()
        store.written.clear()
        await asyncio.sleep(rng.uniform(*DOWN_S))
        await postgres.start()


async def _until(happened: asyncio.Event, driving: asyncio.Future[list[Driven]], what: str) -> bool:
    """Wait (at most APPEND_WAIT_S) until ``happened`` is set: True; False if every life is over
    first (or failed: the driving's outcome says how).

    Raises:
        AssertionError: neither came in time (``what``).
    """
    waiting: asyncio.Future[Any] = asyncio.ensure_future(happened.wait())
    either: list[asyncio.Future[Any]] = [waiting, driving]
    try:
        done, _ = await asyncio.wait(
            either, timeout=APPEND_WAIT_S, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        waiting.cancel()
    if waiting in done:
        return True
    if driving in done:
        return False
    raise AssertionError(f"{what} in {APPEND_WAIT_S} s")
