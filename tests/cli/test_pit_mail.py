"""`pit mail` reads headers as a person would: a long mail id folded onto its own line by the
mail library comes back whole, without the fold."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from uuid import uuid4

from cli.mail import header_text


def test_a_long_mail_id_folded_by_the_mail_library_reads_back_whole() -> None:
    mail_id = f"{uuid4().hex}/notice:authorized_body:conclusion"
    message = EmailMessage()
    message["X-Pit-Mail-Id"] = mail_id
    message["Subject"] = " ".join(["Уведомление о заключении соглашения об осуществлении"] * 3)
    message.set_content("x")
    raw = message.as_bytes()
    assert b"X-Pit-Mail-Id:\n " in raw or b"X-Pit-Mail-Id:\r\n " in raw  # really folded

    parsed = email.message_from_bytes(raw, policy=email.policy.default)

    assert header_text(parsed, "X-Pit-Mail-Id") == mail_id  # type: ignore[arg-type]
    assert header_text(parsed, "Subject") == message["Subject"]  # type: ignore[arg-type]
