"""The console's pages and forms over the real stack, without a browser: logging in, the CSRF
token every form carries, the application form's explanations by field, and an action refused
with its reason and legal basis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.console.formatting import almaty_day, almaty_time, kzt, percent_of_basis_points
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack, application
from tests.console.console_client import csrf_of, logged_in
from tests.domain.agreement.agreement_scenarios import BIN

PARTICIPANT, REVIEWER, DANA = "alatau-software", "reviewer-aigerim", "approver-dana"
NBSP = "\u00a0"


def test_tenge_and_dates_are_written_as_in_almaty() -> None:
    assert kzt(Decimal("1234567.89")) == f"1{NBSP}234{NBSP}567,89{NBSP}₸"
    assert kzt(Decimal("0")) == f"0,00{NBSP}₸"
    assert kzt("999") == f"999,00{NBSP}₸"
    assert percent_of_basis_points(5050) == f"50,50{NBSP}%"
    assert almaty_day(date(2027, 3, 31)) == "31.03.2027"
    # 20:30 UTC on 31 March is already 1 April in Almaty (UTC+5).
    assert almaty_day(datetime(2027, 3, 31, 20, 30, tzinfo=UTC)) == "01.04.2027"
    assert almaty_time(datetime(2027, 3, 31, 20, 30, tzinfo=UTC)) == "01.04.2027 01:30"


def form_fields(**changes: str) -> dict[str, Any]:
    body = application()
    fields = {
        "bin": body["bin"],
        "name": body["name"],
        "applicant_kind": "company",
        "contact_email": body["contacts"]["email"],
        "phone": body["contacts"]["phone"],
        "address": body["contacts"]["address"],
        "contact_person": body["contacts"]["contact_person"],
        "oked_code": body["oked_code"],
        "priority_area": body["priority_area"],
        "on_territory": "on",
        "project_description": body["project_description"],
        "requested_start": body["requested_start"],
        "requested_end": body["requested_end"],
        "investment_foreign_kzt": "1 000 000,00",
        "investment_domestic_kzt": "2 500 000,50",
        "production_volume_kzt": "10 000 000",
        "jobs": "12",
        "kz_content_bp": "5000",
    }
    fields.update(changes)
    return fields


pytestmark = pytest.mark.postgres


async def test_login_welcomes_in_kazakh_and_refuses_a_wrong_password(stack: Stack) -> None:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(stack.services)), base_url="http://pit.test"
    )
    async with client:
        first = await client.get("/inbox")
        assert (first.status_code, first.headers["location"]) == (303, "/login?next=%2Finbox")
        login = await client.get("/login")
        assert "Қош келдіңіз" in login.text
        assert 'lang="ru"' in login.text
        english = await client.get("/lang/en?next=/login", follow_redirects=True)
        assert 'lang="en"' in english.text
        assert "Log in" in english.text
        wrong = await client.post("/login", data={"login": REVIEWER, "password": "not it at all"})
        assert wrong.status_code == 401
        assert "Wrong login or password" in wrong.text
        right = await client.post("/login", data={"login": REVIEWER, "password": STRONG})
        assert right.status_code == 303
        assert "pit_session" in client.cookies
        inbox = await client.get("/inbox")
        assert inbox.status_code == 200
        assert "My tasks" in inbox.text
        # Every form carries the session's CSRF token; a post without it is refused.
        forged = await client.post("/logout", data={})
        assert forged.status_code == 403
        out = await client.post("/logout", data={"csrf_token": csrf_of(inbox)})
        assert out.status_code == 303
        assert (await client.get("/inbox")).status_code == 303


async def test_the_application_form_explains_each_problem_by_its_field(stack: Stack) -> None:
    async with logged_in(stack, PARTICIPANT) as client:
        form_page = await client.get("/apply")
        assert form_page.status_code == 200
        token = csrf_of(form_page)
        past_zone = date.fromisoformat(form_fields()["requested_end"]) + timedelta(days=365)
        wrong = await client.post(
            "/apply",
            data={
                **form_fields(
                    bin=BIN[:11] + str((int(BIN[11]) + 1) % 10),
                    oked_code="11.01",
                    requested_end=past_zone.isoformat(),
                ),
                "csrf_token": token,
            },
        )
        assert wrong.status_code == 422, wrong.text[:300]
        text = wrong.text
        assert 'id="bin-err"' in text
        assert "контрольная цифра" in text  # the domain's reason, in Russian by default
        assert 'id="oked_code-err"' in text
        assert "раздел 11 (производство напитков)" in text
        assert "Reg. §3" in text
        assert 'id="requested_end-err"' in text
        assert "Decree 1166 item 1" in text

        typed = await client.get(
            "/apply/check",
            params={"bin": BIN, "oked_code": "12.00", "requested_end": past_zone.isoformat()},
        )
        checks = typed.json()
        assert checks["bin"]["ok"] is True
        assert checks["oked_code"]["ok"] is False
        assert "производство табачных изделий" in checks["oked_code"]["message"]
        assert checks["requested_end"]["ok"] is False
        assert "Decree 1166 item 1" in checks["requested_end"]["message"]

        made = await client.post("/apply", data={**form_fields(), "csrf_token": token})
        assert made.status_code == 303, made.text[:2000]
        agreement = await client.get(made.headers["location"])
        assert agreement.status_code == 200
        assert "на рассмотрении" in agreement.text
        assert f"1{NBSP}000{NBSP}000,00{NBSP}₸" in agreement.text
        assert f"2{NBSP}500{NBSP}000,50{NBSP}₸" in agreement.text


async def test_an_action_the_role_may_not_take_is_refused_with_its_basis(stack: Stack) -> None:
    agreement_id = await stack.apply(PARTICIPANT, {"form": application()})
    async with logged_in(stack, DANA) as client:
        screen = await client.get(f"/agreements/{agreement_id}")
        assert "RecommendConclusion" not in screen.text  # not an approver's form
        refused = await client.post(
            f"/agreements/{agreement_id}/act/RecommendConclusion",
            data={"csrf_token": csrf_of(screen), "note": "crafted"},
        )
        assert refused.status_code == 403
        assert "role_not_permitted" in refused.text
        assert "pit policy: roles" in refused.text


async def test_only_a_task_of_ones_own_inbox_can_be_claimed(stack: Stack) -> None:
    agreement_id = await stack.apply(PARTICIPANT, {"form": application()})
    await stack.caught_up()
    claim = f"/inbox/{agreement_id}/review_application/claim"
    async with logged_in(stack, PARTICIPANT) as participant:
        token = csrf_of(await participant.get("/agreements"))
        reaching = await participant.post(claim, data={"csrf_token": token})
        assert reaching.status_code == 404
    async with logged_in(stack, REVIEWER) as reviewer:
        inbox = await reviewer.get("/inbox")
        assert f"/inbox/{agreement_id}/review_application/claim" in inbox.text
        claimed = await reviewer.post(claim, data={"csrf_token": csrf_of(inbox)})
        assert claimed.status_code == 303
        assert (
            f"/inbox/{agreement_id}/review_application/release"
            in (await reviewer.get("/inbox")).text
        )
