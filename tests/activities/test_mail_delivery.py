"""deliver_mail and deliver_mails on real PostgreSQL and a real SMTP server: at most one
message per mail id."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import ValidationError
from temporalio.testing import ActivityEnvironment

from activities.mail import (
    MailActivities,
    MailBatch,
    MailDelivery,
    MailNotSent,
    OutgoingMail,
    SmtpSettings,
    message_id_for,
    render,
)
from tests.activities.caught_mail import caught, header
from tests.ports import free_port
from workers.mail_catcher import MailCatcher, mail_catcher

NOW = datetime(2027, 3, 1, 4, 30, tzinfo=UTC)  # 09:30 in Almaty
SENDER = "Парк инновационных технологий <pit@sez-pit.localhost>"

REMINDER = {
    "recipient_name": "Айгерим Сапарова",
    "agreement_id": "ag-2025-0042",
    "participant_name": "ТОО «Кодекс Технолоджиз»",
    "bin": "180340021795",
    "deadline": "annual_report",
    "related_id": "2026",
    "due_on": "2027-03-31",
    "days": "30",
    "basis": "Decree 1166 Reg. §9.3",
}


def reminder(mail_id: str = "annual_report:2026:2027-03-31:before-30") -> OutgoingMail:
    return OutgoingMail(
        mail_id=mail_id,
        to=("director@kodeks.kz", "accountant@kodeks.kz"),
        template="reminder_before",
        context=REMINDER,
        stream_id="agreement-ag-2025-0042",
        correlation_id="reminder-annual_report-2026",
    )


async def deliver(activities: MailActivities, mail: OutgoingMail) -> MailDelivery:
    """Run the activity as a worker would (in an activity context), once."""
    return await ActivityEnvironment().run(activities.deliver_mail, mail)


async def stored(dsn: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetch("SELECT * FROM mail_deliveries ORDER BY mail_id")
    finally:
        await connection.close()


OpenMail = Callable[[str], Awaitable[MailActivities]]


@pytest_asyncio.fixture
async def open_mail(fresh_dsn: str) -> AsyncIterator[OpenMail]:
    """Opens MailActivities on the test's database, sending to an SMTP URL; closes them after."""
    opened: list[MailActivities] = []

    async def open_for(url: str) -> MailActivities:
        activities = await MailActivities.open(
            fresh_dsn, SmtpSettings.from_url(url), SENDER, clock=lambda: NOW
        )
        opened.append(activities)
        return activities

    yield open_for
    for activities in opened:
        await activities.close()


async def test_a_mail_goes_out_once_and_a_second_delivery_finds_it_sent(
    open_mail: OpenMail,
    catcher: MailCatcher,
    fresh_dsn: str,
) -> None:
    activities = await open_mail(catcher.url)

    first = await deliver(activities, reminder())
    again = await deliver(activities, reminder())

    assert first.status == "sent"
    assert again.status == "already_sent"
    assert again.message_id == first.message_id
    assert again.sent_at == first.sent_at == NOW
    assert len(caught(catcher.maildir)) == 1
    (row,) = await stored(fresh_dsn)
    assert row["mail_id"] == "annual_report:2026:2027-03-31:before-30"
    assert row["recipients"] == ["director@kodeks.kz", "accountant@kodeks.kz"]
    assert row["template"] == "reminder_before"
    assert row["message_id"] == first.message_id
    assert row["stream_id"] == "agreement-ag-2025-0042"
    assert row["correlation_id"] == "reminder-annual_report-2026"
    assert row["sent_at"] == NOW
    assert row["subject"].startswith("Напоминание: годовой отчет участника СЭЗ за 2026 год")


async def test_two_attempts_at_once_send_one_message(
    open_mail: OpenMail, catcher: MailCatcher
) -> None:
    activities = await open_mail(catcher.url)

    outcomes = await asyncio.gather(
        deliver(activities, reminder()), deliver(activities, reminder())
    )

    assert sorted(outcome.status for outcome in outcomes) == ["already_sent", "sent"]
    assert len(caught(catcher.maildir)) == 1


async def test_each_mail_id_is_delivered_on_its_own(
    open_mail: OpenMail, catcher: MailCatcher
) -> None:
    activities = await open_mail(catcher.url)

    before_30 = await deliver(activities, reminder("annual_report:2026:2027-03-31:before-30"))
    before_7 = await deliver(activities, reminder("annual_report:2026:2027-03-31:before-7"))

    assert (before_30.status, before_7.status) == ("sent", "sent")
    assert before_30.message_id != before_7.message_id
    assert len(caught(catcher.maildir)) == 2


async def test_with_the_smtp_server_down_nothing_is_recorded_and_the_retry_sends(
    open_mail: OpenMail, fresh_dsn: str, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    activities = await open_mail(f"smtp://127.0.0.1:{port}")

    with pytest.raises(MailNotSent, match="annual_report:2026"):
        await deliver(activities, reminder())
    assert await stored(fresh_dsn) == []

    with mail_catcher(tmp_path / "later", port) as catcher:
        retried = await deliver(activities, reminder())
        assert retried.status == "sent"
        assert len(caught(catcher.maildir)) == 1
    assert len(await stored(fresh_dsn)) == 1


class _RefusesRecipients:
    """An SMTP server's handler that answers every recipient "try again later"."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return "451 4.3.0 mailbox busy, try again later"


async def test_a_refusing_smtp_server_records_nothing(open_mail: OpenMail, fresh_dsn: str) -> None:
    port = free_port()
    refusing = Controller(
        _RefusesRecipients(), hostname="127.0.0.1", port=port, server_hostname="refusing.localhost"
    )
    refusing.start()
    try:
        activities = await open_mail(f"smtp://127.0.0.1:{port}")
        with pytest.raises(MailNotSent, match="451"):
            await deliver(activities, reminder())
    finally:
        refusing.stop()
    assert await stored(fresh_dsn) == []


async def test_the_message_is_utf8_with_its_cyrillic_intact_and_a_deterministic_message_id(
    open_mail: OpenMail, catcher: MailCatcher
) -> None:
    activities = await open_mail(catcher.url)

    delivery = await deliver(activities, reminder())

    (message,) = caught(catcher.maildir)
    assert message["Message-ID"] == delivery.message_id
    assert delivery.message_id == message_id_for("annual_report:2026:2027-03-31:before-30")
    assert header(message, "Subject") == render("reminder_before", REMINDER).subject
    assert header(message, "From") == SENDER  # the Cyrillic display name intact
    assert message["To"] == "director@kodeks.kz, accountant@kodeks.kz"
    assert message["Date"] == "Mon, 01 Mar 2027 09:30:00 +0500"  # Almaty time
    assert message["X-Pit-Mail-Id"] == "annual_report:2026:2027-03-31:before-30"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "Здравствуйте, Айгерим Сапарова!" in body
    assert "годовой отчет участника СЭЗ за 2026 год" in body
    assert "ТОО «Кодекс Технолоджиз»" in body
    assert body.index("Здравствуйте") < body.index("Dear Айгерим Сапарова,")
    assert message["X-MailFrom"] == "pit@sez-pit.localhost"  # the envelope sender


async def test_the_application_role_may_not_change_or_remove_a_delivery(
    open_mail: OpenMail,
    catcher: MailCatcher,
    fresh_dsn: str,
) -> None:
    await deliver(await open_mail(catcher.url), reminder())

    connection = await asyncpg.connect(fresh_dsn)
    try:
        await connection.execute("SET ROLE pit_app")
        assert await connection.fetchval("SELECT count(*) FROM mail_deliveries") == 1
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("DELETE FROM mail_deliveries")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("UPDATE mail_deliveries SET subject = 'changed'")
    finally:
        await connection.close()


async def test_a_sender_that_is_not_an_address_is_refused(fresh_dsn: str) -> None:
    with pytest.raises(ValueError, match="PIT_MAIL_FROM"):
        await MailActivities.open(fresh_dsn, SmtpSettings.from_url("smtp://127.0.0.1"), "pit")


class _SlowToAccept:
    """An SMTP server's handler that takes the message, then answers after a while."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(bytes(envelope.content or b""))
        await asyncio.sleep(SLOW_ACCEPT_S)
        return "250 2.0.0 queued"


SLOW_ACCEPT_S = 1.0


async def test_a_delivery_cancelled_while_smtp_accepts_is_recorded_and_not_sent_again(
    open_mail: OpenMail, fresh_dsn: str
) -> None:
    # A heartbeat or timeout that lapses, or a run reset by the healer, cancels the activity
    # while the SMTP server is taking the message: the claim still commits, so the retry finds
    # it and sends no second copy.
    port = free_port()
    slow = _SlowToAccept()
    server = Controller(slow, hostname="127.0.0.1", port=port, server_hostname="slow.localhost")
    server.start()
    try:
        activities = await open_mail(f"smtp://127.0.0.1:{port}")
        environment = ActivityEnvironment()
        attempt = asyncio.ensure_future(environment.run(activities.deliver_mail, reminder()))
        for _ in range(100):  # bounded: until the server holds the message (at most 5 s)
            if slow.received:
                break
            await asyncio.sleep(0.05)
        environment.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        for _ in range(100):  # until the shielded hand-over commits (at most 5 s)
            if await stored(fresh_dsn):
                break
            await asyncio.sleep(0.05)
        retried = await deliver(activities, reminder())
    finally:
        server.stop()

    assert len(slow.received) == 1
    assert len(await stored(fresh_dsn)) == 1
    assert retried.status == "already_sent"


def _beating(timeout: timedelta) -> tuple[ActivityEnvironment, list[object]]:
    """An activity environment whose attempt has ``timeout`` as its heartbeat timeout, and the
    heartbeats it sends."""
    environment, beats = ActivityEnvironment(), []
    environment.info = dataclasses.replace(environment.info, heartbeat_timeout=timeout)
    environment.on_heartbeat = lambda *details: beats.append(details)
    return environment, beats


async def test_a_quick_delivery_sends_no_heartbeat_and_a_slow_one_beats_while_it_runs(
    open_mail: OpenMail, catcher: MailCatcher
) -> None:
    # Each heartbeat is a write on the Temporal server: most deliveries end before the first
    # is due (a quarter of the timeout), and the server counts the timeout from the start.
    quick, quick_beats = _beating(timedelta(seconds=10))
    sent = await quick.run((await open_mail(catcher.url)).deliver_mail, reminder())
    port = free_port()
    server = Controller(
        _SlowToAccept(), hostname="127.0.0.1", port=port, server_hostname="slow.localhost"
    )
    server.start()
    try:
        slow, slow_beats = _beating(timedelta(seconds=SLOW_ACCEPT_S / 2))
        activities = await open_mail(f"smtp://127.0.0.1:{port}")
        slowly_sent = await slow.run(activities.deliver_mail, reminder("slow:1"))
    finally:
        server.stop()

    assert sent.status == slowly_sent.status == "sent"
    assert quick_beats == []
    assert len(slow_beats) >= 2  # every eighth of a second over the server's second


# --- batches: the reminders of one agreement due at one instant ---------------------------------


def batch(*ids: str, to: dict[str, str] | None = None) -> MailBatch:
    """Reminders with these ids; ``to`` gives some of them another recipient."""
    return MailBatch(
        mails=tuple(
            reminder(mail_id).model_copy(update={"to": ((to or {}).get(mail_id, "a@kodeks.kz"),)})
            for mail_id in ids
        )
    )


async def deliver_all(activities: MailActivities, mails: MailBatch) -> list[MailDelivery]:
    return await ActivityEnvironment().run(activities.deliver_mails, mails)


class _Counting:
    """An SMTP server's handler that takes every message and notes the connection it came on,
    and answers "no such mailbox" for the addresses in ``refused``."""

    def __init__(self, refused: set[str] | None = None) -> None:
        self.refused = refused or set()
        self.received: list[tuple[int, str]] = []  # (connection, X-Pit-Mail-Id)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = bytes(envelope.content or b"").decode()
        mail_id = next(
            line.split(":", 1)[1].strip()
            for line in content.splitlines()
            if line.startswith("X-Pit-Mail-Id:")
        )
        self.received.append((id(session), mail_id))
        return "250 2.0.0 queued"


@pytest_asyncio.fixture
async def counting() -> AsyncIterator[tuple[_Counting, str]]:
    """A counting SMTP server on a free loopback port, and its URL."""
    handler, port = _Counting(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="count.localhost")
    server.start()
    try:
        yield handler, f"smtp://127.0.0.1:{port}"
    finally:
        server.stop()


async def test_a_batch_goes_out_over_one_smtp_connection_once_per_mail(
    open_mail: OpenMail, counting: tuple[_Counting, str], fresh_dsn: str
) -> None:
    server, url = counting
    activities = await open_mail(url)
    ids = ("report:before-30", "report:before-7", "visit:before-2")

    first = await deliver_all(activities, batch(*ids))
    again = await deliver_all(activities, batch(*ids))

    assert [d.status for d in first] == ["sent"] * 3
    assert [d.mail_id for d in first] == list(ids)
    assert [d.status for d in again] == ["already_sent"] * 3
    assert [d.message_id for d in again] == [d.message_id for d in first]
    assert [mail_id for _, mail_id in server.received] == list(ids)
    assert len({connection for connection, _ in server.received}) == 1
    assert [row["mail_id"] for row in await stored(fresh_dsn)] == sorted(ids)


async def test_a_batch_sends_only_the_mails_not_sent_before(
    open_mail: OpenMail, counting: tuple[_Counting, str]
) -> None:
    server, url = counting
    activities = await open_mail(url)
    await deliver(activities, reminder("report:before-7"))

    outcomes = await deliver_all(activities, batch("report:before-30", "report:before-7"))

    assert [d.status for d in outcomes] == ["sent", "already_sent"]
    assert [mail_id for _, mail_id in server.received] == ["report:before-7", "report:before-30"]


async def test_a_mail_refused_in_a_batch_does_not_hold_up_the_others_and_its_retry_sends_it(
    open_mail: OpenMail, counting: tuple[_Counting, str], fresh_dsn: str
) -> None:
    server, url = counting
    server.refused = {"gone@kodeks.kz"}
    activities = await open_mail(url)
    mails = batch("a:1", "b:2", "c:3", to={"b:2": "gone@kodeks.kz"})

    with pytest.raises(MailNotSent, match=r"1 of 3 mails were not taken: mail b:2 .*550"):
        await deliver_all(activities, mails)
    assert [row["mail_id"] for row in await stored(fresh_dsn)] == ["a:1", "c:3"]

    server.refused = set()  # the mailbox is back
    retried = await deliver_all(activities, mails)

    assert [d.status for d in retried] == ["already_sent", "sent", "already_sent"]
    assert sorted(mail_id for _, mail_id in server.received) == ["a:1", "b:2", "c:3"]
    assert len(await stored(fresh_dsn)) == 3


async def test_with_the_smtp_server_down_a_batch_stops_at_its_first_mail_and_records_nothing(
    open_mail: OpenMail, fresh_dsn: str, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    activities = await open_mail(f"smtp://127.0.0.1:{port}")
    mails = batch("a:1", "b:2", "c:3")

    with pytest.raises(MailNotSent) as refused:
        await deliver_all(activities, mails)
    assert "mail a:1 was not taken" in str(refused.value)
    assert "b:2" not in str(refused.value)  # not tried: the server is not there
    assert await stored(fresh_dsn) == []

    with mail_catcher(tmp_path / "later", port) as catcher:
        retried = await deliver_all(activities, mails)
        assert [d.status for d in retried] == ["sent"] * 3
        assert len(caught(catcher.maildir)) == 3


def test_a_batch_is_refused_with_a_mail_id_twice_or_no_mail() -> None:
    with pytest.raises(ValidationError, match="mail_id of its own"):
        batch("a:1", "a:1")
    with pytest.raises(ValidationError, match="mails"):
        MailBatch(mails=())
