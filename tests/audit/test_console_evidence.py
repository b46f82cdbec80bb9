"""The auditor's "Export evidence" on the console: the timeline offers it to auditors and
administrators only, and it downloads the same bundle `pit audit export` writes, which
verifies offline; before a checkpoint covers the agreement it is refused with a reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import asyncpg
import httpx
import pytest

from api.accounts import AccountStore
from api.app import create_app
from api.services import ApiServices
from audit.bundle_check import check_bundle_file
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey
from projections import Projector
from tests.accounts.conftest import STRONG, cheap_hasher
from tests.api.conftest import LOGIN_LIMITS, USERS
from tests.audit.evidence import checkpoint_all, store_log
from tests.integration.lifecycle import AGREEMENT_ID

pytestmark = pytest.mark.postgres

EVIDENCE = f"/agreements/{AGREEMENT_ID}/evidence"
TIMELINE = f"/agreements/{AGREEMENT_ID}/timeline"


@asynccontextmanager
async def _console(dsn: str, store: PostgresEventStore) -> AsyncIterator[httpx.AsyncClient]:
    """The console over the log alone: reading a timeline and exporting evidence need no
    workflow, so no Temporal client is given."""
    accounts = await AccountStore.open(dsn, hasher=cheap_hasher(), limits=LOGIN_LIMITS)
    projector = await Projector.open(dsn)
    services = ApiServices(
        accounts=accounts,
        read_models=projector,
        store=store,
        temporal=cast(Any, None),
        task_queue="unused",
    )
    try:
        for login, account in USERS.items():
            await accounts.add_user(login, password=STRONG, **account)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(services)), base_url="http://pit.test"
        ) as client:
            yield client
    finally:
        await projector.close()
        await accounts.close()


async def _log_in(console: httpx.AsyncClient, login: str) -> None:
    console.cookies.clear()
    answer = await console.post("/login", data={"login": login, "password": STRONG})
    assert answer.status_code == 303, answer.text


async def test_auditors_and_admins_download_the_bundle_others_are_refused(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    story = await store_log(fresh_store)
    key = SigningKey.generate()
    async with _console(fresh_dsn, fresh_store) as console:
        await _log_in(console, "auditor-saule")
        before = await console.get(EVIDENCE)
        connection = await asyncpg.connect(fresh_dsn)
        try:
            await checkpoint_all(connection, key)
        finally:
            await connection.close()
        timeline = await console.get(TIMELINE)
        downloaded = await console.get(EVIDENCE)
        unknown = await console.get("/agreements/no-such-agreement/evidence")
        await _log_in(console, "admin-timur")
        by_admin = await console.get(EVIDENCE)
        await _log_in(console, "reviewer-aigerim")
        reviewer_timeline = await console.get(TIMELINE)
        by_reviewer = await console.get(EVIDENCE)
        await _log_in(console, "alatau-software")
        by_participant = await console.get(EVIDENCE)

    assert before.status_code == 409
    assert "еще не вошли в подписанную контрольную точку" in before.text
    assert 'id="export-evidence"' in timeline.text
    assert "Выгрузить доказательства" in timeline.text
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"] == "application/json"
    assert downloaded.headers["content-disposition"] == (
        f'attachment; filename="pit-evidence-{AGREEMENT_ID}.json"'
    )
    result = check_bundle_file(downloaded.content, [key.public_key])
    assert result.ok, result.problem
    assert result.state == story.state
    assert unknown.status_code == 404
    assert by_admin.status_code == 200
    assert 'id="export-evidence"' not in reviewer_timeline.text
    assert by_reviewer.status_code == 403
    assert by_participant.status_code == 403


async def test_the_timeline_as_of_a_day_it_cannot_read_says_so_and_shows_no_state(
    fresh_store: PostgresEventStore, fresh_dsn: str
) -> None:
    # Days from 2002 to 2100, as the dashboard's report takes them: 31 December 9999 would have
    # no next midnight to end at.
    await store_log(fresh_store)
    events = len(await fresh_store.read_stream(f"agreement-{AGREEMENT_ID}"))
    async with _console(fresh_dsn, fresh_store) as console:
        await _log_in(console, "auditor-saule")
        shown = {
            as_of: await console.get(TIMELINE, params={"as_of": as_of})
            for as_of in ("2100-12-31", "9999-12-31", "yesterday")
        }

    for answer in shown.values():
        assert answer.status_code == 200, answer.text
    assert 'id="as-of-result"' in shown["2100-12-31"].text
    assert f"<dd>{events}</dd>" in shown["2100-12-31"].text
    assert 'role="alert"' not in shown["2100-12-31"].text
    for unreadable in ("9999-12-31", "yesterday"):
        assert 'id="as-of-result"' not in shown[unreadable].text
        assert "Дата не распознана: укажите день в формате ГГГГ-ММ-ДД" in shown[unreadable].text
