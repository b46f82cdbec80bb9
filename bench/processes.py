"""pit's worker as a process of its own, and what /proc says of the bench's processes.

The load bench runs `pit worker` exactly as an operator does (its settings from the
environment), so that the worker's memory and CPU time can be read from /proc apart from the
bench's client, the Temporal server, the mail catcher and PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0
READY_LINE = b'"worker_started"'  # the worker's JSON log line once it polls


@dataclass(frozen=True)
class WorkerProcess:
    """A running `pit worker`: its process id and its log file."""

    pid: int
    log: Path


@contextmanager
def pit_worker(settings: Mapping[str, str], home: Path) -> Iterator[WorkerProcess]:
    """Run `pit worker` with ``settings`` (its environment variables) for the block; it logs
    JSON to ``home / "worker.log"``. Leaving the block stops it with SIGTERM (it finishes what
    is in flight), or kills it after STOP_TIMEOUT_S.

    Raises:
        RuntimeError: it exited, or did not log ``worker_started`` within STARTUP_TIMEOUT_S.
    """
    log = home / "worker.log"
    environment = {**os.environ, **settings, "PIT_LOG_FORMAT": "json"}
    with log.open("ab") as output:
        # pit's own entry point, beside this interpreter: no outside input on the command line.
        child = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).with_name("pit")), "worker"],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    try:
        _wait_until_ready(child, log)
        yield WorkerProcess(pid=child.pid, log=log)
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _wait_until_ready(child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while READY_LINE not in log.read_bytes():  # bounded by the deadline
        if child.poll() is not None or time.monotonic() > deadline:
            tail = log.read_bytes()[-2000:].decode(errors="replace")
            raise RuntimeError(f"pit worker did not start (see {log}):\n{tail}")
        time.sleep(0.2)


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (``VmRSS``), or its peak (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} for process {pid}")


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds used so far by ``pids`` (user and system; those gone count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def named_pids(name: str) -> list[int]:
    """The processes whose command name is ``name`` (e.g. every ``postgres`` backend)."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):  # bounded: the machine's processes
        try:
            if comm.read_text().strip() == name:
                found.append(int(comm.parent.name))
        except (OSError, ValueError):
            continue  # gone meanwhile
    return found


def child_pids(parent: int) -> list[int]:
    """The children of process ``parent`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):  # bounded: the machine's processes
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def machine_busy_seconds() -> tuple[float, int]:
    """CPU seconds every core of the machine has been busy (not idle nor waiting), and how
    many cores there are: from /proc/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    lines = Path("/proc/stat").read_text().splitlines()
    fields = [int(f) for f in lines[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    cores = sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit())
    return busy / ticks, cores
