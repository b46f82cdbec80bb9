"""The worker process (composition root): settings, logging, store, Temporal client, Worker."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime

from activities.checkpoints import CheckpointActivities
from activities.mail import MailActivities, SmtpSettings
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey
from workers.agreement_worker import agreement_worker
from workers.checkpoint_schedule import ensure_checkpoint_schedule
from workers.healer import heal_forever
from workers.metrics import MetricsUnavailable, metrics_url, temporal_runtime
from workers.settings import PitSettings
from workers.zone_client import start_zone_workflow, zone_start

log = structlog.get_logger(__name__)

# Work to run beside the worker once it polls (e.g. `pit up --demo` loading its agreements).
AfterStart = Callable[[Client], Awaitable[None]]
# A service run beside the worker for as long as it runs, on its client (e.g. `pit up` serving
# the API and its projector): it returns once the stop event is set, or raises if it fails.
Serve = Callable[[Client, asyncio.Event], Awaitable[None]]


async def run_worker(
    settings: PitSettings,
    stop: asyncio.Event,
    after_start: AfterStart | None = None,
    serve: Serve | None = None,
) -> None:
    """Run the worker until ``stop`` is set, then drain it and close everything.

    It runs the agreements and the zone (whose workflow it starts, or joins), appends to
    PostgreSQL and mails through SMTP_URL. The Temporal SDK's metrics are served on
    PIT_METRICS_ADDRESS unless it is empty. ``after_start`` runs beside the worker once it
    polls; stopping cancels it if unfinished. ``serve`` runs beside it until ``stop``; if it
    fails, the worker stops too and its error is raised.

    Raises:
        MissingSettings: DATABASE_URL, TEMPORAL_ADDRESS or SMTP_URL is not set.
        ValueError: SMTP_URL is not an SMTP URL (the message names it).
    """
    database_url, temporal_address, smtp_url = settings.require(
        "database_url", "temporal_address", "smtp_url"
    )
    smtp = SmtpSettings.from_url(smtp_url)
    runtime = _metrics_runtime(settings.metrics_address)
    store = await PostgresEventStore.open(database_url)
    mail = await MailActivities.open(database_url, smtp, settings.mail_from)
    checkpoints = await _checkpoint_activities(settings, database_url)
    try:
        client = await Client.connect(
            temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
            runtime=runtime,
        )
        worker = agreement_worker(
            client,
            store,
            settings.task_queue,
            mail=mail,
            checkpoints=checkpoints,
            max_cached_workflows=settings.max_cached_workflows,
        )
        async with worker:
            await start_zone_workflow(client, zone_start(settings), task_queue=settings.task_queue)
            if checkpoints is not None:
                await ensure_checkpoint_schedule(
                    client,
                    settings.task_queue,
                    timedelta(minutes=settings.checkpoint_every_minutes),
                )
            log.info(
                "worker_started",
                task_queue=settings.task_queue,
                temporal=temporal_address,
                namespace=settings.temporal_namespace,
            )
            healing = asyncio.create_task(heal_forever(client, settings.heal_every_seconds))
            beside = asyncio.create_task(_after_start(after_start, client)) if after_start else None
            serving = asyncio.ensure_future(serve(client, stop)) if serve else None
            await _until_stopped(stop, serving)
            log.info("worker_stopping", reason="signal" if stop.is_set() else "service_ended")
            stop.set()
            healing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await healing
            if beside is not None:
                beside.cancel()  # a no-op when it has finished
                with contextlib.suppress(asyncio.CancelledError):
                    await beside
            if serving is not None:
                await serving  # its own shutdown; raises what ended it early, if anything
        # Leaving the block waits for in-flight tasks (graceful shutdown), then closes.
    finally:
        if checkpoints is not None:
            await checkpoints.close()
        await mail.close()
        await store.close()
    log.info("worker_stopped")


async def _checkpoint_activities(
    settings: PitSettings, database_url: str
) -> CheckpointActivities | None:
    """The signing of checkpoints, when PIT_CHECKPOINT_KEY_FILE names the zone's key.

    Raises:
        CheckpointKeyError: the file cannot be read as an Ed25519 key.
    """
    if settings.checkpoint_key_file is None:
        log.warning(
            "checkpoints_off",
            reason="PIT_CHECKPOINT_KEY_FILE is not set; `pit audit keygen` makes a key",
        )
        return None
    key = SigningKey.read(settings.checkpoint_key_file)
    log.info("checkpoint_key", key_id=key.key_id)
    return await CheckpointActivities.open(database_url, key)


async def _until_stopped(stop: asyncio.Event, serving: asyncio.Future[None] | None) -> None:
    """Until ``stop`` is set, or the service beside the worker ends on its own (it failed)."""
    stopping: asyncio.Future[None] = asyncio.ensure_future(_wait(stop))
    waiting = {stopping, serving} if serving is not None else {stopping}
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()


async def _wait(stop: asyncio.Event) -> None:
    await stop.wait()


def _metrics_runtime(address: str) -> Runtime | None:
    """The Runtime serving metrics on ``address``; without metrics (None) if it cannot be served.

    Metrics are for watching the worker: a port taken by another pit must not stop it.
    """
    try:
        runtime = temporal_runtime(address)
    except MetricsUnavailable as unavailable:
        log.warning("metrics_unavailable", address=address, reason=unavailable.reason)
        return None
    if runtime is not None:
        log.info("metrics_served", url=metrics_url(address))
    return runtime


async def _after_start(after_start: AfterStart, client: Client) -> None:
    try:
        await after_start(client)
    except Exception:  # its failure is logged; the worker goes on serving agreements
        log.exception("after_start_failed")


def run_worker_until_signalled(
    settings: PitSettings, after_start: AfterStart | None = None, serve: Serve | None = None
) -> None:
    """Run the worker until SIGTERM or Ctrl-C (SIGINT), then shut it down gracefully.

    ``after_start`` runs beside the worker once it polls, ``serve`` for as long as it runs
    (see :func:`run_worker`).

    Raises:
        MissingSettings: DATABASE_URL or TEMPORAL_ADDRESS is not set.
    """

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        await run_worker(settings, stop, after_start, serve)

    asyncio.run(main())
