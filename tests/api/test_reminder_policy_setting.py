"""Operators set the reminder days and hours our policy leaves open (PIT_REMINDER_POLICY, a
JSON object of ReminderPolicy's fields); an agreement applied for through the API starts its
workflow with that policy, which travels in the run's start input and so lasts its life."""

from __future__ import annotations

import dataclasses
import json
from datetime import time, timedelta

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from domain.agreement.reminders import ReminderPolicy
from tests.api.conftest import Stack, application
from workers.settings import PitSettings
from workflows.agreement import AgreementStart, workflow_id

OPERATORS = {"staff_days_before": [3, 1], "send_at": "10:30", "spread": "PT2M"}


def test_the_reminder_policy_comes_from_pit_reminder_policy_and_keeps_what_it_leaves_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PIT_REMINDER_POLICY", json.dumps(OPERATORS))

    policy = PitSettings().reminder_policy

    assert policy.staff_days_before == (3, 1)
    assert policy.send_at == time(10, 30)
    assert policy.spread == timedelta(minutes=2)
    assert policy.participant_days_before == ReminderPolicy().participant_days_before


def test_without_pit_reminder_policy_the_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIT_REMINDER_POLICY", raising=False)
    assert PitSettings().reminder_policy == ReminderPolicy()

    monkeypatch.setenv("PIT_REMINDER_POLICY", "")  # docker-compose.yml's way of leaving it unset
    assert PitSettings().reminder_policy == ReminderPolicy()


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ('{"spread": "PT2H"}', "spread"),  # more than an hour: not a morning's mail
        ('{"staff_days_before": [0]}', "staff_days_before"),
        ('{"reminder_days": [1]}', "reminder_days"),  # no such field
    ],
)
def test_a_bad_pit_reminder_policy_is_refused_naming_the_setting_and_its_field(
    monkeypatch: pytest.MonkeyPatch, value: str, field: str
) -> None:
    monkeypatch.setenv("PIT_REMINDER_POLICY", value)

    with pytest.raises(ValidationError) as refused:
        PitSettings()

    [error] = refused.value.errors()
    assert error["loc"][:2] == ("PIT_REMINDER_POLICY", field), error


def test_a_reminder_policy_that_is_not_json_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIT_REMINDER_POLICY", "staff_days_before=3")

    with pytest.raises(ValidationError) as refused:
        PitSettings()

    [error] = refused.value.errors()
    assert error["loc"] == ("PIT_REMINDER_POLICY",), error
    assert "not a JSON object" in error["msg"]


async def test_an_application_starts_its_workflow_with_the_operators_reminder_policy(
    stack: Stack,
) -> None:
    policy = ReminderPolicy.model_validate(OPERATORS)
    services = dataclasses.replace(stack.services, reminder_policy=policy)
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://pit.test") as http:
        applied = await http.post(
            "/api/applications",
            headers=stack.as_("alatau-software"),
            json={"form": application()},
        )
    assert applied.status_code == 201, applied.text

    handle = stack.temporal.client.get_workflow_handle(workflow_id(applied.json()["agreement_id"]))
    history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    start = AgreementStart.model_validate_json(started.input.payloads[0].data)
    assert start.reminder_policy == policy
