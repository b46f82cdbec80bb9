"""The worker that runs agreements: AgreementWorkflow and the activities it needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.append import EventLogActivities
from activities.checkpoints import CheckpointActivities
from activities.documents import render_document
from activities.mail import MailActivities
from activities.zone_log import ZoneLogActivities
from activities.zone_rules import ZoneRulesActivities
from domain.calendar import preload_years
from eventstore import EventStore
from workflows.agreement import AgreementWorkflow
from workflows.checkpoint import CheckpointWorkflow
from workflows.zone import ZoneWorkflow

CALENDAR_YEARS = range(2003, 2041)


def agreement_worker(
    client: Client,
    store: EventStore,
    task_queue: str,
    *,
    mail: MailActivities | None = None,
    checkpoints: CheckpointActivities | None = None,
    max_cached_workflows: int = 10_000,
) -> Worker:
    """A worker for agreements and the zone on ``task_queue``: appending to ``store``, mailing
    with ``mail``.

    With ``checkpoints`` it also signs the log's checkpoints (CheckpointWorkflow, started by the
    schedule :func:`workers.checkpoint_schedule.ensure_checkpoint_schedule` makes).
    ``max_cached_workflows`` workflows stay in memory between their tasks
    (PIT_MAX_CACHED_WORKFLOWS).
    Without ``mail`` the workflows still record every reminder and notice, and their mail
    waits (retried) for a worker that has it. The client must use the pydantic data converter
    (``temporalio.contrib.pydantic.pydantic_data_converter``): every message is a model.
    """
    # Every year the zone can need (it opened in 2003; a decree may extend it), built before
    # any workflow runs: see domain.calendar.preload_years.
    preload_years(CALENDAR_YEARS)
    event_log = EventLogActivities(store)
    zone_rules = ZoneRulesActivities(store)
    zone_log = ZoneLogActivities(store)
    mail_activities: tuple[Callable[..., Any], ...] = (
        (mail.deliver_mail, mail.deliver_mails) if mail is not None else ()
    )
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AgreementWorkflow, ZoneWorkflow, CheckpointWorkflow],
        max_cached_workflows=max_cached_workflows,
        activities=[
            event_log.append_agreement_events,
            event_log.load_agreement,
            zone_rules.zone_rules,
            render_document,
            zone_log.append_zone_events,
            zone_log.fold_zone_stream,
            zone_log.list_agreement_streams,
            *mail_activities,
            *([checkpoints.make_checkpoint] if checkpoints is not None else []),
        ],
    )
