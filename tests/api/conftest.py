"""The API over the real stack: a migrated PostgreSQL database of the test's own, the Temporal dev
server, the real worker (mail to an SMTP catcher), the projector, and the app through httpx.

Every user has an API token; ``stack.as_(login)`` gives the headers that authenticate as them.
Lists read the projections: ``await stack.caught_up()`` projects every event recorded so far
(a test asks for it where a person would reload the page).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.mail import MailActivities, SmtpSettings
from api.accounts import AccountStore, LoginLimits
from api.app import create_app
from api.services import ApiServices
from domain.application import term_years
from domain.calendar import almaty_date
from domain.rules import decree_1166_rulebook
from eventstore import PostgresEventStore
from projections import Projector
from tests.accounts.conftest import STRONG, cheap_hasher
from tests.domain.agreement.agreement_scenarios import BIN, OTHER_BIN, form, obligations
from tests.eventstore.conftest import admin_dsn, databases, fresh_dsn, run_id
from tests.workflows.conftest import dev_server
from workers.agreement_worker import agreement_worker
from workers.mail_catcher import MailCatcher

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id"]

# Every role, and a second participant and approver.
USERS: dict[str, dict[str, Any]] = {
    "alatau-software": {"role": "participant", "bin": BIN},
    "steppe-materials": {"role": "participant", "bin": OTHER_BIN},
    "reviewer-aigerim": {"role": "reviewer"},
    "approver-dana": {"role": "approver"},
    "approver-yerlan": {"role": "approver"},
    "auditor-saule": {"role": "auditor"},
    "admin-timur": {"role": "admin"},
}
LOGIN_LIMITS = LoginLimits(per_login=3, per_remote=50)
CATCH_UP_POLLS = 400  # x 0.05 s


def almaty_today() -> date:
    return almaty_date(datetime.now(UTC))


def application(**changes: Any) -> dict[str, Any]:
    """An application (as JSON) that passes screening today: from today to the zone's end."""
    today = almaty_today()
    zone_end = decree_1166_rulebook().in_force(today).zone_end
    if today >= zone_end:
        pytest.skip(f"the zone ended on {zone_end}: nothing can be applied for")
    fields: dict[str, Any] = {
        "requested_start": today,
        "requested_end": zone_end,
        "planned_obligations": tuple(obligations(year) for year in term_years(today, zone_end)),
    }
    fields.update(changes)
    return form(**fields).model_dump(mode="json")


def steppe_application() -> dict[str, Any]:
    """The second participant's: materials research (OKED 72.19, section M)."""
    return application(
        bin=OTHER_BIN,
        name='JSC "Steppe Materials Lab"',
        oked_code="72.19",
        priority_area="materials",
        project_description="Research on composite materials for the region's builders.",
    )


@dataclass
class Stack:
    """The app and what it stands on, for one test."""

    http: httpx.AsyncClient
    services: ApiServices
    projector: Projector
    store: PostgresEventStore
    temporal: WorkflowEnvironment
    task_queue: str
    tokens: dict[str, str] = field(default_factory=dict)

    def as_(self, login: str) -> dict[str, str]:
        """The headers that authenticate as ``login`` (by API token)."""
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    async def get(self, login: str, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.as_(login), params=params)

    async def post(self, login: str, path: str, body: Any = None) -> httpx.Response:
        return await self.http.post(path, headers=self.as_(login), json=body)

    async def act(
        self, login: str, agreement_id: str, action: str, body: Any = None
    ) -> httpx.Response:
        return await self.post(login, f"/api/agreements/{agreement_id}/actions/{action}", body)

    async def apply(self, login: str, body: dict[str, Any]) -> str:
        """Submit an application as ``login``; the new agreement's id."""
        response = await self.post(login, "/api/applications", body)
        assert response.status_code == 201, response.text
        agreement_id: str = response.json()["agreement_id"]
        return agreement_id

    async def caught_up(self) -> None:
        """Project every event recorded so far: until the projector has handled the log's last
        event. A transaction left open elsewhere in the cluster (a parallel test run's) holds
        new events back from the subscription for a moment; an empty catch-up is not enough."""
        async with self.store.connection("finding the log's last event") as connection:
            last = await connection.fetchrow(
                "SELECT transaction_id::text::bigint AS transaction_id, global_position "
                "FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1"
            )
        for _ in range(CATCH_UP_POLLS):
            await self.projector.catch_up()
            reached = await self.projector.checkpoint()
            if last is None or (reached.transaction_id, reached.global_position) >= (
                last["transaction_id"],
                last["global_position"],
            ):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the projector did not reach the log's end: {last}")


@pytest_asyncio.fixture
async def stack(
    fresh_dsn: str, dev_server: WorkflowEnvironment, smtp: MailCatcher
) -> AsyncIterator[Stack]:
    task_queue = f"api-{uuid4()}"
    store = await PostgresEventStore.open(fresh_dsn)
    mail = await MailActivities.open(
        fresh_dsn, SmtpSettings.from_url(smtp.url), "pit@sez-pit.localhost"
    )
    accounts = await AccountStore.open(fresh_dsn, hasher=cheap_hasher(), limits=LOGIN_LIMITS)
    projector = await Projector.open(fresh_dsn)
    services = ApiServices(
        accounts=accounts,
        read_models=projector,
        store=store,
        temporal=dev_server.client,
        task_queue=task_queue,
    )
    transport = httpx.ASGITransport(app=create_app(services))
    try:
        async with (
            agreement_worker(dev_server.client, store, task_queue, mail=mail),
            httpx.AsyncClient(transport=transport, base_url="http://pit.test") as http,
        ):
            made = Stack(http, services, projector, store, dev_server, task_queue)
            for login, account in USERS.items():
                await accounts.add_user(login, password=STRONG, **account)
                issued = await accounts.issue_token(login, "api tests", timedelta(days=1))
                made.tokens[login] = issued.bearer
            yield made
    finally:
        await projector.close()
        await accounts.close()
        await mail.close()
        await store.close()
