"""The worker process (composition root): settings, logging, store, Temporal client, Worker."""

from __future__ import annotations

import asyncio

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from eventstore import PostgresEventStore
from workers.agreement_worker import agreement_worker
from workers.settings import PitSettings

log = structlog.get_logger(__name__)


async def run_worker(settings: PitSettings, stop: asyncio.Event) -> None:
    """Run the agreement worker until ``stop`` is set, then drain it and close everything.

    Raises:
        MissingSettings: DATABASE_URL or TEMPORAL_ADDRESS is not set.
    """
    database_url, temporal_address = settings.require("database_url", "temporal_address")
    store = await PostgresEventStore.open(database_url)
    try:
        client = await Client.connect(
            temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
        )
        worker = agreement_worker(client, store, settings.task_queue)
        async with worker:
            log.info(
                "worker_started",
                task_queue=settings.task_queue,
                temporal=temporal_address,
                namespace=settings.temporal_namespace,
            )
            await stop.wait()
            log.info("worker_stopping", reason="signal")
        # Leaving the block waits for in-flight tasks (graceful shutdown), then closes.
    finally:
        await store.close()
    log.info("worker_stopped")
