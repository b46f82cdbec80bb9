"""The worker process (composition root): settings, logging, store, Temporal client, Worker."""

from __future__ import annotations

import asyncio
import signal

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


def run_worker_until_signalled(settings: PitSettings) -> None:
    """Run the worker until SIGTERM or Ctrl-C (SIGINT), then shut it down gracefully.

    Raises:
        MissingSettings: DATABASE_URL or TEMPORAL_ADDRESS is not set.
    """

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        await run_worker(settings, stop)

    asyncio.run(main())
