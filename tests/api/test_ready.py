"""`GET /api/ready` over the real stack: 200 when PostgreSQL and Temporal both answer, 503 naming
the one that does not (never a 500, no credentials needed, nothing about either in the body but
its state); `GET /api/health` stays the liveness check and answers whatever is down."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import pytest
from temporalio.client import Client

from api.app import create_app
from api.services import ApiServices
from eventstore import PostgresEventStore
from tests.api.conftest import Stack

pytestmark = pytest.mark.postgres


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port nobody listens on: bound, so no one else takes it, but never listening,
    so every connection to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


@asynccontextmanager
async def api_on(services: ApiServices) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://pit.test") as http:
        yield http


async def test_ready_answers_200_when_postgres_and_temporal_both_answer(stack: Stack) -> None:
    response = await stack.http.get("/api/ready")

    assert response.status_code == 200, response.text
    assert response.json() == {"postgres": "ok", "temporal": "ok"}


async def test_ready_answers_503_naming_postgres_when_the_database_is_unreachable(
    stack: Stack,
) -> None:
    with closed_port() as port:
        # A pool that opens no connection until asked: the first request finds no server.
        unreachable = await PostgresEventStore.open(
            f"postgresql://postgres@127.0.0.1:{port}/test", notify=False, min_size=0
        )
        try:
            services = dataclasses.replace(stack.services, store=unreachable)
            async with api_on(services) as http:
                ready = await http.get("/api/ready")
                health = await http.get("/api/health")
        finally:
            await unreachable.close()

    assert ready.status_code == 503, ready.text
    assert ready.json() == {"postgres": "unavailable", "temporal": "ok"}
    assert ready.headers["Retry-After"] == "5"
    assert str(port) not in ready.text, "nothing about the server in the body"
    assert health.status_code == 200, "liveness depends on neither service"


async def test_ready_answers_503_naming_temporal_when_its_frontend_is_unreachable(
    stack: Stack,
) -> None:
    with closed_port() as port:
        unreachable = await Client.connect(f"127.0.0.1:{port}", lazy=True)
        services = dataclasses.replace(stack.services, temporal=unreachable)
        async with api_on(services) as http:
            ready = await http.get("/api/ready")
            health = await http.get("/api/health")

    assert ready.status_code == 503, ready.text
    assert ready.json() == {"postgres": "ok", "temporal": "unavailable"}
    assert str(port) not in ready.text
    assert health.status_code == 200


async def test_ready_answers_503_naming_both_when_neither_answers(stack: Stack) -> None:
    with closed_port() as port:
        store = await PostgresEventStore.open(
            f"postgresql://postgres@127.0.0.1:{port}/test", notify=False, min_size=0
        )
        try:
            temporal = await Client.connect(f"127.0.0.1:{port}", lazy=True)
            services = dataclasses.replace(stack.services, store=store, temporal=temporal)
            async with api_on(services) as http:
                ready = await http.get("/api/ready")
        finally:
            await store.close()

    assert ready.status_code == 503, ready.text
    assert ready.json() == {"postgres": "unavailable", "temporal": "unavailable"}
