"""Who may do what, over the real stack: every operation of /openapi.json and every action the
domain lets a person take, sent as every role, against what :data:`MATRIX` says each should get;
a participant reaching for another participant's agreement finds nothing there (404, the answer
for an agreement that does not exist); the actor of every event is the authenticated user, never
a field of the request; and the four-eyes rule holds for a request crafted round the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from domain.actors import Actor, Role
from domain.agreement import PERMISSIONS, AgreementCommand
from domain.agreement.commands import ProposeAmendment, RecommendConclusion
from domain.rules import decree_1166_rulebook
from eventstore import RecordedEvent
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack, almaty_today, application, steppe_application
from tests.domain.agreement.agreement_scenarios import BIN, OTHER_BIN, goods, obligations
from workflows.agreement import AgreementAction, AgreementWorkflow, workflow_id

pytestmark = pytest.mark.postgres

OWNER, OTHER = "alatau-software", "steppe-materials"
REVIEWER, DANA, YERLAN = "reviewer-aigerim", "approver-dana", "approver-yerlan"
AUDITOR, ADMIN = "auditor-saule", "admin-timur"

# The matrix's columns: the owner of the agreement acted on, another participant, then staff.
ROLES = (OWNER, OTHER, REVIEWER, DANA, AUDITOR, ADMIN)

# What each role gets, by operation ("METHOD path") or by action (the command's type, for
# POST /api/agreements/{agreement_id}/actions/<type>), in the order of ROLES:
#   A  allowed: 2xx, or 409 when the agreement refuses the action in its present state
#      (the domain's own code: that is no failure of authorization);
#   F  forbidden: 403 ``role_not_permitted`` or ``not_own_agreement``;
#   N  not found: 404, exactly as for an agreement (or task) that does not exist.
# The agreement acted on is the owner's, in force; the task claimed is its register entry.
# fmt: off
#                                                    owner other review approv audit admin
MATRIX: dict[str, str] = {
    "GET /api/health":                                  "A     A     A      A      A     A",
    "GET /api/ready":                                   "A     A     A      A      A     A",
    "GET /metrics":                                     "A     A     A      A      A     A",
    "POST /api/session":                                "A     A     A      A      A     A",
    "GET /api/session":                                 "A     A     A      A      A     A",
    "DELETE /api/session":                              "A     A     A      A      A     A",
    "POST /api/applications":                           "A     F     F      F      F     F",
    "GET /api/agreements":                              "A     A     A      A      A     A",
    "GET /api/agreements/{agreement_id}":               "A     N     A      A      A     A",
    "GET /api/agreements/{agreement_id}/timeline":      "A     N     A      A      A     A",
    "GET /api/inbox":                                   "A     A     A      A      A     A",
    "POST /api/inbox/{agreement_id}/{kind}/claim":      "N     N     A      N      F     A",
    "POST /api/inbox/{agreement_id}/{kind}/release":    "N     N     A      N      F     A",
    "GET /api/deadlines/overdue":                       "F     F     A      A      A     A",
    "GET /api/participants":                            "A     A     A      A      A     A",
    "GET /api/zone/indicators":                         "A     A     A      A      A     A",
    "GET /api/zone/dashboard":                          "F     F     A      A      A     A",
    # application and review
    "RequestChanges":                                   "F     F     A      F      F     F",
    "ResubmitApplication":                              "A     N     F      F      F     F",
    "RecommendConclusion":                              "F     F     A      F      F     F",
    "RecommendRefusal":                                 "F     F     A      F      F     F",
    # decision and signing
    "ApproveConclusion":                                "F     F     F      A      F     F",
    "RefuseApplication":                                "F     F     F      A      F     F",
    "SignAsParticipant":                                "A     N     F      F      F     F",
    "SignForManagementCompany":                         "F     F     F      A      F     F",
    # notices and the register
    "RecordAuthorityNotified":                          "F     F     F      F      F     A",
    "RecordRegisterEntry":                              "F     F     A      F      F     A",
    "RecordRegisterEntryClosed":                        "F     F     A      F      F     A",
    # annual reports
    "SubmitAnnualReport":                               "A     N     F      F      F     F",
    "ResubmitAnnualReport":                             "A     N     F      F      F     F",
    "AcceptAnnualReport":                               "F     F     A      F      F     F",
    "ReturnAnnualReport":                               "F     F     A      F      F     F",
    # monitoring and breach
    "RecordSiteVisit":                                  "F     F     A      F      F     F",
    "IssueBreachNotice":                                "F     F     A      F      F     F",
    "RecordBreachCured":                                "F     F     A      F      F     F",
    # amendments
    "ProposeAmendment":                                 "F     F     A      F      F     F",
    "ApproveAmendment":                                 "F     F     F      A      F     F",
    "RejectAmendment":                                  "F     F     F      A      F     F",
    "SignAmendment":                                    "A     N     F      F      F     F",
    # free customs zone goods
    "DeclareGoodsConsumption":                          "A     N     F      F      F     F",
    "ConfirmGoodsConsumption":                          "F     F     A      F      F     F",
    "RejectGoodsDeclaration":                           "F     F     A      F      F     F",
    # audit
    "AddAuditAnnotation":                               "F     F     F      F      A     F",
    # termination, last: once it is approved the agreement takes no more actions
    "ProposeTermination":                               "F     F     A      F      F     F",
    "RequestTermination":                               "A     N     F      F      F     F",
    "ConsentToTermination":                             "A     N     F      F      F     F",
    "ApproveTermination":                               "F     F     F      A      F     F",
    "RejectTermination":                                "F     F     F      A      F     F",
}
# fmt: on

ACTIONS_PATH = "/api/agreements/{agreement_id}/actions/"
TASK_KIND = "record_register_entry"
PHANTOM = "never-applied-anywhere"
PERMISSION_CODES = {"role_not_permitted", "not_own_agreement"}
NOT_FOUND_CODES = {"agreement_not_found", "task_not_found"}
CONCURRENCY = 8
PROJECTION_POLLS = 200
NUMBER = "PIT-2026-301"


def expected(key: str) -> dict[str, str]:
    """A row of the matrix, by login."""
    cells = MATRIX[key].split()
    assert len(cells) == len(ROLES), key
    return dict(zip(ROLES, cells, strict=True))


def operation_key(method: str, path: str) -> str:
    """An operation's row in the matrix: an action's by its command type."""
    if path.startswith(ACTIONS_PATH):
        return path.removeprefix(ACTIONS_PATH)
    return f"{method.upper()} {path}"


def person_actions() -> set[str]:
    """The domain's commands a person may take on an agreement: those PERMISSIONS allows a role
    other than pit's own system (submission is ``POST /api/applications``)."""
    return {
        name
        for name, roles in PERMISSIONS.items()
        if roles - {Role.SYSTEM} and name != "SubmitApplication"
    }


def action_bodies(today: date) -> dict[str, dict[str, Any] | None]:
    """A body of valid form for every action, so that the role's answer is not a 422."""
    report = {
        "actuals": obligations(today.year).model_dump(mode="json"),
        "imported_goods_consumed_kzt": "0.00",
    }
    return {
        "RequestChanges": {"items": ["give the jobs per year in full"]},
        "ResubmitApplication": {"form": application()},
        "RecommendConclusion": {"note": "fits the zone"},
        "RecommendRefusal": {"grounds": ["documents"], "note": "the charter is missing"},
        "ApproveConclusion": {"agreement_number": "PIT-2026-399"},
        "RefuseApplication": {"grounds": ["documents"], "note": "the charter is missing"},
        "SignAsParticipant": None,
        "SignForManagementCompany": None,
        "RecordAuthorityNotified": {"authority": "tax_authority", "reference": "TAX-77"},
        "RecordRegisterEntry": {"register_number": "REG-77", "entered_on": today.isoformat()},
        "RecordRegisterEntryClosed": {"closed_on": today.isoformat()},
        "SubmitAnnualReport": {"report_id": "report-1", "year": today.year, **report},
        "ResubmitAnnualReport": {"report_id": "report-1", **report},
        "AcceptAnnualReport": {"report_id": "report-1"},
        "ReturnAnnualReport": {"report_id": "report-1", "reasons": ["jobs are not evidenced"]},
        "RecordSiteVisit": {
            "visit_id": "visit-1",
            "visited_on": today.isoformat(),
            "findings": "the lab works as declared",
            "terms_met": True,
        },
        "IssueBreachNotice": {"notice_id": "notice-1", "description": "jobs fell short"},
        "RecordBreachCured": {"notice_id": "notice-1", "note": "the jobs were filled"},
        "ProposeAmendment": {
            "amendment_id": "amendment-1",
            "end_date": date(today.year + 1, 6, 30).isoformat(),
            "reason": "the participant asked to end earlier",
        },
        "ApproveAmendment": {"amendment_id": "amendment-1"},
        "RejectAmendment": {"amendment_id": "amendment-1", "reason": "not justified"},
        "SignAmendment": {"amendment_id": "amendment-1"},
        "DeclareGoodsConsumption": {
            "declaration_id": "declaration-1",
            "goods": goods().model_dump(mode="json"),
        },
        "ConfirmGoodsConsumption": {"declaration_id": "declaration-1", "document_number": "FCZ-1"},
        "RejectGoodsDeclaration": {"declaration_id": "declaration-1", "reasons": ["no invoice"]},
        "AddAuditAnnotation": {"annotation_id": "audit-1", "text": "roles checked"},
        "ProposeTermination": {
            "termination_id": "termination-1",
            "ground": "mutual_consent",
            "reason": "both parties agree to end",
        },
        "RequestTermination": {"termination_id": "termination-2", "reason": "we are moving"},
        "ConsentToTermination": {"termination_id": "termination-1"},
        "ApproveTermination": {"termination_id": "termination-1"},
        "RejectTermination": {"termination_id": "termination-1", "reason": "not now"},
    }


@dataclass(frozen=True)
class Call:
    """One request of the matrix."""

    key: str
    login: str
    method: str
    url: str
    body: Any = None


def call_for(key: str, login: str, agreement_id: str, bodies: dict[str, Any]) -> Call:
    """The request that tries ``key`` as ``login`` on ``agreement_id``."""
    if key in bodies:
        url = f"/api/agreements/{agreement_id}/actions/{key}"
        return Call(key, login, "POST", url, bodies[key])
    method, path = key.split(" ", 1)
    url = path.replace("{agreement_id}", agreement_id).replace("{kind}", TASK_KIND)
    body: Any = None
    if key == "POST /api/applications":  # the owner's BIN: another participant's reach
        body = {"form": application()}
    elif key == "POST /api/session":
        body = {"login": login, "password": STRONG}
    return Call(key, login, method, url, body)


async def send(stack: Stack, call: Call) -> httpx.Response:
    answer = await stack.http.request(
        call.method, call.url, headers=stack.as_(call.login), json=call.body
    )
    if call.key == "POST /api/session":
        stack.http.cookies.clear()  # the matrix authenticates by token only
    return answer


def code_of(answer: httpx.Response) -> str | None:
    if answer.status_code < 400 or not answer.content:
        return None
    code: str | None = answer.json().get("code")
    return code


def mismatch(call: Call, want: str, answer: httpx.Response) -> str | None:
    """Why ``answer`` is not what the matrix says ``call`` gets; None when it is."""
    status, code = answer.status_code, code_of(answer)
    fits = {
        "A": 200 <= status < 300 or (status == 409 and code not in PERMISSION_CODES),
        "F": status == 403 and code in PERMISSION_CODES,
        "N": status == 404 and code in NOT_FOUND_CODES,
    }[want]
    if fits:
        return None
    return f"{call.key} as {call.login}: expected {want}, got {status} {answer.text[:200]}"


async def bounded(calls: Iterable[Call], stack: Stack) -> list[httpx.Response]:
    """Send calls at most CONCURRENCY at a time; the answers in the calls' order."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: Call) -> httpx.Response:
        async with gate:
            return await send(stack, call)

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def act_elsewhere(
    stack: Stack, agreement_id: str, command: AgreementCommand, actor: Actor
) -> None:
    """A command recorded through another front door than the API (an integration on Temporal,
    ``pit act``): pit's accounts have one role each, so only a crafted path can make one person
    both the proposer and the approver of the same matter."""
    handle = stack.temporal.client.get_workflow_handle_for(
        AgreementWorkflow.run, workflow_id(agreement_id)
    )
    await handle.execute_update(
        AgreementWorkflow.act,
        AgreementAction(command=command, actor=actor, correlation_id=f"elsewhere:{actor.id}"),
    )


async def concluded(stack: Stack, number: str = NUMBER) -> str:
    """The owner's agreement, applied for, recommended, approved and signed: in force."""
    agreement_id = await stack.apply(OWNER, {"form": application()})
    steps = [
        (REVIEWER, "RecommendConclusion", {"note": "fits the zone"}),
        (DANA, "ApproveConclusion", {"agreement_number": number}),
        (OWNER, "SignAsParticipant", None),
        (DANA, "SignForManagementCompany", None),
    ]
    for login, action, body in steps:
        answer = await stack.act(login, agreement_id, action, body)
        assert answer.status_code == 200, (action, answer.text)
    return agreement_id


async def projected(stack: Stack, *, own: str, others: str) -> None:
    """Project until the lists show both agreements as they are now (bounded): a catch-up
    delivers only what no transaction still open on the server holds back, and neighbours on a
    shared PostgreSQL server hold some now and then."""
    for _ in range(PROJECTION_POLLS):
        await stack.caught_up()
        register = await stack.get(AUDITOR, "/api/participants")
        tasks = [
            [item["kind"] for item in (await stack.get(REVIEWER, "/api/inbox", **query)).json()]
            for query in ({"agreement_id": own}, {"agreement_id": others})
        ]
        if BIN in listed_bins(register) and tasks == [[TASK_KIND], ["review_application"]]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the projections never showed {own} in force and {others} in review")


async def stream(stack: Stack, agreement_id: str) -> list[RecordedEvent]:
    return await stack.store.read_stream(workflow_id(agreement_id))


def ids(page: httpx.Response) -> list[str]:
    return [item["agreement_id"] for item in page.json()["items"]]


def audiences(detail: dict[str, Any]) -> set[str]:
    return {reminder["audience"] for reminder in detail["upcoming_reminders"]}


def listed_bins(answer: httpx.Response) -> set[str | None]:
    return {item["bin"] for item in answer.json()["items"]}


def test_the_matrix_classifies_every_person_action_of_the_domain() -> None:
    rows = set(MATRIX)
    unclassified = person_actions() - rows
    assert not unclassified, f"actions the matrix does not classify: {sorted(unclassified)}"
    assert "SubmitApplication" in PERMISSIONS
    assert "POST /api/applications" in rows
    assert set(action_bodies(almaty_today())) == person_actions()
    for key in MATRIX:
        assert set(expected(key).values()) <= {"A", "F", "N"}, key


async def test_every_role_gets_what_the_matrix_says_on_every_operation(stack: Stack) -> None:
    document = (await stack.http.get("/openapi.json")).json()
    operations = {
        operation_key(method, path)
        for path, methods in document["paths"].items()
        for method in methods
    }
    assert operations == set(MATRIX), (
        f"not classified: {sorted(operations - set(MATRIX))}; "
        f"gone from the API: {sorted(set(MATRIX) - operations)}"
    )
    assert {key for key in operations if "/" not in key} == person_actions()

    own = await concluded(stack)
    others = await stack.apply(OTHER, {"form": steppe_application()})
    await projected(stack, own=own, others=others)
    before = {agreement: len(await stream(stack, agreement)) for agreement in (own, others)}
    bodies = action_bodies(almaty_today())
    calls = [call_for(key, login, own, bodies) for key in MATRIX for login in ROLES]
    wants = {(call.key, call.login): expected(call.key)[call.login] for call in calls}
    answers: dict[tuple[str, str], httpx.Response] = {}
    problems: list[str | None] = []

    # Refusals first, all at once: each is decided before the agreement's workflow is asked.
    refused = [call for call in calls if wants[call.key, call.login] != "A"]
    for call, answer in zip(refused, await bounded(refused, stack), strict=True):
        answers[call.key, call.login] = answer
        problems.append(mismatch(call, wants[call.key, call.login], answer))
    after = {agreement: len(await stream(stack, agreement)) for agreement in (own, others)}
    if after != before:
        problems.append(f"refused requests reached the workflow: events {before} -> {after}")

    # Another participant learns nothing: each answer it got on the owner's agreement is the
    # one for an agreement that does not exist.
    reaching = [
        call
        for call in refused
        if call.login == OTHER and ("{agreement_id}" in call.key or call.key in bodies)
    ]
    phantoms = [call_for(call.key, OTHER, PHANTOM, bodies) for call in reaching]
    for call, phantom in zip(reaching, await bounded(phantoms, stack), strict=True):
        real = answers[call.key, OTHER]
        if (real.status_code, code_of(real)) != (phantom.status_code, code_of(phantom)):
            problems.append(
                f"{call.key} as {OTHER} tells the owner's agreement from none: "
                f"{real.status_code} {code_of(real)} != {phantom.status_code} {code_of(phantom)}"
            )

    # The allowed, one at a time in the matrix's order: they change the agreement.
    for call in (call for call in calls if wants[call.key, call.login] == "A"):
        answers[call.key, call.login] = answer = await send(stack, call)
        problems.append(mismatch(call, "A", answer))
    found = [problem for problem in problems if problem]
    assert not found, "\n".join(found)

    await assert_each_reads_only_what_it_may(stack, answers, own=own, others=others)


async def assert_each_reads_only_what_it_may(
    stack: Stack, answers: dict[tuple[str, str], httpx.Response], *, own: str, others: str
) -> None:
    """What the allowed reads show: a participant only ever its own BIN's agreements, tasks and
    register entry, whatever it asks for; staff and the auditor everyone's."""
    for login in ROLES:
        assert answers["GET /api/session", login].json()["user"]["id"] == login
    detail = answers["GET /api/agreements/{agreement_id}", OWNER].json()
    assert (detail["agreement_id"], detail["bin"]) == (own, BIN)
    # Of the reminders planned, a participant reads those pit will write to it, not the staff's
    # own follow-ups (on the notices to the authorities, the register entry).
    assert audiences(detail) == {"participant"}
    staff_detail = answers["GET /api/agreements/{agreement_id}", REVIEWER].json()
    assert audiences(staff_detail) == {"participant", "staff"}
    await stack.caught_up()
    for login, bin_, theirs in ((OWNER, BIN, own), (OTHER, OTHER_BIN, others)):
        for params in ({}, {"bin": BIN}, {"bin": OTHER_BIN}, {"q": "a"}, {"status": "active"}):
            page = await stack.get(login, "/api/agreements", **params)
            assert page.status_code == 200, page.text
            assert listed_bins(page) <= {bin_}, (login, params)
        assert theirs in ids(await stack.get(login, "/api/agreements"))
        for params in ({}, {"agreement_id": own}, {"agreement_id": others}):
            inbox = await stack.get(login, "/api/inbox", **params)
            assert inbox.status_code == 200, inbox.text
            assert {item["bin"] for item in inbox.json()} <= {bin_}, (login, params)
    assert listed_bins(await stack.get(OWNER, "/api/participants")) == {BIN}
    assert listed_bins(await stack.get(OTHER, "/api/participants", q=BIN)) == set()
    for login in (REVIEWER, DANA, AUDITOR, ADMIN):
        everyone = await stack.get(login, "/api/agreements")
        assert {own, others} <= set(ids(everyone)), login
        assert BIN in listed_bins(await stack.get(login, "/api/participants")), login
    reviews = await stack.get(REVIEWER, "/api/inbox", agreement_id=others)
    assert [item["kind"] for item in reviews.json()] == ["review_application"]


async def test_the_actor_of_an_event_is_the_authenticated_user_never_a_field_of_the_request(
    stack: Stack,
) -> None:
    forged_actor = {"id": DANA, "role": "approver"}
    submission = {"agreement_id": "forged-actor-1", "form": application()}
    forged = await stack.post(OWNER, "/api/applications", submission | {"actor": forged_actor})
    assert (forged.status_code, forged.json()["field"]) == (422, "actor"), forged.text
    assert await stream(stack, "forged-actor-1") == []
    agreement_id = await stack.apply(OWNER, submission)
    applied = await stream(stack, agreement_id)

    recommend = f"/api/agreements/{agreement_id}/actions/RecommendConclusion"
    for crafted in (
        {"note": "fits", "actor": forged_actor},
        {"note": "fits", "actor_id": DANA},
        {"note": "fits", "type": "ApproveConclusion", "agreement_number": NUMBER},
    ):
        refused = await stack.post(REVIEWER, recommend, crafted)
        assert refused.status_code == 422, (crafted, refused.text)
    # An auditor may annotate; the body cannot turn the annotation into a decision.
    smuggled = await stack.act(
        AUDITOR, agreement_id, "AddAuditAnnotation", {"type": "ApproveConclusion"}
    )
    assert smuggled.status_code == 422, smuggled.text
    assert await stream(stack, agreement_id) == applied

    # Headers that name someone else are no credentials; and another user's Idempotency-Key
    # replays nothing of theirs: Dana's approval is her own, not the reviewer's answer again.
    key = {"Idempotency-Key": "same-key-for-both"}
    headers = stack.as_(REVIEWER) | key | {"X-Actor": DANA, "X-Forwarded-User": DANA}
    recommended = await stack.http.post(recommend, headers=headers, json={"note": "fits"})
    assert recommended.json()["status"] == "recommended", recommended.text
    approved = await stack.http.post(
        f"/api/agreements/{agreement_id}/actions/ApproveConclusion",
        headers=stack.as_(DANA) | key,
        json={"agreement_number": NUMBER},
    )
    assert approved.json()["status"] == "awaiting_signatures", approved.text

    who = [
        (event.type, event.metadata.actor_id, event.metadata.actor_role)
        for event in await stream(stack, agreement_id)
    ]
    assert who[0] == ("ApplicationSubmitted", OWNER, "applicant")
    assert ("ConclusionRecommended", REVIEWER, "reviewer") in who
    assert ("ConclusionApproved", DANA, "approver") in who
    people = {actor for _, actor, role in who if role != "system"}
    assert people == {OWNER, REVIEWER, DANA}, who
    submitted = (await stream(stack, agreement_id))[0]
    assert submitted.data["form"]["bin"] == BIN


async def test_four_eyes_holds_for_a_request_crafted_round_the_api(stack: Stack) -> None:
    agreement_id = await stack.apply(OWNER, {"form": application()})
    # Yerlan recommends as a reviewer through another door, then decides through the API.
    await act_elsewhere(
        stack,
        agreement_id,
        RecommendConclusion(note="fits the zone"),
        Actor(id=YERLAN, role=Role.REVIEWER),
    )
    await assert_four_eyes_refuses(
        stack, YERLAN, agreement_id, "ApproveConclusion", {"agreement_number": NUMBER}
    )
    for login, action, body in (
        (DANA, "ApproveConclusion", {"agreement_number": NUMBER}),
        (OWNER, "SignAsParticipant", None),
        (DANA, "SignForManagementCompany", None),
    ):
        answer = await stack.act(login, agreement_id, action, body)
        assert answer.status_code == 200, (action, answer.text)

    # Dana proposes an amendment the same way, then approves it through the API.
    zone_end = decree_1166_rulebook().in_force(almaty_today()).zone_end
    await act_elsewhere(
        stack,
        agreement_id,
        ProposeAmendment(
            amendment_id="amendment-1",
            end_date=date(zone_end.year - 1, 12, 31),
            reason="the participant asked to end a year earlier",
        ),
        Actor(id=DANA, role=Role.REVIEWER),
    )
    await assert_four_eyes_refuses(
        stack, DANA, agreement_id, "ApproveAmendment", {"amendment_id": "amendment-1"}
    )
    others_approval = await stack.act(
        YERLAN, agreement_id, "ApproveAmendment", {"amendment_id": "amendment-1"}
    )
    assert others_approval.status_code == 200, others_approval.text


async def assert_four_eyes_refuses(
    stack: Stack, login: str, agreement_id: str, action: str, body: dict[str, Any]
) -> None:
    """``login`` taking ``action`` is refused 409 ``four_eyes`` with its legal basis, and the
    refusal is recorded in the agreement's stream with ``login`` as its actor."""
    since = len(await stream(stack, agreement_id))
    answer = await stack.act(login, agreement_id, action, body)
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "four_eyes"
    assert answer.json()["legal_basis"] == ["pit policy: four-eyes"]
    # pit's own events (notices, reminders) may come between: find the refusal among the new.
    recorded = [e for e in (await stream(stack, agreement_id))[since:] if e.type == "ActionRefused"]
    assert len(recorded) == 1, recorded
    refusal = recorded[0]
    assert (refusal.metadata.actor_id, refusal.metadata.actor_role) == (login, "approver")
    assert refusal.metadata.legal_basis == ("pit policy: four-eyes",)
    assert (refusal.data["code"], refusal.data["command_type"]) == ("four_eyes", action)
