"""What the API needs from the rest of pit, opened once per process and handed to ``create_app``.

Reads of one agreement fold its stream (the event store); lists, the inbox and the register read
the projections (:class:`~projections.ReadModels`); actions go to the agreement's workflow (the
Temporal client); users, tokens and sessions are the :class:`~api.accounts.AccountStore`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import SecretStr
from temporalio.client import Client

from api.accounts import AccountStore
from domain.agreement.reminders import ReminderPolicy
from eventstore import EventStore, PostgresEventStore
from projections import Projector, ReadModels
from workers.agreement_client import correspondents
from workers.settings import PitSettings
from workflows.correspondence import Correspondents


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ApiServices:
    """The API's collaborators.

    Attributes:
        accounts: users, tokens, sessions and login limits.
        read_models: the projections (a :class:`~projections.Projector` is one too).
        store: the event log, read for an agreement's detail and timeline.
        temporal: a client with pit's pydantic data converter.
        task_queue: where agreements' workflows run (a submission starts one there).
        correspondents: whom a new agreement's workflow writes to besides the participant.
        reminder_policy: the reminder days and hours a new agreement's workflow keeps.
        clock: the "now" that overdue and open tasks are decided at.
        metrics_token: the bearer token ``GET /metrics`` requires (None: it requires none).
    """

    accounts: AccountStore
    read_models: ReadModels
    store: EventStore
    temporal: Client
    task_queue: str
    correspondents: Correspondents = field(default_factory=Correspondents)
    reminder_policy: ReminderPolicy = field(default_factory=ReminderPolicy)
    clock: Callable[[], datetime] = _now
    metrics_token: SecretStr | None = None


@asynccontextmanager
async def open_api_services(
    settings: PitSettings, temporal: Client
) -> AsyncIterator[tuple[ApiServices, Projector]]:
    """Open the accounts, the event store and a projector on DATABASE_URL; close them after.

    The projector is also the API's read models: whoever runs it (``api.server.serve_api``)
    keeps the lists the API serves up to date.

    Raises:
        MissingSettings: DATABASE_URL is not set.
        StoreUnavailable: the database cannot be reached.
    """
    (database_url,) = settings.require("database_url")
    async with AsyncExitStack() as stack:
        accounts = await AccountStore.open(database_url)
        stack.push_async_callback(accounts.close)
        store = await PostgresEventStore.open(database_url, notify=False, min_size=1, max_size=5)
        stack.push_async_callback(store.close)
        projector = await Projector.open(database_url)
        stack.push_async_callback(projector.close)
        yield (
            ApiServices(
                accounts=accounts,
                read_models=projector,
                store=store,
                temporal=temporal,
                task_queue=settings.task_queue,
                correspondents=correspondents(settings),
                reminder_policy=settings.reminder_policy,
                metrics_token=settings.metrics_token,
            ),
            projector,
        )
