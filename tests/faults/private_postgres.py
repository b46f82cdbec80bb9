"""A PostgreSQL cluster of the test's own (initdb in a temporary folder, loopback only), which
the test may crash and start again without touching the server anyone else uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = (
    "no PostgreSQL server binaries (initdb, pg_ctl) were found via `pg_config --bindir` or "
    "/usr/lib/postgresql/*/bin; install them (Debian/Ubuntu: apt-get install postgresql; "
    "macOS: brew install postgresql) or put their folder in PIT_PG_BINDIR"
)
COMMAND_TIMEOUT_S = 60.0  # initdb or a start on a busy 2-core machine
# root may not run PostgreSQL: the cluster then belongs to this system user.
SYSTEM_USER_WHEN_ROOT = "postgres"


def server_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: PIT_PG_BINDIR, ``pg_config --bindir``, else the
    newest /usr/lib/postgresql/<version>/bin; None when there is none."""
    candidates: list[str] = []
    if configured := os.environ.get("PIT_PG_BINDIR"):
        candidates.append(configured)
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(found.stdout.strip())
    by_version = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: int(v) if (v := Path(path).parent.name).isdigit() else 0,
        reverse=True,
    )
    candidates += by_version
    for folder in candidates:
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    return None


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    """One cluster in a temporary folder, listening on 127.0.0.1 only (no Unix socket).

    ``crash`` is ``pg_ctl stop -m immediate``: every server process quits at once, without a
    checkpoint, as in a crash; ``start`` then runs crash recovery from the WAL.
    """

    def __init__(self, bindir: Path) -> None:
        self._bindir = bindir
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = SYSTEM_USER_WHEN_ROOT
        self._folder = Path(tempfile.mkdtemp(prefix="pit-pg-restart-"))
        self.data = self._folder / "data"
        self.log = self._folder / "server.log"
        self.port = free_loopback_port()
        self.crashes: list[float] = []  # when each crash had ended (this machine's clock)
        self.starts: list[float] = []  # when the server accepted connections again, each time

    @property
    def dsn(self) -> str:
        """The superuser's URL (trust authentication, loopback only)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    async def create(self) -> None:
        """initdb the cluster and start it.

        Raises:
            AssertionError: a command failed (with its output).
        """
        if self._user is not None:
            owner = pwd.getpwnam(self._user)
            os.chown(self._folder, owner.pw_uid, owner.pw_gid)
        await self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        await self.start()

    async def start(self) -> None:
        """Start the server and wait until it accepts connections (after crash recovery)."""
        options = " ".join(
            (
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                "-c unix_socket_directories=''",
                # The processes crash, never the machine: what a COMMIT wrote is in the kernel's
                # page cache either way, so recovery finds it without the fsync's cost.
                "-c fsync=off",
                "-c max_connections=50",
            )
        )
        await self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log),
            "-o", options,
        )  # fmt: skip
        self.starts.append(time.time())

    async def crash(self) -> None:
        """``pg_ctl stop -m immediate``: every server process quits now, no checkpoint."""
        await self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))
        self.crashes.append(time.time())

    async def remove(self) -> None:
        """Stop the server if it runs and delete the folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError):
                await self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data))
        shutil.rmtree(self._folder, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    async def _run(self, tool: str, *args: str) -> None:
        process = await asyncio.create_subprocess_exec(
            str(self._bindir / tool),
            *args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            user=self._user,
            cwd=self._folder,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(f"{tool} {' '.join(args)} did not finish") from None
        if process.returncode != 0:
            raise AssertionError(
                f"{tool} {' '.join(args)} exited {process.returncode}:\n"
                f"{output.decode(errors='replace')}\n{self.log_tail()}"
            )
