"""One correlation id from the API request to the stored event: the caller's X-Correlation-ID
(or one pit makes) comes back on the response, names the request's log line and the
activity's, and is the event's metadata.correlation_id."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from tests.api.conftest import Stack, application
from workflows.agreement import workflow_id

pytestmark = pytest.mark.postgres

PARTICIPANT, REVIEWER = "alatau-software", "reviewer-aigerim"


async def test_a_callers_correlation_id_reaches_the_logs_and_the_stored_event(
    stack: Stack,
) -> None:
    agreement_id = await stack.apply(PARTICIPANT, {"form": application()})
    with capture_logs() as logs:
        answer = await stack.http.post(
            f"/api/agreements/{agreement_id}/actions/RecommendConclusion",
            headers=stack.as_(REVIEWER) | {"X-Correlation-ID": "portal:req-4711"},
            json={"note": "fits the zone"},
        )
    recorded = await stack.store.read_stream(workflow_id(agreement_id))

    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Correlation-ID"] == "portal:req-4711"
    assert recorded[-1].type == "ConclusionRecommended"
    assert recorded[-1].metadata.correlation_id == "portal:req-4711"
    requests = [e for e in logs if e["event"] == "api_request"]
    assert [(e["path"], e["status"]) for e in requests] == [
        (f"/api/agreements/{agreement_id}/actions/RecommendConclusion", 200)
    ]
    assert requests[0]["correlation_id"] == "portal:req-4711"
    appended = [e for e in logs if e["event"] == "events_appended"]
    assert [e["correlation_id"] for e in appended] == ["portal:req-4711"]
    assert appended[0]["stream_version"] == recorded[-1].stream_version


async def test_without_one_or_with_a_malformed_one_pit_makes_its_own(stack: Stack) -> None:
    made = await stack.http.get("/api/health")
    bad = await stack.http.get("/api/health", headers={"X-Correlation-ID": "x" * 101})
    injected = await stack.http.get("/api/health", headers={"X-Correlation-ID": "a b<script>"})

    for answer in (made, bad, injected):
        assert answer.headers["X-Correlation-ID"].startswith("api:")
    assert made.headers["X-Correlation-ID"] != bad.headers["X-Correlation-ID"]
