"""The SMTP catcher of `pit up`: mail pit sends on a laptop lands in a Maildir, not in inboxes.

It listens on 127.0.0.1 only, so nothing outside the machine can hand it mail, and keeps each
message it receives under ``PIT_HOME/mail`` (`pit mail list` reads them). Production sets
``SMTP_URL`` to a real server instead.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import structlog
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

log = structlog.get_logger(__name__)

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class MailCatcher:
    """A running catcher: the URL to send to, and the Maildir that keeps what it received."""

    url: str
    maildir: Path


@dataclass(frozen=True)
class MailServer:
    """Where pit's mail goes: SMTP_URL, or the catcher `pit up` started (``maildir`` set)."""

    url: str
    maildir: Path | None = None

    @property
    def summary(self) -> str:
        """One line for `pit up`'s banner; never the password of SMTP_URL."""
        if self.maildir is not None:
            return f"{self.url}, kept in {self.maildir} (Maildir; pit mail list)"
        from activities.mail import SmtpSettings  # here: the catcher alone does not need it

        return SmtpSettings.from_url(self.url).url


class _LoopbackController(Controller):
    """aiosmtpd's threaded controller, made to work on port 0 (a port the system picks).

    aiosmtpd 1.4 proves the server is up by connecting to the port it was given, which for
    port 0 is no port at all (aio-libs/aiosmtpd#388): first learn the port it was bound to.
    """

    def _trigger_server(self) -> None:
        if isinstance(self.server, asyncio.Server) and self.server.sockets:
            self.port = int(self.server.sockets[0].getsockname()[1])
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it bare


def _refuse_a_taken_port(port: int) -> None:
    """Fail at once on a taken port; aiosmtpd would first wait out its start-up timeout."""
    with socket.socket() as probe:
        # As asyncio binds its servers: a port in TIME_WAIT is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as error:
            raise _port_taken(port, error) from error


def _port_taken(port: int, error: BaseException) -> RuntimeError:
    return RuntimeError(
        f"the SMTP catcher cannot listen on {LOOPBACK}:{port} ({error}); set PIT_SMTP_PORT "
        "to a free port, or SMTP_URL to a real server"
    )


@contextmanager
def mail_catcher(home: Path, port: int) -> Iterator[MailCatcher]:
    """Catch mail on 127.0.0.1:``port`` (0: a free port) into the Maildir ``home / "mail"``.

    Raises:
        RuntimeError: the port is taken (or the catcher did not start in time).
    """
    maildir = home / "mail"
    home.mkdir(parents=True, exist_ok=True)
    if port:
        _refuse_a_taken_port(port)
    controller = _LoopbackController(
        Mailbox(maildir),
        hostname=LOOPBACK,
        port=port,
        # Its own name in the greeting; the default asks DNS for this machine's name, which
        # stalls where there is no resolver.
        server_hostname="pit-mail-catcher.localhost",
    )
    try:
        controller.start()
    except Exception as error:
        if controller.loop.is_running():  # it bound, but did not answer in time
            controller.stop()
        elif not controller.loop.is_closed():  # it never bound: its loop never ran
            controller.loop.close()
        raise _port_taken(port, error) from error
    url = f"smtp://{LOOPBACK}:{controller.port}"
    log.info("mail_catcher_started", url=url, maildir=str(maildir))
    try:
        yield MailCatcher(url=url, maildir=maildir)
    finally:
        controller.stop()
        log.info("mail_catcher_stopped", url=url)


@contextmanager
def mail_server(smtp_url: str | None, home: Path, port: int) -> Iterator[MailServer]:
    """Yield where mail goes: ``smtp_url``, else a catcher started for the block.

    Raises:
        ValueError: ``smtp_url`` is not a usable SMTP URL (the message names SMTP_URL).
        RuntimeError: the catcher cannot listen on ``port``.
    """
    if smtp_url:
        from activities.mail import SmtpSettings  # here: only to check the URL early

        SmtpSettings.from_url(smtp_url)
        yield MailServer(url=smtp_url)
        return
    with mail_catcher(home, port) as catcher:
        yield MailServer(url=catcher.url, maildir=catcher.maildir)
