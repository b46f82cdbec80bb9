"""An agreement's journey through the JSON API, over the real stack: applied for, reviewed,
refused to a reviewer turned approver (four-eyes), approved, signed by both, and then read by
each role as it may."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from api.routes.actions import command_type, person_actions
from domain.actors import Actor, Role
from domain.agreement import AgreementState
from domain.agreement.commands import RequestChanges
from tests.api.conftest import Stack, application, steppe_application
from tests.domain.agreement.agreement_scenarios import BIN, OTHER_BIN
from workers.settings import PitSettings
from workers.zone_client import start_zone_workflow, zone_start
from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id
from workflows.zone import ZoneWorkflow

pytestmark = pytest.mark.postgres

PARTICIPANT, OTHER = "alatau-software", "steppe-materials"
REVIEWER, DANA, YERLAN = "reviewer-aigerim", "approver-dana", "approver-yerlan"
AUDITOR, ADMIN = "auditor-saule", "admin-timur"
NUMBER = "PIT-2026-101"
ZONE_POLLS = 200


def tasks(inbox: list[dict[str, Any]], agreement_id: str) -> list[str]:
    return [item["kind"] for item in inbox if item["agreement_id"] == agreement_id]


def ids(page: dict[str, Any]) -> list[str]:
    return [item["agreement_id"] for item in page["items"]]


async def review_elsewhere(stack: Stack, agreement_id: str) -> None:
    """Dana's request for changes, recorded as a reviewer through another front door (an
    integration on Temporal, `pit act`): pit's accounts have one role each, so only a crafted
    path can make a reviewer the approver of the same application."""
    handle: WorkflowHandle[AgreementWorkflow, AgreementState] = (
        stack.temporal.client.get_workflow_handle_for(
            AgreementWorkflow.run, workflow_id(agreement_id)
        )
    )
    await handle.execute_update(
        AgreementWorkflow.act,
        AgreementAction(
            command=RequestChanges(items=("give the jobs per year in full",)),
            actor=Actor(id=DANA, role=Role.REVIEWER),
            correlation_id="elsewhere:dana-review",
        ),
    )


async def zone_established(stack: Stack) -> None:
    """Start the zone's workflow, and wait (bounded) until its stream exists."""
    settings = PitSettings(PIT_TASK_QUEUE=stack.task_queue)
    handle = await start_zone_workflow(
        stack.temporal.client, zone_start(settings), task_queue=stack.task_queue
    )
    for _ in range(ZONE_POLLS):
        if (await handle.query(ZoneWorkflow.state)).established:
            return
        await stack.temporal.sleep(0.05)
    raise AssertionError("the zone was not established")


async def test_an_application_becomes_an_agreement_each_role_acting_as_it_may(
    stack: Stack,
) -> None:
    await zone_established(stack)
    submitted = await stack.http.post(
        "/api/applications", headers=stack.as_(PARTICIPANT), json={"form": application()}
    )
    assert submitted.status_code == 201, submitted.text
    agreement_id = submitted.json()["agreement_id"]
    assert submitted.headers["Location"] == f"/api/agreements/{agreement_id}"
    assert submitted.json()["status"] == "in_review"
    other_id = await stack.apply(OTHER, {"form": steppe_application()})

    await review_elsewhere(stack, agreement_id)
    resubmitted = await stack.act(
        PARTICIPANT, agreement_id, "ResubmitApplication", {"form": application()}
    )
    assert resubmitted.json()["status"] == "in_review", resubmitted.text

    # The reviewer's inbox has the review; claiming and releasing it is theirs to do.
    await stack.caught_up()
    assert "review_application" in tasks(
        (await stack.get(REVIEWER, "/api/inbox")).json(), agreement_id
    )
    claim = f"/api/inbox/{agreement_id}/review_application"
    claimed = await stack.post(REVIEWER, f"{claim}/claim")
    assert claimed.json()["claimed_by"] == REVIEWER, claimed.text
    assert (await stack.post(REVIEWER, f"{claim}/release")).json()["claimed_by"] is None
    assert (await stack.post(AUDITOR, f"{claim}/claim")).status_code == 403

    recommended = await stack.act(
        REVIEWER, agreement_id, "RecommendConclusion", {"note": "fits the zone"}
    )
    assert recommended.json()["status"] == "recommended", recommended.text

    # Four-eyes: Dana reviewed, so the decision is not hers; the domain refuses and records it.
    await stack.caught_up()
    assert "decide_application" not in tasks(
        (await stack.get(DANA, "/api/inbox")).json(), agreement_id
    )
    assert "decide_application" in tasks(
        (await stack.get(YERLAN, "/api/inbox")).json(), agreement_id
    )
    refused = await stack.act(DANA, agreement_id, "ApproveConclusion", {"agreement_number": NUMBER})
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "four_eyes"
    assert refused.json()["legal_basis"] == ["pit policy: four-eyes"]
    approved = await stack.act(
        YERLAN, agreement_id, "ApproveConclusion", {"agreement_number": NUMBER}
    )
    assert approved.json()["status"] == "awaiting_signatures", approved.text

    await stack.caught_up()
    assert "sign_as_participant" in tasks(
        (await stack.get(PARTICIPANT, "/api/inbox")).json(), agreement_id
    )
    assert (await stack.act(PARTICIPANT, agreement_id, "SignAsParticipant")).status_code == 200
    concluded = await stack.act(YERLAN, agreement_id, "SignForManagementCompany")
    assert concluded.json()["status"] == "active", concluded.text
    assert concluded.json()["agreement_number"] == NUMBER

    # The detail folds the stream: current at once, with deadlines and planned reminders.
    detail = (await stack.get(PARTICIPANT, f"/api/agreements/{agreement_id}")).json()
    assert (detail["status"], detail["bin"], detail["agreement_number"]) == ("active", BIN, NUMBER)
    assert detail["deadlines"]
    assert all(d["legal_basis"] for d in detail["deadlines"])
    assert isinstance(detail["upcoming_reminders"], list)

    timeline = (await stack.get(AUDITOR, f"/api/agreements/{agreement_id}/timeline")).json()
    events = timeline["events"]
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    types = [e["type"] for e in events]
    for expected in (
        "ApplicationSubmitted",
        "ChangesRequested",
        "ApplicationResubmitted",
        "ConclusionRecommended",
        "ActionRefused",
        "ConclusionApproved",
        "SignedByParticipant",
        "SignedByManagementCompany",
        "AgreementConcluded",
    ):
        assert expected in types, types
    assert types.index("ActionRefused") < types.index("ConclusionApproved")
    refusal = events[types.index("ActionRefused")]
    assert refusal["actor"] == {"id": DANA, "role": "approver"}
    assert refusal["data"]["code"] == "four_eyes"
    assert refusal["legal_basis"] == ["pit policy: four-eyes"]
    assert all(e["rule_set_version"] and e["occurred_at"] and e["recorded_at"] for e in events)
    assert events[0]["actor"] == {"id": PARTICIPANT, "role": "applicant"}

    # Lists read the projections: filters and search.
    await stack.caught_up()

    async def listed(login: str = REVIEWER, **params: Any) -> list[str]:
        response = await stack.get(login, "/api/agreements", **params)
        assert response.status_code == 200, response.text
        return ids(response.json())

    assert await listed() == [other_id, agreement_id]
    assert await listed(status="active") == [agreement_id]
    assert await listed(status=["in_review", "refused"]) == [other_id]
    assert await listed(oked_section="J") == [agreement_id]
    assert await listed(oked_section="M") == [other_id]
    assert await listed(priority_area="materials") == [other_id]
    assert await listed(q=BIN[:6]) == [agreement_id]
    assert await listed(q="steppe") == [other_id]
    assert await listed(q=NUMBER.lower()) == [agreement_id]
    assert await listed(overdue="true") == []
    assert await listed(overdue="false", bin=OTHER_BIN) == [other_id]

    # A participant sees its own BIN's agreements only; another's is not found.
    assert await listed(PARTICIPANT) == [agreement_id]
    assert await listed(PARTICIPANT, bin=OTHER_BIN) == [agreement_id]
    for path in (f"/api/agreements/{other_id}", f"/api/agreements/{other_id}/timeline"):
        hidden = await stack.get(PARTICIPANT, path)
        assert (hidden.status_code, hidden.json()["code"]) == (404, "agreement_not_found")
    reach = await stack.act(PARTICIPANT, other_id, "ResubmitApplication", {"form": application()})
    assert reach.status_code == 404
    foreign = await stack.post(PARTICIPANT, "/api/applications", {"form": steppe_application()})
    assert (foreign.status_code, foreign.json()["field"]) == (403, "form.bin")
    assert (await stack.get(PARTICIPANT, "/api/deadlines/overdue")).status_code == 403
    assert (await stack.get(REVIEWER, "/api/deadlines/overdue")).json() == []

    register = (await stack.get(AUDITOR, "/api/participants")).json()["items"]
    assert [(p["bin"], p["agreement_id"]) for p in register] == [(BIN, agreement_id)]
    assert (await stack.get(PARTICIPANT, "/api/participants")).json()["items"] == register
    assert (await stack.get(OTHER, "/api/participants")).json()["items"] == []

    indicators = (await stack.get(PARTICIPANT, "/api/zone/indicators")).json()
    assert indicators["established"] is True
    assert {
        "indicator": "jobs",
        "unit": "jobs",
        "year": 2015,
        "target": "2718",
        "critical": "2119",
    } in indicators["levels"]

    # The auditor reads everything and may only annotate: every other action is refused.
    for path in ("/api/agreements", f"/api/agreements/{other_id}", "/api/inbox"):
        assert (await stack.get(AUDITOR, path)).status_code == 200
    for command_class in person_actions():
        action = command_type(command_class)
        if action == "AddAuditAnnotation":
            continue
        answer = await stack.act(AUDITOR, agreement_id, action, {})
        assert (answer.status_code, answer.json()["code"]) == (403, "role_not_permitted"), action
    assert (await stack.post(AUDITOR, "/api/applications", {})).status_code == 403
    annotated = await stack.act(
        AUDITOR,
        agreement_id,
        "AddAuditAnnotation",
        {"annotation_id": "audit-1", "text": "four-eyes refusal checked", "refers_to_version": 5},
    )
    assert annotated.status_code == 200, annotated.text
    after = (await stack.get(ADMIN, f"/api/agreements/{agreement_id}/timeline")).json()["events"]
    assert after[-1]["type"] == "AuditAnnotationAdded"
    assert after[-1]["actor"] == {"id": AUDITOR, "role": "auditor"}
