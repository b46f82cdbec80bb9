"""The auditor's screen: the state as of a day before anything happened, and the verification
of one agreement's hash chain, which names the version a tampering broke and leaves the other
agreements' chains intact."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from domain.calendar import almaty_date
from tests.api.conftest import Stack, application, steppe_application
from tests.console.console_client import logged_in
from workflows.agreement import workflow_id

pytestmark = pytest.mark.postgres

PARTICIPANT, OTHER, AUDITOR = "alatau-software", "steppe-materials", "auditor-saule"


async def test_the_auditor_sees_a_tampered_chain_and_the_state_before_it_began(
    stack: Stack, fresh_dsn: str
) -> None:
    tampered = await stack.apply(PARTICIPANT, {"form": application()})
    untouched = await stack.apply(OTHER, {"form": steppe_application()})
    owner = await asyncpg.connect(fresh_dsn)
    try:
        await owner.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
        await owner.execute(
            "UPDATE events SET hash = sha256(hash) WHERE stream_id = $1 AND stream_version = 2",
            workflow_id(tampered),
        )
        await owner.execute("ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete")
    finally:
        await owner.close()

    yesterday = almaty_date(datetime.now(UTC)) - timedelta(days=1)
    async with logged_in(stack, AUDITOR) as auditor:
        await auditor.get("/lang/en")
        broken = await auditor.get(f"/agreements/{tampered}/timeline", params={"verify": "1"})
        assert broken.status_code == 200
        assert "The chain is broken at version 2: reordered or broken link" in broken.text
        intact = await auditor.get(f"/agreements/{untouched}/timeline", params={"verify": "1"})
        assert "The chain is intact: 2 events checked." in intact.text
        before = await auditor.get(
            f"/agreements/{untouched}/timeline", params={"as_of": yesterday.isoformat()}
        )
        assert "Nothing had happened by that day." in before.text
        # The auditor reads everything and is offered no action but an annotation.
        screen = await auditor.get(f"/agreements/{untouched}")
        assert re.findall(r'id="form-(\w+)"', screen.text) == ["AddAuditAnnotation"]
