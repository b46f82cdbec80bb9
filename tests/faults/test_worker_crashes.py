"""Killing `pit worker` (SIGKILL) again and again while agreements live their lives loses and
doubles nothing: after a restart every agreement is where it would have been without the kills.

Fifteen agreements go concurrently through a scripted life (application to conclusion, a
four-eyes refusal, the notices the workflow issues and mails, their acknowledgments, the
register, annotations and site visits; a third stay in force, the others are terminated by
mutual consent or at the participant's request, to the closed record), each step an update
retried by a persistent front door (tests/faults/driver.py) while a `pit worker` process is
killed at random moments (a seeded random) and restarted, twenty times; a last worker then
lets everything settle. The kills land anywhere: in a workflow task between its append
(a local activity) and its completion, in a query, in a mail delivery, in the start-up.

Mail: activities/mail.py claims a mail id, hands the message to SMTP and commits, in one
transaction. Its one documented window: the SMTP server took the message and the worker died
before the COMMIT; the claim rolls back and the retry sends a second copy (same Message-ID).
This test hits it often, not rarely: a worker that starts works off a burst of deliveries (the
notices of every agreement concluded or terminated meanwhile, and the retries of deliveries a
killed worker held), on a 2-core machine busy with a fresh process, so the window from the
catcher's reply to the end of the COMMIT lasts milliseconds to tens of milliseconds (first
copies were seen 7 to 30 ms before the kill), right when the next kill is due. In 16 runs
while this test was written, 9 sent one to three of the 50 mails twice. So a second copy is
accepted only when it is that window (tests/faults/mailed_copies.py: the outbox recorded the
mail once, from an attempt that began after the earlier copy arrived, and a worker was killed
in between); any other duplicate fails, and the summary line counts the hits.

A wedge this test found (temporalio 1.35, dev server 1.32): an agreement stuck after a crash
in 3 of 17 runs, when the store calls were local activities. A task that follows a timed-out
one accepts an update and records its append (a local activity) but completes without the
update's completion, asking for a new task at once; the worker is killed during that task;
every task of the workflow from then on is refused by the server with
BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE "ProtocolMessageCommand referenced absent message ID
<update id>/request/complete", and the agreement cannot move. With the store calls as regular
activities (store-calls-as-activities-v1) it never came, at the cost of a round trip per call;
they are local activities again (store-calls-local-first-v2, workflows/store_calls.py), and the
workers' healer (workers/healer.py, every 2 s here) resets a wedged agreement to the task that
accepted the update. The summary line counts the heals and the store calls that fell back to a
regular activity. A workflow stuck for any other reason, or not healed, fails this test, naming
the workflow task's failure (its history is kept under artifacts/failed-histories/).

Reproduce a run with PIT_CRASH_SEED=<seed> (the failure messages name it).
"""

from __future__ import annotations

import asyncio
import os
import random
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from activities.mail import message_id_for
from domain.calendar import almaty_date
from eventstore import PostgresEventStore
from tests.faults.agreement_checks import (
    assert_histories_replay,
    assert_lives_as_scripted,
    assert_streams_whole,
    explain_stuck,
    outcome_of,
)
from tests.faults.agreement_lives import Ending, life
from tests.faults.driver import CALL_TIMEOUT_S, Driven, WorkflowTaskFailing, drive
from tests.faults.mailed_copies import Copy, copies, deliveries, window_problem
from tests.faults.worker_processes import WorkerProcesses, worker_env
from workers.mail_catcher import MailCatcher

pytestmark = pytest.mark.timeout(300)

SEED = int(os.environ.get("PIT_CRASH_SEED") or 0) or random.SystemRandom().randrange(1, 2**31)
AGREEMENTS = 15
ENDINGS = (Ending.ACTIVE, Ending.MUTUAL_CONSENT, Ending.PARTICIPANT_REQUEST)
KILLS = 20
LIFETIME_S = 1.5  # each killed worker lives 0.2 to 1.5 s after it starts polling
SETTLE_S = 120.0  # for the last worker to finish every life after the last kill
POLL_S = 0.2
STORE_CALLS = {"append_agreement_events", "load_agreement", "zone_rules", "render_document"}
HEALER_EVENTS = ("wedged_found", "agreement_healed", "wedge_not_healed", "wedge_reset_refused")
MAIL_POLLS = 300  # x POLL_S: every mail delivered (a delivery cut off by a kill is retried)


async def test_agreements_come_out_whole_after_twenty_kills_of_the_worker(
    dev_server: WorkflowEnvironment,
    fresh_dsn: str,
    fresh_store: PostgresEventStore,
    smtp: MailCatcher,
) -> None:
    seed = f"PIT_CRASH_SEED={SEED}"
    client, run = dev_server.client, uuid4().hex[:8]
    task_queue = f"crash-{run}"
    today = almaty_date(datetime.now(UTC))
    lives = [
        life(f"crash-{run}-{n:02d}", n, ENDINGS[n % len(ENDINGS)], today)
        for n in range(1, AGREEMENTS + 1)
    ]
    workers = WorkerProcesses(
        worker_env(
            fresh_dsn,
            client.service_client.config.target_host,
            smtp.url,
            task_queue,
        )
    )
    driving = asyncio.gather(*(drive(client, task_queue, one) for one in lives))
    try:
        await workers.crash_repeatedly(KILLS, random.Random(SEED), LIFETIME_S)
        await workers.start()
        try:
            driven: list[Driven] = await asyncio.wait_for(driving, SETTLE_S)
        except WorkflowTaskFailing as stuck:
            await explain_stuck(client, stuck, seed, healer_lines(workers.logs))
        except AssertionError as failed:  # a step refused or not taken: what did the healers do?
            raise AssertionError(
                f"{seed}: {failed}; the healers said: {healer_lines(workers.logs)}"
            ) from failed
        outcome = await outcome_of(client, fresh_store, lives, smtp.maildir, seed, SETTLE_S)
        logs, mail_ids, states, histories = (
            outcome.logs,
            outcome.mailed,
            outcome.states,
            outcome.histories,
        )
        exit_code = await workers.stop()
    finally:
        driving.cancel()
        await asyncio.wait({driving}, timeout=CALL_TIMEOUT_S)
        await workers.close()

    # Twenty kills; the last worker stopped cleanly on SIGTERM; every history the crashes
    # left (lost workflow task attempts, retried updates) replays on the code.
    assert workers.kills == KILLS, seed
    assert exit_code == 0, workers.logs[-1][-40:]
    await assert_histories_replay(histories, seed)

    assert_lives_as_scripted(lives, logs, states, seed)

    # Every stream (the zone's too) has versions 1..n, no event id twice, every chain verifies.
    streams, ids = await assert_streams_whole(fresh_store, lives, seed)
    assert (await fresh_store.verify()).ok, seed

    # Every notice and reminder mailed, under its Message-ID, recorded once by the outbox; a
    # second copy only where a kill fell in the documented window (see the module's note).
    assert len(mail_ids) == len(set(mail_ids)), seed
    received = copies(smtp.maildir)
    by_mail: dict[str, list[Copy]] = {}
    for copy in received:
        by_mail.setdefault(copy.mail_id, []).append(copy)
    assert set(by_mail) == set(mail_ids), seed
    assert all(c.message_id == message_id_for(c.mail_id) for c in received), seed
    recorded_mail = await deliveries(fresh_dsn)
    assert set(recorded_mail) == set(mail_ids), seed
    twice = {mail: sent for mail, sent in by_mail.items() if len(sent) > 1}
    for mail, sent in twice.items():
        problem = window_problem(sent, recorded_mail.get(mail), workers.kill_times)
        assert problem is None, (seed, mail, problem)

    terminated = sum(one.ending is not Ending.ACTIVE for one in lives)
    print(  # the run's size, for whoever reads the output (-s)
        f"\ncrash test ({seed}): {workers.kills} kills, {len(lives)} agreements "
        f"({terminated} terminated), {len(ids)} events in {len(streams)} streams, "
        f"{len(mail_ids)} mails ({len(twice)} sent twice in the window), "
        f"{sum(d.failed_calls for d in driven)} calls retried, "
        f"{store_call_fallbacks(histories)} store calls fell back to an activity, "
        f"{healed(workers.logs)} agreements healed"
    )
    for line in healer_lines(workers.logs):
        print(line)


def healer_lines(logs: list[list[str]]) -> list[str]:
    """What the workers' healers said (workers/healer.py), for a failure's message."""
    said = tuple(f'"event": "{event}"' for event in HEALER_EVENTS)
    return [line for lines in logs for line in lines if any(e in line for e in said)]


def healed(logs: list[list[str]]) -> int:
    """How many wedged agreements the workers' healers reset (workers/healer.py)."""
    return sum('"event": "agreement_healed"' in line for lines in logs for line in lines)


def store_call_fallbacks(histories: list[WorkflowHistory]) -> int:
    """How many store calls outlived their local window (workflows/store_calls.py)."""
    return sum(
        event.activity_task_scheduled_event_attributes.activity_type.name in STORE_CALLS
        for history in histories
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    )
