"""Reading what an SMTP catcher kept, and finding a port nothing listens on."""

from __future__ import annotations

import email
import email.policy
import mailbox
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path


def caught(maildir: Path) -> list[EmailMessage]:
    """The messages a catcher kept, parsed as a mail client would."""
    if not maildir.is_dir():
        return []
    box = mailbox.Maildir(maildir, create=False)
    messages = []
    for key in box.iterkeys():
        message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def header(message: EmailMessage, name: str) -> str:
    """A header decoded as RFC 2047 says (adjacent encoded words join without a space)."""
    raw = dict((found.lower(), value) for found, value in message.raw_items())[name.lower()]
    # A long value may be folded onto a line of its own: the space before it is not its own.
    return str(make_header(decode_header(str(raw)))).strip()
