"""`GET /metrics` over the real stack: the read models counted at the scrape's clock (agreements
not in a final status by status, deadlines and the staff's tasks past due, exactly at their due
instant), the projections' lag and the latest signed checkpoint, requests counted by route
template whatever the path, a database down or silent answered with `pit_up 0` and 200, and the
bearer token PIT_METRICS_TOKEN required when it is set."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from api.app import create_app
from api.services import ApiServices
from domain.agreement import TERMINAL, DeadlineKind, Status
from eventstore import PostgresEventStore
from eventstore.checkpoints import Checkpoint, SigningKey, make_checkpoint
from projections import ReadModels
from tests.api.conftest import Stack, application, steppe_application
from tests.eventstore.builders import event, new_stream
from workers.settings import PitSettings

pytestmark = pytest.mark.postgres

OWNER, OTHER = "alatau-software", "steppe-materials"
REVIEWER, APPROVER, AUDITOR = "reviewer-aigerim", "approver-dana", "auditor-saule"
OPEN_STATUSES = {s.value for s in Status if s not in TERMINAL}
STAFF_TASKS = {
    "review_application": "reviewer",
    "decide_application": "approver",
    "sign_for_management_company": "approver",
    "record_authority_acknowledgment": "admin",
    "record_register_entry": "admin,reviewer",
    "record_register_closure": "admin,reviewer",
    "review_annual_report": "reviewer",
    "confirm_goods": "reviewer",
    "consider_breach_notice": "reviewer",
    "record_breach_cure": "reviewer",
    "decide_amendment": "approver",
    "decide_termination": "approver",
}
TICK = timedelta(microseconds=1)
POLLS = 400  # x 0.05 s
SCRAPE_BOUND_S = 5.0  # the scrape's own budget is 2 s

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def by(found: Samples, name: str, label: str) -> dict[str, float]:
    """The samples of one single-label metric, by that label's value."""
    return {dict(labels)[label]: value for (each, labels), value in found.items() if each == name}


def value(found: Samples, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def zero_filled(known: set[str], counts: dict[str, int]) -> dict[str, float]:
    return {key: float(counts.get(key, 0)) for key in known}


@asynccontextmanager
async def api_on(services: ApiServices) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://pit.test") as http:
        yield http


async def scrape(http: httpx.AsyncClient, **headers: str) -> Samples:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return samples(response.text)


async def scrape_at(stack: Stack, now: datetime) -> Samples:
    """A scrape of an app whose clock says ``now``."""
    async with api_on(dataclasses.replace(stack.services, clock=lambda: now)) as http:
        return await scrape(http)


async def due_at(stack: Stack, agreement_id: str, kind: DeadlineKind) -> datetime:
    """The instant an agreement's open deadline of ``kind`` falls due (from its detail)."""
    detail = (await stack.get(REVIEWER, f"/api/agreements/{agreement_id}")).json()
    (due,) = [d["due_at"] for d in detail["deadlines"] if d["kind"] == kind.value]
    return datetime.fromisoformat(due)


async def test_a_scrape_counts_agreements_by_status_and_what_is_past_due_at_its_clock(
    stack: Stack,
) -> None:
    in_review = await stack.apply(OWNER, {"form": application()})
    returned = await stack.apply(OTHER, {"form": steppe_application()})
    asked = await stack.act(REVIEWER, returned, "RequestChanges", {"items": ["all the jobs"]})
    assert asked.json()["status"] == "changes_requested", asked.text
    refused = await stack.apply(OWNER, {"form": application()})
    refusal = {"grounds": ["documents"], "note": "the charter is missing"}
    assert (await stack.act(REVIEWER, refused, "RecommendRefusal", refusal)).status_code == 200
    decided = await stack.act(APPROVER, refused, "RefuseApplication", refusal)
    assert decided.json()["status"] == "refused", decided.text
    await stack.caught_up()
    decision = await due_at(stack, in_review, DeadlineKind.DECISION)
    resubmission = await due_at(stack, returned, DeadlineKind.RESUBMISSION)
    assert decision < resubmission

    before = await scrape_at(stack, decision - TICK)
    at_decision = await scrape_at(stack, decision)
    at_resubmission = await scrape_at(stack, resubmission)

    open_by_status = zero_filled(OPEN_STATUSES, {"in_review": 1, "changes_requested": 1})
    kinds = {kind.value for kind in DeadlineKind}
    for scraped in (before, at_decision, at_resubmission):
        assert value(scraped, "pit_up", component="database") == 1.0
        # The refused application is in a final status: counted nowhere.
        assert by(scraped, "pit_open_agreements", "status") == open_by_status
        assert value(scraped, "pit_projection_lag_events") == 0.0
    assert by(before, "pit_overdue_deadlines", "kind") == zero_filled(kinds, {})
    assert by(at_decision, "pit_overdue_deadlines", "kind") == zero_filled(kinds, {"decision": 1})
    assert by(at_resubmission, "pit_overdue_deadlines", "kind") == zero_filled(
        kinds, {"decision": 1, "resubmission": 1}
    )
    # The reviewer's review falls due with the decision; the participant's resubmission is no
    # task of the staff's, however late.
    breaches = {
        (dict(labels)["kind"], dict(labels)["roles"]): found
        for (name, labels), found in at_resubmission.items()
        if name == "pit_sla_breaches"
    }
    assert breaches == {
        (kind, roles): 1.0 if kind == "review_application" else 0.0
        for kind, roles in STAFF_TASKS.items()
    }
    assert set(by(before, "pit_sla_breaches", "kind").values()) == {0.0}
    # The staff's overdue screen at the same clock says the same.
    async with api_on(dataclasses.replace(stack.services, clock=lambda: resubmission)) as http:
        listed = await http.get("/api/deadlines/overdue", headers=stack.as_(REVIEWER))
    assert sorted(d["kind"] for d in listed.json()) == ["decision", "resubmission"]


async def events_in_log_order(store: PostgresEventStore) -> list[datetime]:
    async with store.connection("reading the log") as connection:
        rows = await connection.fetch(
            "SELECT recorded_at FROM events ORDER BY transaction_id, global_position"
        )
    return [row["recorded_at"] for row in rows]


async def signed(store: PostgresEventStore, size: int, signed_at: datetime) -> Checkpoint:
    """A checkpoint of the log's ``size`` events, once the cluster's running transactions (a
    parallel run's) let it cover them all."""
    key = SigningKey.generate()
    async with store.connection("signing") as connection:
        for _ in range(POLLS):
            covered = await connection.fetchval(
                "SELECT count(*) FROM events "
                "WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
            )
            if covered >= size:
                made = await make_checkpoint(connection, key, signed_at)
                assert made is not None
                return made
            await asyncio.sleep(0.05)
    raise AssertionError(f"no checkpoint of {size} events: a transaction holds xmin back")


async def test_a_scrape_shows_the_projections_lag_and_the_latest_signed_checkpoint(
    stack: Stack,
) -> None:
    now = datetime.now(UTC) + timedelta(hours=1)
    stream = new_stream("zone")  # the projector passes zone streams by
    await stack.store.append(stream, [event() for _ in range(3)], 0)

    unprojected = await scrape_at(stack, now)
    await stack.caught_up()
    projected = await scrape_at(stack, now)
    made = await signed(stack.store, 3, signed_at=now - timedelta(seconds=90))
    checkpointed = await scrape_at(stack, now)
    await stack.store.append(stream, [event(), event()], 3)
    later = await scrape_at(stack, now)
    recorded = await events_in_log_order(stack.store)

    assert value(unprojected, "pit_projection_lag_events") == 3.0
    assert value(projected, "pit_projection_lag_events") == 0.0
    assert value(later, "pit_projection_lag_events") == 2.0
    # Before any checkpoint: nothing signed, every event waiting since the first.
    assert value(projected, "pit_checkpoint_tree_size") == 0.0
    assert ("pit_last_checkpoint_age_seconds", ()) not in projected
    assert value(projected, "pit_oldest_unsigned_event_age_seconds") == (
        (now - recorded[0]).total_seconds()
    )
    # Signed 90 s before the scrape's clock, over the whole log: nothing waits.
    assert made.tree_size == 3
    assert value(checkpointed, "pit_checkpoint_tree_size") == 3.0
    assert value(checkpointed, "pit_last_checkpoint_age_seconds") == 90.0
    assert value(checkpointed, "pit_oldest_unsigned_event_age_seconds") == 0.0
    # Two events since: the first of them waits.
    assert len(recorded) == 5
    assert value(later, "pit_checkpoint_tree_size") == 3.0
    assert value(later, "pit_oldest_unsigned_event_age_seconds") == (
        (now - recorded[3]).total_seconds()
    )


async def test_requests_are_counted_by_route_template_whatever_the_path(stack: Stack) -> None:
    unknown = [uuid4().hex for _ in range(20)]
    for made_up in unknown:
        assert (await stack.http.get(f"/no/such/{made_up}")).status_code == 404
        assert (await stack.get(REVIEWER, f"/api/agreements/{made_up}")).status_code == 404
    assert (await stack.http.request("BREW", "/api/health")).status_code == 405
    assert (await stack.http.get("/static/console.css")).status_code == 200

    first = await stack.http.get("/metrics")
    found = samples((await stack.http.get("/metrics")).text)

    requests = {
        tuple(value for _, value in labels): count
        for (name, labels), count in found.items()
        if name == "pit_api_requests_total"
    }
    # Labels sorted by name: method, route, status.
    assert requests == {
        ("GET", "unmatched", "404"): 20.0,
        ("GET", "/api/agreements/{agreement_id}", "404"): 20.0,
        ("other", "/api/health", "405"): 1.0,
        ("GET", "/static/{path}", "200"): 1.0,
        ("GET", "/metrics", "200"): 1.0,  # the first scrape; this one is not answered yet
    }
    assert (
        value(
            found,
            "pit_api_request_seconds_count",
            method="GET",
            route="/api/agreements/{agreement_id}",
        )
        == 20.0
    )
    assert not any(made_up in first.text for made_up in unknown)


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port nobody listens on: every connection to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@contextmanager
def silent_port() -> Iterator[int]:
    """A loopback port that takes connections (the kernel's backlog) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen(8)
        yield held.getsockname()[1]


@pytest.mark.parametrize("server", [closed_port, silent_port], ids=["refusing", "silent"])
async def test_a_database_that_cannot_be_read_is_pit_up_0_and_the_scrape_still_answers(
    stack: Stack, server: Any
) -> None:
    with server() as port:
        # A pool that opens no connection until asked: the scrape is the first to try.
        unreachable = await ReadModels.open(
            f"postgresql://postgres@127.0.0.1:{port}/test", min_size=0
        )
        try:
            async with api_on(dataclasses.replace(stack.services, read_models=unreachable)) as http:
                assert (await http.get("/api/health")).status_code == 200
                started = time.monotonic()
                response = await http.get("/metrics")
                took = time.monotonic() - started
        finally:
            await asyncio.wait_for(unreachable.close(), SCRAPE_BOUND_S)

    assert response.status_code == 200, response.text
    assert took < SCRAPE_BOUND_S
    found = samples(response.text)
    assert value(found, "pit_up", component="database") == 0.0
    # No stale or made-up counts: only what the API knows without the database.
    assert {name for name, _ in found} - {"pit_up"} == {
        "pit_api_requests_total",
        "pit_api_requests_created",
        "pit_api_request_seconds_bucket",
        "pit_api_request_seconds_count",
        "pit_api_request_seconds_sum",
        "pit_api_request_seconds_created",
    }
    assert value(found, "pit_api_requests_total", method="GET", route="/api/health", status="200")
    assert str(port) not in response.text


async def test_metrics_need_the_bearer_token_when_one_is_set(stack: Stack) -> None:
    token = f"metrics-{uuid4().hex}"
    services = dataclasses.replace(stack.services, metrics_token=SecretStr(token))
    async with api_on(services) as http:
        without = await http.get("/metrics")
        wrong = await http.get("/metrics", headers={"Authorization": f"Bearer {token}x"})
        a_persons = await http.get("/metrics", headers=stack.as_(AUDITOR))
        right = await http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        openmetrics = await http.get(
            "/metrics",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/openmetrics-text"},
        )

    for refused in (without, wrong, a_persons):
        assert refused.status_code == 401, refused.text
        assert refused.json()["code"] == "not_authenticated"
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert token not in refused.text
    assert right.status_code == 200, right.text
    assert value(samples(right.text), "pit_up", component="database") == 1.0
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.endswith("# EOF\n")
    # Without a token set, a scrape needs no credentials (the stack's app has none).
    assert (await stack.http.get("/metrics")).status_code == 200


def test_the_token_comes_from_the_environment_and_empty_is_none() -> None:
    assert PitSettings(PIT_METRICS_TOKEN="").metrics_token is None
    made = PitSettings(PIT_METRICS_TOKEN="s3cret-metrics-token")
    assert made.metrics_token is not None
    assert made.metrics_token.get_secret_value() == "s3cret-metrics-token"
    assert "s3cret-metrics-token" not in repr(made)
