"""Who may come in, and how refusals read: 401 without credentials on every operation, 422
naming the field, CSRF tokens for cookie sessions, and login attempts limited (429)."""

from __future__ import annotations

import re

import pytest

from tests.accounts.conftest import STRONG
from tests.api.conftest import LOGIN_LIMITS, Stack, application
from tests.domain.agreement.agreement_scenarios import goods as goods_declared

pytestmark = pytest.mark.postgres

PARTICIPANT, REVIEWER = "alatau-software", "reviewer-aigerim"
# /metrics needs PIT_METRICS_TOKEN only where one is set (tests/api/test_metrics.py).
OPEN = {
    ("GET", "/api/health"),
    ("GET", "/api/ready"),
    ("POST", "/api/session"),
    ("GET", "/metrics"),
}
ERROR_SHAPE = {"code", "message", "field", "legal_basis"}


async def test_every_operation_but_logging_in_refuses_a_request_without_credentials(
    stack: Stack,
) -> None:
    document = (await stack.http.get("/openapi.json")).json()
    refused = []
    for path, operations in document["paths"].items():
        concrete = re.sub(r"\{kind\}", "review_application", path)
        concrete = re.sub(r"\{agreement_id\}", "some-agreement", concrete)
        for method in operations:
            if (method.upper(), path) in OPEN:
                continue
            answer = await stack.http.request(method.upper(), concrete, json={})
            assert answer.status_code == 401, (method, path, answer.text)
            assert set(answer.json()) == ERROR_SHAPE
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
            refused.append(path)
    assert len(refused) > 40
    bad_token = await stack.http.get(
        "/api/agreements", headers={"Authorization": "Bearer pit_0123456789abcdef_nope"}
    )
    assert (bad_token.status_code, bad_token.json()["code"]) == (401, "invalid_token")


async def test_bad_input_is_refused_with_422_naming_the_field(stack: Stack) -> None:
    bad_bin = await stack.post(
        PARTICIPANT, "/api/applications", {"form": application() | {"bin": "12345"}}
    )
    assert bad_bin.status_code == 422
    assert bad_bin.json()["code"] == "invalid_input"
    assert bad_bin.json()["field"] == "form.bin"
    assert "pattern" in bad_bin.json()["message"]

    jobs = application()
    jobs["planned_obligations"][0]["jobs"] = -1
    negative = await stack.post(PARTICIPANT, "/api/applications", {"form": jobs})
    assert negative.json()["field"] == "form.planned_obligations[0].jobs"

    agreement_id = await stack.apply(PARTICIPANT, {"form": application()})
    no_note = await stack.act(REVIEWER, agreement_id, "RecommendConclusion", {})
    assert (no_note.status_code, no_note.json()["field"]) == (422, "note")
    stranger = await stack.act(
        REVIEWER, agreement_id, "RecommendConclusion", {"note": "ok", "x": 1}
    )
    assert (stranger.status_code, stranger.json()["field"]) == (422, "x")
    limit = await stack.get(REVIEWER, "/api/agreements", limit=0)
    assert (limit.status_code, limit.json()["field"]) == (422, "limit")
    path = await stack.get(REVIEWER, "/api/agreements/no spaces here")
    assert (path.status_code, path.json()["field"]) == (422, "agreement_id")
    unknown = await stack.get(REVIEWER, "/api/agreements/never-applied")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "agreement_not_found")
    goods = goods_declared().model_dump(mode="json") | {"unit": "pc\x00s"}
    nul = await stack.act(
        PARTICIPANT,
        agreement_id,
        "DeclareGoodsConsumption",
        {"declaration_id": "d-1", "goods": goods},
    )
    assert (nul.status_code, nul.json()["code"]) == (422, "invalid_input")
    again = await stack.post(
        PARTICIPANT, "/api/applications", {"agreement_id": agreement_id, "form": application()}
    )
    assert (again.status_code, again.json()["code"]) == (409, "agreement_exists")


async def test_a_cookie_session_acts_only_with_its_csrf_token(stack: Stack) -> None:
    http = stack.http
    logged_in = await http.post("/api/session", json={"login": PARTICIPANT, "password": STRONG})
    assert logged_in.status_code == 200, logged_in.text
    csrf = logged_in.json()["csrf_token"]
    cookie = logged_in.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # http here: a cookie marked Secure would never come back
    assert (await http.get("/api/session")).json()["csrf_token"] == csrf

    body = {"form": application()}
    missing = await http.post("/api/applications", json=body)
    assert (missing.status_code, missing.json()["code"]) == (403, "csrf_failed")
    wrong = await http.post("/api/applications", json=body, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    assert (await http.get("/api/agreements")).status_code == 200  # reads need no token
    made = await http.post("/api/applications", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text

    session_id = http.cookies["pit_session"]
    assert (await http.delete("/api/session")).status_code == 403
    assert (await http.delete("/api/session", headers={"X-CSRF-Token": csrf})).status_code == 204
    assert "pit_session" not in http.cookies
    ended = await http.get("/api/agreements", headers={"Cookie": f"pit_session={session_id}"})
    assert (ended.status_code, ended.json()["code"]) == (401, "invalid_session")


async def test_too_many_failed_logins_are_refused_with_429_and_retry_after(stack: Stack) -> None:
    wrong = {"login": REVIEWER, "password": "not the password"}
    for _ in range(LOGIN_LIMITS.per_login):
        failed = await stack.http.post("/api/session", json=wrong)
        assert (failed.status_code, failed.json()["code"]) == (401, "unknown_login_or_password")
    limited = await stack.http.post("/api/session", json={"login": REVIEWER, "password": STRONG})
    assert (limited.status_code, limited.json()["code"]) == (429, "too_many_attempts")
    assert int(limited.headers["Retry-After"]) > 0
    assert "set-cookie" not in limited.headers
