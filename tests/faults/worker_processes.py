"""`pit worker` as operators run it, a process of its own, which a test kills and restarts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
WORKER_COMMAND = (str(VENV_BIN / "pit"), "worker")
STARTED = '"event": "worker_started"'
START_TIMEOUT_S = 60.0  # a cold start on a busy 2-core machine takes a few seconds
STOP_TIMEOUT_S = 60.0


def worker_env(
    dsn: str, temporal_address: str, smtp_url: str, task_queue: str, **more: str
) -> dict[str, str]:
    """This process's environment with what a fault test's `pit worker` runs on: its database,
    Temporal, SMTP and task queue, JSON logs, no metrics port, the healer every 2 s; ``more``
    adds or overrides settings."""
    return (
        dict(os.environ)
        | {
            "DATABASE_URL": dsn,
            "TEMPORAL_ADDRESS": temporal_address,
            "SMTP_URL": smtp_url,
            "PIT_TASK_QUEUE": task_queue,
            "PIT_METRICS_ADDRESS": "",
            "PIT_LOG_FORMAT": "json",
            "PIT_HEAL_EVERY_SECONDS": "2",
        }
        | more
    )


class WorkerProcesses:
    """Runs one `pit worker` at a time; keeps every process's log for the test's messages."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._running: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self.logs: list[list[str]] = []  # one list of stderr lines per process started
        self.kills = 0
        self.kill_times: list[float] = []  # when each SIGKILL was sent (this machine's clock)

    async def start(self) -> None:
        """Start a worker and wait until it polls (it logs ``worker_started``).

        Raises:
            AssertionError: it exited or did not start in time (with its log).
        """
        if self._running is not None:
            raise AssertionError("a worker is running already")
        process = await asyncio.create_subprocess_exec(
            *WORKER_COMMAND,
            env=self._env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        lines: list[str] = []
        self.logs.append(lines)
        started = asyncio.Event()
        self._running = process
        self._reader = asyncio.create_task(_read(process, lines, started))
        waiting = asyncio.create_task(started.wait())
        exited = asyncio.create_task(process.wait())
        done, _ = await asyncio.wait(
            {waiting, exited}, timeout=START_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()
        exited.cancel()
        if waiting not in done or not started.is_set():
            await self.kill()
            raise AssertionError("`pit worker` did not start:\n" + "\n".join(lines[-40:]))

    async def kill(self) -> None:
        """SIGKILL the running worker (no shutdown of any kind) and reap it."""
        process = self._take()
        if process.returncode is None:
            process.kill()
            self.kill_times.append(time.time())
            self.kills += 1
        await self._reap(process)

    async def stop(self) -> int:
        """SIGTERM the running worker (a graceful stop), wait for it and return its exit code."""
        process = self._take()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._reap(process), timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await self._reap(process)
            raise AssertionError("`pit worker` did not stop on SIGTERM") from None
        assert process.returncode is not None
        return process.returncode

    async def crash_repeatedly(self, kills: int, rng: random.Random, lifetime_s: float) -> None:
        """Start a worker and SIGKILL it ``kills`` times: each one at a random moment within
        ``lifetime_s`` seconds after it began polling (uniformly, from a fifth of a second)."""
        for _ in range(kills):
            await self.start()
            await asyncio.sleep(rng.uniform(0.2, lifetime_s))
            await self.kill()

    async def close(self) -> None:
        """Kill a worker a failed test left running."""
        if self._running is not None:
            await self.kill()

    def _take(self) -> asyncio.subprocess.Process:
        process, self._running = self._running, None
        if process is None:
            raise AssertionError("no worker is running")
        return process

    async def _reap(self, process: asyncio.subprocess.Process) -> None:
        await process.wait()
        reader, self._reader = self._reader, None
        if reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await reader


async def _read(
    process: asyncio.subprocess.Process, lines: list[str], started: asyncio.Event
) -> None:
    """Keep the process's stderr (so its pipe never fills) and note when it polls."""
    assert process.stderr is not None
    while line := await process.stderr.readline():
        text = line.decode(errors="replace").rstrip()
        lines.append(text)
        if STARTED in text:
            started.set()
