"""`pit up`'s SMTP catcher (workers/mail_catcher.py) in a process of its own, for the load bench.

Run as ``python -m bench.catcher_process HOME``: it catches mail on a free loopback port into
the Maildir ``HOME/mail``, prints its URL on one line, and stops when its standard input
closes. In its own process the catcher's thread takes nothing from the bench's client, whose
round trips are measured, nor the bench from the catcher: each shows its own CPU time.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from selectors import EVENT_READ, DefaultSelector

from workers.logging import configure_logging
from workers.mail_catcher import mail_catcher

STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class CatcherProcess:
    """A running catcher: where to send mail, where it lands, and its process id."""

    url: str
    maildir: Path
    pid: int


@contextmanager
def catcher_process(home: Path) -> Iterator[CatcherProcess]:
    """Run the catcher in a child process for the block; its Maildir is ``home / "mail"``.

    Raises:
        RuntimeError: it did not print its URL within STARTUP_TIMEOUT_S.
    """
    # Our own interpreter and module: no input from outside reaches the command line.
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.catcher_process", str(home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(home / "catcher.log").open("ab"),
    )
    try:
        url = _first_line(child, STARTUP_TIMEOUT_S)
        if not url.startswith("smtp://"):
            raise RuntimeError(f"the mail catcher did not start: see {home}/catcher.log")
        yield CatcherProcess(url=url, maildir=home / "mail", pid=child.pid)
    finally:
        if child.stdin is not None:
            child.stdin.close()  # its signal to stop
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _first_line(child: subprocess.Popen[bytes], timeout_s: float) -> str:
    if child.stdout is None:  # pragma: no cover - opened with PIPE above
        return ""
    with DefaultSelector() as selector:
        selector.register(child.stdout, EVENT_READ)
        if not selector.select(timeout_s):
            return ""
    return child.stdout.readline().decode().strip()


def main(argv: list[str]) -> None:
    """Catch mail until standard input closes."""
    (home,) = argv
    configure_logging("json", "WARNING")  # to stderr: stdout carries the URL alone
    with mail_catcher(Path(home), 0) as catcher:
        print(catcher.url, flush=True)
        sys.stdin.read()  # bounded by the parent: it closes our stdin when it is done


if __name__ == "__main__":
    main(sys.argv[1:])
