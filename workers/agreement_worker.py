"""The worker that runs agreements: AgreementWorkflow and the activities it needs."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from activities.append import EventLogActivities
from domain.calendar import preload_years
from eventstore import EventStore
from workflows.agreement import AgreementWorkflow

CALENDAR_YEARS = range(2003, 2041)


def agreement_worker(client: Client, store: EventStore, task_queue: str) -> Worker:
    """A worker for agreements on ``task_queue``, appending to ``store``.

    The client must use the pydantic data converter
    (``temporalio.contrib.pydantic.pydantic_data_converter``): every message is a model.
    """
    # Every year the zone can need (it opened in 2003; a decree may extend it), built before
    # any workflow runs: see domain.calendar.preload_years.
    preload_years(CALENDAR_YEARS)
    event_log = EventLogActivities(store)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[AgreementWorkflow],
        activities=[event_log.append_agreement_events],
    )
