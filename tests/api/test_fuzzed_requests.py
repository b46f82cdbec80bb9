"""No input makes the API fail: schemathesis generates requests from /openapi.json (valid ones
and invalid ones, a bounded number per operation) and sends them, with API tokens, to pit as
`pit up` serves it: uvicorn on a loopback port beside the real worker and the projector, on
PostgreSQL and the Temporal dev server.

Every answer must be no server error, of a status and shape the document declares, and an
invalid request must be refused. Actions are also sent, as a user whose role may take them, to
two real agreements (one in review, one in force), so that generated commands reach the
workflow and the domain decides on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from temporalio.testing import WorkflowEnvironment

from api.accounts import AccountStore
from api.server import api_beside, api_url, listening_socket
from domain.actors import Role
from domain.agreement import allowed_roles
from tests.accounts.conftest import STRONG, cheap_hasher
from tests.api.conftest import USERS, application
from tests.eventstore.conftest import Databases
from workers.mail_catcher import MailCatcher
from workers.main import run_worker
from workers.settings import PitSettings

pytestmark = pytest.mark.postgres

# Bounded: about 700 requests in all. Generating them costs as much as sending them.
EXAMPLES = 6  # per operation, valid and invalid
ON_REAL_AGREEMENT_EXAMPLES = 3  # per action and agreement, valid
LOGIN_EXAMPLES = 3  # each unknown login costs a production argon2 verification
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Who takes each action on the real agreements: the first role PERMISSIONS allows.
ACTOR_OF_ROLE = {
    Role.APPLICANT: "alatau-software",
    Role.REVIEWER: "reviewer-aigerim",
    Role.APPROVER: "approver-yerlan",
    Role.AUDITOR: "auditor-saule",
    Role.ADMIN: "admin-timur",
}


@dataclass
class ServedPit:
    """pit's worker, API and projector, run in a thread of their own (own event loop)."""

    base_url: str
    tokens: dict[str, str]
    agreements: list[str] = field(default_factory=list)
    loop: asyncio.AbstractEventLoop | None = None
    stop: asyncio.Event | None = None
    error: BaseException | None = None

    def headers(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}


def _run_in_thread(served: ServedPit, settings: PitSettings, started: threading.Event) -> None:
    sock = listening_socket("127.0.0.1", 0)
    served.base_url = api_url(sock)

    async def main() -> None:
        served.loop, served.stop = asyncio.get_running_loop(), asyncio.Event()
        started.set()
        await run_worker(settings, served.stop, serve=api_beside(settings, sock))

    try:
        asyncio.run(main())
    except BaseException as error:  # reported by the test
        served.error = error
    finally:
        started.set()


@pytest_asyncio.fixture
async def served_pit(
    databases: Databases, dev_server: WorkflowEnvironment, smtp: MailCatcher
) -> AsyncIterator[ServedPit]:
    dsn = await databases.create()
    tokens: dict[str, str] = {}
    async with await AccountStore.open(dsn, hasher=cheap_hasher()) as accounts:
        for login, account in USERS.items():
            await accounts.add_user(login, password=STRONG, **account)
            tokens[login] = (await accounts.issue_token(login, "fuzz", timedelta(days=1))).bearer
    settings = PitSettings(
        DATABASE_URL=dsn,
        TEMPORAL_ADDRESS=dev_server.client.service_client.config.target_host,
        SMTP_URL=smtp.url,
        PIT_TASK_QUEUE=f"fuzz-{uuid4()}",
        PIT_METRICS_ADDRESS="",
    )
    served, started = ServedPit(base_url="", tokens=tokens), threading.Event()
    thread = threading.Thread(target=_run_in_thread, args=(served, settings, started))
    thread.start()
    started.wait(timeout=60)
    try:
        yield served
    finally:
        if served.loop is not None and served.stop is not None:
            served.loop.call_soon_threadsafe(served.stop.set)
        await asyncio.to_thread(thread.join, 90)
        assert not thread.is_alive(), "pit did not stop"
        assert served.error is None, repr(served.error)
        await databases.drop(dsn)


def _agreements(served: ServedPit) -> list[str]:
    """One agreement in review and one in force, through the API."""
    made = []
    with httpx.Client(base_url=served.base_url, timeout=60) as http:

        def post(login: str, path: str, body: Any = None) -> dict[str, Any]:
            answer = http.post(path, json=body, headers=served.headers(login))
            assert answer.status_code in (200, 201), answer.text
            result: dict[str, Any] = answer.json()
            return result

        for _ in range(2):
            made.append(post("alatau-software", "/api/applications", {"form": application()}))
        in_force = made[1]["agreement_id"]
        actions = f"/api/agreements/{in_force}/actions"
        post("reviewer-aigerim", f"{actions}/RecommendConclusion", {"note": "fits"})
        post("approver-yerlan", f"{actions}/ApproveConclusion", {"agreement_number": "PIT-F-1"})
        post("alatau-software", f"{actions}/SignAsParticipant")
        assert post("approver-yerlan", f"{actions}/SignForManagementCompany")["status"] == "active"
    return [m["agreement_id"] for m in made]


def _acting_user(case: Case) -> str:
    action = case.operation.path.rsplit("/", 1)[-1]
    roles = sorted(role.value for role in allowed_roles(action) - {Role.SYSTEM})
    return ACTOR_OF_ROLE[Role(roles[0])] if roles else "reviewer-aigerim"


def _fuzz(
    served: ServedPit, strategy: Any, login: str | None, examples: int, failures: list[str]
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Case) -> None:
        user = login or _acting_user(case)
        try:
            case.call_and_validate(
                base_url=served.base_url, headers=served.headers(user), checks=CHECKS, timeout=60
            )
        except (Failure, FailureGroup) as failed:  # every operation is tried; all are reported
            failures.append(f"{case.operation.label} as {user}: {failed}"[:2000])

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid: no input at all
        check()


def test_no_request_makes_the_api_fail_or_break_its_contract(served_pit: ServedPit) -> None:
    agreements = _agreements(served_pit)
    schema = schemathesis.openapi.from_url(f"{served_pit.base_url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        examples = LOGIN_EXAMPLES if operation.path == "/api/session" else EXAMPLES
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            _fuzz(served_pit, strategy, "reviewer-aigerim", examples, failures)
        if "/actions/" not in operation.path:
            continue
        for agreement_id in agreements:  # invalid input is refused before the agreement is read
            on_real = operation.as_strategy(path_parameters={"agreement_id": agreement_id})
            _fuzz(served_pit, on_real, None, ON_REAL_AGREEMENT_EXAMPLES, failures)
    assert operations > 40
    assert not failures, "\n\n".join(failures[:20])
