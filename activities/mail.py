"""pit's outbound mail: bilingual letters (Russian, then English), delivered at most once per id.

A workflow gives every mail a deterministic ``mail_id`` (a reminder's id, a notice's id) and
runs :meth:`MailActivities.deliver_mail` with a backoff retry policy. The activity claims the id
and sends inside one PostgreSQL transaction:

1. ``INSERT INTO mail_deliveries ... ON CONFLICT (mail_id) DO NOTHING``. A concurrent attempt
   with the same id waits on the primary key until this transaction ends; if the id is already
   recorded, the mail went out before and the attempt returns ``already_sent``.
2. Hand the message to the SMTP server.
3. COMMIT. An SMTP failure (connection refused, timeout, a 4xx/5xx reply) rolls back and raises
   :class:`MailNotSent`, which Temporal retries. A worker that dies mid-send loses its database
   connection, PostgreSQL rolls back, and the retry sends. The attempt heartbeats while it runs
   (when the workflow set :data:`DELIVERY_HEARTBEAT_TIMEOUT`), so Temporal notices the dead
   worker within that timeout, not after the attempt's whole start-to-close timeout; a delivery
   handed to a worker that died before it began is noticed the same way.

:meth:`MailActivities.deliver_mails` does the same for each mail of a batch (the reminders of
one agreement due at one instant), in order, over one SMTP connection: a mail the server refuses
does not hold up the others, and the retry sends only what was not taken.

Steps 1 to 3 are shielded from the activity's cancellation (a heartbeat or timeout that lapses
on a busy machine, a run the healer resets): once begun they finish, and a retry finds the row.
The one window left: the SMTP server accepted the message (step 2) and the worker died or lost
the database before COMMIT (step 3). The row is rolled back and the retry sends a second copy.
The copy carries the same Message-ID (derived from the mail id), so mail clients and servers
that de-duplicate by Message-ID show it once. Closing the window needs the SMTP server to take
part in the transaction, which SMTP cannot do.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from types import TracebackType
from typing import Annotated, Any, Final, Literal, Self
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import asyncpg
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, UndefinedError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import mail_wording as wording
from activities.metrics import count
from domain.calendar import ALMATY
from eventstore.connection import APP_ROLE, open_app_pool
from eventstore.pg_errors import unavailable_as_store_error


class MailError(Exception):
    """Something kept pit from delivering a mail."""


class MailContextError(MailError, ValueError):
    """A mail's context cannot fill its template: a missing key or a value of the wrong kind."""


class MailNotSent(MailError):
    """The SMTP server did not take the message; nothing was recorded, so a retry sends it."""


# --- where mail goes -------------------------------------------------------------------------

_SMTP_URL_FORM = (
    "expected smtp://[user:password@]host[:port][?starttls=true] or smtps://[user:password@]host"
    "[:port]"
)


def _bad_smtp_url(reason: str) -> ValueError:
    # Never quote the URL itself: it may carry a password.
    return ValueError(f"SMTP_URL is not a usable SMTP URL: {reason}; {_SMTP_URL_FORM}")


class SmtpSettings(BaseModel):
    """The SMTP server pit hands its mail to, from ``SMTP_URL``.

    The password is a ``SecretStr``: it never shows in a repr, a log line or :attr:`url`.
    """

    model_config = ConfigDict(frozen=True)

    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    implicit_tls: bool = False  # smtps://: TLS from the first byte
    starttls: bool | None = None  # True: required; False: never; None: when the server offers
    timeout_s: float = Field(default=30.0, gt=0)  # per SMTP command

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """Parse ``smtp://[user:password@]host[:port][?starttls=true]`` or ``smtps://...``.

        The port defaults to 25 (smtp) or 465 (smtps); user and password are URL-decoded.

        Raises:
            ValueError: naming SMTP_URL and what is wrong, without echoing the URL.
        """
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in {"smtp", "smtps"}:
            raise _bad_smtp_url(f"the scheme must be smtp or smtps, not {scheme or 'missing'!r}")
        try:
            port = parts.port
        except ValueError:
            raise _bad_smtp_url("the port must be a number from 1 to 65535") from None
        if port == 0:
            raise _bad_smtp_url("the port must be a number from 1 to 65535")
        if not parts.hostname:
            raise _bad_smtp_url("it names no host")
        if parts.path not in {"", "/"} or parts.fragment:
            raise _bad_smtp_url("it must have no path or fragment")
        query = parse_qs(parts.query, keep_blank_values=True)
        if unknown := sorted(set(query) - {"starttls"}):
            raise _bad_smtp_url(f"unknown parameter(s) {', '.join(unknown)}")
        starttls: bool | None = None
        if "starttls" in query:
            (value, *more) = query["starttls"]
            if more or value.lower() not in {"true", "false"}:
                raise _bad_smtp_url("starttls must be true or false")
            starttls = value.lower() == "true"
        if scheme == "smtps" and starttls:
            raise _bad_smtp_url("smtps:// is TLS from the start; starttls=true is for smtp://")
        return cls(
            host=parts.hostname,
            port=port or (465 if scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=SecretStr(unquote(parts.password)) if parts.password else None,
            implicit_tls=scheme == "smtps",
            starttls=starttls,
        )

    @property
    def url(self) -> str:
        """The server's URL without the password, for logs and `pit up`'s banner."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.username}@" if self.username else ""
        query = "" if self.starttls is None else f"?starttls={str(self.starttls).lower()}"
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{host}:{self.port}{query}"


# --- what a mail is --------------------------------------------------------------------------

# The WHATWG definition of a valid e-mail address (what browsers accept), ASCII only: every
# SMTP server takes it without SMTPUTF8. Unlike email-validator it lets through the
# special-use domains (.localhost, .test) that local runs and tests send to.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})*$")


def _address(value: str) -> str:
    if len(value) > 254 or _ADDRESS.fullmatch(value) is None:
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


EmailAddress = Annotated[str, AfterValidator(_address)]

MailTemplate = Literal[
    "reminder_before", "reminder_overdue", "staff_escalation", "authority_notice"
]

_REMINDER_KEYS = frozenset(
    {
        "recipient_name",
        "agreement_id",
        "participant_name",
        "bin",
        "deadline",
        "related_id",
        "due_on",
        "days",
        "basis",
    }
)

CONTEXT_KEYS: Final[Mapping[MailTemplate, frozenset[str]]] = {
    "reminder_before": _REMINDER_KEYS,  # days: how many days before due_on
    "reminder_overdue": _REMINDER_KEYS,  # days: how many days overdue
    "staff_escalation": _REMINDER_KEYS | {"event"},  # days: how many days overdue
    # effective_date: the agreement's; end_date: the end of its term (conclusion) or the day
    # it was terminated (termination); termination_ground: "" for a conclusion.
    "authority_notice": frozenset(
        {
            "authority",
            "of",
            "notice_id",
            "agreement_id",
            "agreement_number",
            "participant_name",
            "bin",
            "effective_date",
            "end_date",
            "termination_ground",
            "issued_on",
            "management_company",
        }
    ),
}
"""The keys each template needs in its context (all values are strings)."""

_DATE_KEYS = ("due_on", "effective_date", "end_date", "issued_on")
_KIND_KEYS: Mapping[str, Mapping[str, wording.Wording]] = {
    "deadline": wording.DEADLINES,
    "event": wording.EVENTS,
    "authority": wording.AUTHORITIES,
    "of": wording.NOTICES,
}


def check_context(template: MailTemplate, context: Mapping[str, str]) -> None:
    """Refuse a context that cannot fill ``template``, naming the keys at fault.

    Raises:
        MailContextError: a key is missing, a date is not ``YYYY-MM-DD``, ``days`` is not a
            whole number, or a kind (deadline, event, authority, of, termination_ground) is
            not one pit has words for.
    """
    if template not in CONTEXT_KEYS:
        raise MailContextError(f"no mail template {template!r}")
    needed = CONTEXT_KEYS[template]
    if missing := sorted(needed - context.keys()):
        raise MailContextError(
            f"mail template {template!r}: the context is missing {', '.join(missing)}"
        )
    problems = [
        f"{key} must be a YYYY-MM-DD date, not {context[key]!r}"
        for key in _DATE_KEYS
        if key in needed and not _is_iso_date(context[key])
    ]
    if "days" in needed and not wording.is_day_count(context["days"]):
        problems.append(f"days must be a whole number of days, not {context['days']!r}")
    for key, known in _KIND_KEYS.items():
        if key in needed and context[key] not in known:
            problems.append(f"{key} must be one of {', '.join(known)}, not {context[key]!r}")
    ground = context.get("termination_ground", "")
    if "termination_ground" in needed and ground and ground not in wording.TERMINATION_GROUNDS:
        problems.append(
            f"termination_ground must be empty or one of "
            f"{', '.join(wording.TERMINATION_GROUNDS)}, not {ground!r}"
        )
    deadline = wording.DEADLINES.get(context.get("deadline", "")) if "deadline" in needed else None
    if deadline is not None and deadline.needs_related_id and not context["related_id"]:
        problems.append(f"related_id must name what a {context['deadline']} deadline is about")
    if problems:
        raise MailContextError(f"mail template {template!r}: {'; '.join(problems)}")


def _is_iso_date(value: str) -> bool:
    try:
        wording.parse_iso_date(value)
    except ValueError:
        return False
    return True


class OutgoingMail(BaseModel):
    """One mail to deliver; ``mail_id`` is its delivery key: one id, at most one delivery."""

    model_config = ConfigDict(frozen=True)

    mail_id: str = Field(pattern=r"^[A-Za-z0-9_.:@/-]{1,200}$")
    to: tuple[EmailAddress, ...] = Field(min_length=1, max_length=20)
    template: MailTemplate
    context: dict[str, str]
    stream_id: str = Field(min_length=1)
    correlation_id: str = Field(min_length=1)

    @model_validator(mode="after")
    def _context_fills_template(self) -> OutgoingMail:
        # Refused where the mail is made (the workflow), not after retries in the activity.
        check_context(self.template, self.context)
        return self


class RenderedMail(BaseModel):
    """A mail's subject ("<RU> / <EN>") and its text/plain body (Russian, then English)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    body: str


class MailDelivery(BaseModel):
    """What became of a mail: sent now, or found sent by an earlier attempt."""

    model_config = ConfigDict(frozen=True)

    mail_id: str
    status: Literal["sent", "already_sent"]
    message_id: str
    sent_at: datetime


MAILS_PER_BATCH: Final = 20
"""Most mails one :meth:`MailActivities.deliver_mails` call takes (one SMTP session)."""


class MailBatch(BaseModel):
    """Mails made by one decision (the reminders of an agreement due at one instant), delivered
    over one SMTP session; each still at most once per ``mail_id``."""

    model_config = ConfigDict(frozen=True)

    mails: tuple[OutgoingMail, ...] = Field(min_length=1, max_length=MAILS_PER_BATCH)

    @model_validator(mode="after")
    def _distinct_ids(self) -> MailBatch:
        ids = [mail.mail_id for mail in self.mails]
        if len(set(ids)) != len(ids):
            raise ValueError("mails: each mail of a batch has a mail_id of its own")
        return self


# --- rendering -------------------------------------------------------------------------------

LANGUAGE_DIVIDER = "\n\n" + "-" * 72 + "\nEnglish version\n" + "-" * 72 + "\n\n"
"""Between the Russian and the English text of a body."""
_BLOCKS = ("subject_ru", "subject_en", "body_ru", "body_en")


@cache
def _environment() -> Environment:
    """The templates' Jinja environment, built on first use (nothing runs on import)."""
    environment = Environment(
        loader=PackageLoader("activities", "templates"),
        undefined=StrictUndefined,  # a missing key fails, naming it, instead of printing ""
        autoescape=False,  # noqa: S701 - text/plain mail, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.filters.update(
        {
            "almaty_date": wording.almaty_date,
            "days": wording.days,
            "deadline_label": lambda kind, language, related_id="": wording.DEADLINES[kind].say(
                language, related_id
            ),
            "if_missed": lambda kind, language: wording.IF_MISSED[kind].say(language),
            "event_label": lambda kind, language: wording.EVENTS[kind].say(language),
            "event_action": lambda kind, language: wording.EVENT_ACTIONS[kind].say(language),
            "authority_label": lambda kind, language: wording.AUTHORITIES[kind].say(language),
            "notice_title": lambda of, language: wording.NOTICES[of].say(language),
            "ground_label": lambda ground, language: wording.TERMINATION_GROUNDS[ground].say(
                language
            ),
        }
    )
    return environment


def _render_block(source: Template, block: str, context: Mapping[str, str]) -> str:
    return "".join(source.blocks[block](source.new_context(dict(context)))).strip()


def render(template: MailTemplate, context: Mapping[str, str]) -> RenderedMail:
    """Fill ``activities/templates/<template>.j2`` with ``context``: both languages, one body.

    Raises:
        MailContextError: the context cannot fill the template (see :func:`check_context`).
    """
    check_context(template, context)
    source = _environment().get_template(f"{template}.j2")
    try:
        parts = {block: _render_block(source, block, context) for block in _BLOCKS}
    except UndefinedError as error:
        raise MailContextError(f"mail template {template!r}: {error.message}") from error
    subject = " ".join(f"{parts['subject_ru']} / {parts['subject_en']}".split())
    body = f"{parts['body_ru']}{LANGUAGE_DIVIDER}{parts['body_en']}\n"
    return RenderedMail(subject=subject, body=body)


def message_id_for(mail_id: str) -> str:
    """The Message-ID of a mail: the same for every attempt, so copies can be recognised.

    A readable slug of the id (for a person searching a mailbox) and 96 bits of its SHA-256
    (the slug folds characters a Message-ID may not hold, such as ``:`` and ``@``).
    """
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", mail_id)[:32].strip("-") or "mail"
    digest = hashlib.sha256(mail_id.encode()).hexdigest()[:24]
    return f"<{slug}.{digest}@pit>"


# --- delivery --------------------------------------------------------------------------------

_CLAIM = """
INSERT INTO mail_deliveries (
    mail_id, recipients, template, subject, message_id, stream_id, correlation_id, sent_at
)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (mail_id) DO NOTHING
RETURNING sent_at
"""

_DELIVERED = "SELECT message_id, sent_at FROM mail_deliveries WHERE mail_id = $1"

DELIVERY_HEARTBEAT_TIMEOUT = timedelta(seconds=10)
"""The heartbeat timeout workflows give :meth:`MailActivities.deliver_mail`: how long a delivery
held by a worker that died (killed mid-send, or handed the task and killed before it began)
waits before Temporal retries it on a live worker."""


def _retrieved(done: asyncio.Future[Any]) -> None:
    """Read a finished delivery's outcome, so that one whose activity was cancelled meanwhile
    is not reported by asyncio as an exception never retrieved (the retry will see it)."""
    if not done.cancelled():
        done.exception()


@contextlib.asynccontextmanager
async def _heartbeating() -> AsyncIterator[None]:
    """Heartbeat while the block runs, if the caller set a heartbeat timeout (the SDK throttles
    what it sends to the server): first a quarter of the timeout after it began, so a delivery
    done sooner (most are) costs the server no heartbeat. Temporal counts the timeout from the
    attempt's start until the first heartbeat, so a worker that dies meanwhile is still noticed
    within it."""
    timeout = activity.info().heartbeat_timeout
    if not timeout:
        yield
        return

    async def beat() -> None:
        while True:
            await asyncio.sleep(timeout.total_seconds() / 4)
            activity.heartbeat()

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


class MailActivities:
    """Mail delivery for workflows; one instance per worker, with a small pool of its own.

    Wire it into a worker with ``await MailActivities.open(dsn, SmtpSettings.from_url(url),
    sender)`` and ``activities=[mail.deliver_mail, mail.deliver_mails]``; close it after the
    worker stops.
    """

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        smtp: SmtpSettings,
        sender: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Use an open pool set up by ``eventstore.connection.connection_setup``.

        Prefer :meth:`open`, which builds the pool.

        Raises:
            ValueError: when ``sender`` is not an address (``pit@...`` or ``Name <pit@...>``).
        """
        display_name, envelope_sender = parseaddr(sender)
        try:
            _address(envelope_sender)
        except ValueError:
            raise ValueError(
                f"the sender (PIT_MAIL_FROM) is not an e-mail address: {sender!r}"
            ) from None
        self._pool = pool
        self._smtp = smtp
        self._sender = sender
        self._envelope_sender = envelope_sender
        self._from_header = formataddr((display_name, envelope_sender), charset="utf-8")
        self._clock = clock

    @classmethod
    async def open(
        cls,
        dsn: str,
        smtp: SmtpSettings,
        sender: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        max_size: int = 4,
        app_role: str | None = APP_ROLE,
        connect_timeout: float = 10.0,
    ) -> Self:
        """Connect a pool as the event store does (``SET ROLE pit_app``) and return the activities.

        Args:
            dsn: a ``postgresql://`` URL of a database migrated to ``mail_deliveries``.
            smtp: the SMTP server (:meth:`SmtpSettings.from_url`).
            sender: the From of every mail (PIT_MAIL_FROM).
            clock: the time each delivery is stamped with (its Date header and ``sent_at``).
            max_size: most connections at once; each send holds one until its COMMIT.
            app_role: role to ``SET ROLE`` to when the login may (None: stay the login).
            connect_timeout: seconds to wait for a connection.

        Raises:
            StoreUnavailable: the database cannot be reached.
            ValueError: ``sender`` is not an e-mail address.
        """
        pool = await open_app_pool(
            dsn,
            what="the mail deliveries",
            app_role=app_role,
            max_size=max_size,
            connect_timeout=connect_timeout,
        )
        try:
            return cls(pool, smtp, sender, clock=clock)
        except ValueError:
            await pool.close()
            raise

    async def close(self) -> None:
        """Close the pool (after the worker has stopped running activities)."""
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @activity.defn(name="deliver_mail")
    async def deliver_mail(self, mail: OutgoingMail) -> MailDelivery:
        """Send ``mail`` unless its ``mail_id`` was delivered before; at most once per id.

        Callers run it with a retry policy that backs off (e.g. 10 s doubling to 10 min), and a
        start-to-close timeout above the SMTP timeout: an SMTP server that is down or refuses
        the message raises :class:`MailNotSent` and nothing is recorded, so the next attempt
        sends. See the module's docstring for the one window in which a copy can go out twice.

        Raises:
            MailNotSent: the SMTP server did not take the message (retried).
            StoreUnavailable: the database cannot be reached (retried).
            ApplicationError: non-retryable when the template cannot be rendered.
        """
        rendered = _rendered(mail)
        async with _heartbeating(), _SmtpSession(self._smtp) as session:
            return await self._deliver_one(mail, rendered, session)

    @activity.defn(name="deliver_mails")
    async def deliver_mails(self, batch: MailBatch) -> list[MailDelivery]:
        """Send each mail of ``batch`` not delivered before, in order, over one SMTP session.

        Each mail is claimed, handed over and committed on its own, as by
        :meth:`deliver_mail`. A mail the SMTP server refuses does not hold up the rest; when
        any was not taken, the attempt ends with :class:`MailNotSent` after trying them all,
        and the retry sends only those (the others are found ``already_sent``). When the
        server cannot be reached, the attempt ends at the first mail.

        Raises:
            MailNotSent: the SMTP server did not take one or more of the mails (retried).
            StoreUnavailable: the database cannot be reached (retried).
            ApplicationError: non-retryable when a template cannot be rendered.
        """
        rendered = [_rendered(mail) for mail in batch.mails]  # all, before anything is sent
        deliveries: list[MailDelivery] = []
        not_taken: list[MailNotSent] = []
        async with _heartbeating(), _SmtpSession(self._smtp) as session:
            for mail, text in zip(batch.mails, rendered, strict=True):
                try:
                    deliveries.append(await self._deliver_one(mail, text, session))
                except MailNotSent as refused:
                    if session.unreachable:
                        raise
                    not_taken.append(refused)
        if not_taken:
            raise MailNotSent(
                f"{len(not_taken)} of {len(batch.mails)} mails were not taken: "
                + "; ".join(str(refused) for refused in not_taken)
            )
        return deliveries

    async def _deliver_one(
        self, mail: OutgoingMail, rendered: RenderedMail, session: _SmtpSession
    ) -> MailDelivery:
        message_id = message_id_for(mail.mail_id)
        sent_at = self._clock()
        async with unavailable_as_store_error("delivering mail"):
            # Claim, hand over and commit as one, shielded from the activity's cancellation
            # (a heartbeat or timeout that lapses on a busy machine, a run reset by the
            # healer): cancelled between the SMTP server's acceptance and the COMMIT, the claim
            # would roll back and the retry send a second copy. Only a killed process still
            # can (the module's docstring).
            delivery = asyncio.ensure_future(
                self._claim_and_send(mail, rendered, message_id, sent_at, session)
            )
            delivery.add_done_callback(_retrieved)  # its outcome, even after a cancellation
            session.in_use_by(delivery)
            earlier = await asyncio.shield(delivery)
        if earlier is not None:
            activity.logger.info("mail %s was already sent", mail.mail_id)
            _counted(mail, "already_sent")
            return MailDelivery(
                mail_id=mail.mail_id,
                status="already_sent",
                message_id=earlier["message_id"],
                sent_at=earlier["sent_at"],
            )
        _counted(mail, "sent")
        activity.logger.info(
            "mail %s sent (%s, %d recipient(s))", mail.mail_id, mail.template, len(mail.to)
        )
        return MailDelivery(
            mail_id=mail.mail_id, status="sent", message_id=message_id, sent_at=sent_at
        )

    def _message(
        self, mail: OutgoingMail, rendered: RenderedMail, message_id: str, sent_at: datetime
    ) -> Message:
        # The standard library's legacy (compat32) message: it writes the same MIME as
        # EmailMessage (RFC 2047 words for the Cyrillic headers, a base64 UTF-8 body) in a
        # tenth of the time, which the reminders of a busy morning notice (bench.load).
        message = MIMEText(rendered.body, "plain", "utf-8")
        message["Message-ID"] = message_id
        message["Date"] = format_datetime(sent_at.astimezone(ALMATY))
        message["From"] = self._from_header
        message["To"] = ", ".join(mail.to)
        message["Subject"] = rendered.subject  # compat32 writes it as RFC 2047 UTF-8 words
        # RFC 3834: tells auto-responders (out-of-office replies) not to answer.
        message["Auto-Submitted"] = "auto-generated"
        message["X-Pit-Mail-Id"] = mail.mail_id
        message["X-Pit-Correlation-Id"] = mail.correlation_id
        return message

    async def _claim_and_send(
        self,
        mail: OutgoingMail,
        rendered: RenderedMail,
        message_id: str,
        sent_at: datetime,
        session: _SmtpSession,
    ) -> asyncpg.Record | None:
        """Claim the mail id, hand the message to SMTP and commit; the earlier delivery's row
        instead when the id was claimed before (nothing is sent then).

        Raises:
            MailNotSent: the SMTP server did not take the message (the claim rolls back).
        """
        async with self._pool.acquire() as connection, connection.transaction():
            claimed = await connection.fetchval(
                _CLAIM,
                mail.mail_id,
                list(mail.to),
                mail.template,
                rendered.subject,
                message_id,
                mail.stream_id,
                mail.correlation_id,
                sent_at,
            )
            if claimed is None:
                earlier: asyncpg.Record | None = await connection.fetchrow(_DELIVERED, mail.mail_id)
                if earlier is None:  # pit_app may not delete rows: this cannot happen
                    raise MailError(f"the delivery of mail {mail.mail_id} vanished")
                return earlier
            try:
                await session.send(
                    self._message(mail, rendered, message_id, sent_at),
                    sender=self._envelope_sender,
                    mail=mail,
                )
            except MailNotSent:
                _counted(mail, "failed")
                raise
        return None


def _rendered(mail: OutgoingMail) -> RenderedMail:
    """The mail's text; a context that cannot fill its template is not worth retrying."""
    try:
        return render(mail.template, mail.context)
    except MailContextError as error:
        raise ApplicationError(str(error), type="MailContextError", non_retryable=True) from error


_CLOSING: set[asyncio.Future[None]] = set()  # sessions closing after a cancelled delivery


class _SmtpSession:
    """One connection to the SMTP server, opened when the first message needs it and kept for
    the messages after it (a batch's); closed when the block ends.

    A message the server refuses (a 4xx/5xx reply to it) drops the connection, and the next
    message opens a new one. When the server cannot be reached or drops the connection, the
    session is ``unreachable``: the caller stops trying its other messages.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None
        self._user: asyncio.Future[Any] | None = None
        self.unreachable = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        user = self._user
        if user is not None and not user.done():
            # A delivery shielded from the activity's cancellation still talks over the
            # connection: it is closed after that delivery, not under it.
            closing = asyncio.ensure_future(self._close_after(user))
            _CLOSING.add(closing)
            closing.add_done_callback(_CLOSING.discard)
            return
        await self._close()

    def in_use_by(self, delivery: asyncio.Future[Any]) -> None:
        """Note the delivery now using the connection (at most one at a time)."""
        self._user = delivery

    async def _close_after(self, user: asyncio.Future[Any]) -> None:
        await asyncio.wait([user])
        await self._close()

    async def send(self, message: Message, *, sender: str, mail: OutgoingMail) -> None:
        """Hand ``message`` to the server for ``mail``'s recipients.

        Raises:
            MailNotSent: the server did not take it (the reply or socket error, never the
                credentials).
        """
        settings = self._settings
        connected = self._client is not None
        try:
            if self._client is None:
                client = aiosmtplib.SMTP(
                    hostname=settings.host,
                    port=settings.port,
                    use_tls=settings.implicit_tls,
                    start_tls=False if settings.implicit_tls else settings.starttls,
                    timeout=settings.timeout_s,
                    username=settings.username,
                    password=(
                        settings.password.get_secret_value()
                        if settings.password is not None
                        else None
                    ),
                )
                await client.connect()  # and log in, when the URL names a user
                self._client = client
                connected = True
            await self._client.send_message(message, sender=sender, recipients=list(mail.to))
        except (aiosmtplib.SMTPException, OSError) as error:
            # Refused while connecting or logging in, or the connection failed: the other
            # messages would fare the same. A reply to this message: they may not.
            about_this_message = isinstance(
                error, aiosmtplib.SMTPResponseException | aiosmtplib.SMTPRecipientsRefused
            ) and not isinstance(error, aiosmtplib.SMTPServerDisconnected)
            self.unreachable = not (connected and about_this_message)
            await self._close()
            raise MailNotSent(
                f"mail {mail.mail_id} was not taken by {settings.url}: "
                f"{type(error).__name__}: {error}"
            ) from error

    async def _close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()


def _counted(mail: OutgoingMail, result: str) -> None:
    """Count a delivery attempt's result (sent, failed, already_sent) by template."""
    count("pit_mails", 1, "Mail deliveries", template=mail.template, result=result)
