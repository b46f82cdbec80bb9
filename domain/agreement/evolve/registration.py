"""Evolving notices and the register entry; closing a terminated agreement's record."""

from __future__ import annotations

from collections.abc import Mapping

from domain.agreement.events import (
    AuthorityNoticeIssued,
    AuthorityNotified,
    RegisterEntryClosed,
    RegisterEntryRecorded,
)
from domain.agreement.state import AgreementState, Updates
from domain.agreement.values import Due
from domain.agreement.vocabulary import Authority, Status


def _closed_if_done(
    state: AgreementState, notices: Mapping[Authority, Due], closure: Due | None
) -> Status:
    """A terminated agreement's record becomes final once every notice is sent and the register
    entry (if there was one) is closed."""
    if state.status is Status.CLOSING and not notices and closure is None:
        return Status.TERMINATED
    return state.status


def authority_notice_issued(state: AgreementState, event: AuthorityNoticeIssued) -> Updates:
    """The notice is out; its acknowledgment is awaited."""
    return {
        "notices_issued": {**state.notices_issued, event.authority: event.notice_id},
        "ids": state.ids | {event.notice_id},
    }


def authority_notified(state: AgreementState, event: AuthorityNotified) -> Updates:
    """One notice fewer outstanding; a closing record may become final."""
    notices = {a: due for a, due in state.notices_due.items() if a is not event.authority}
    issued = {a: n for a, n in state.notices_issued.items() if a is not event.authority}
    return {
        "notices_due": notices,
        "notices_issued": issued,
        "status": _closed_if_done(state, notices, state.register_closure_due),
    }


def register_entry_recorded(state: AgreementState, event: RegisterEntryRecorded) -> Updates:
    """The register number; the entry is no longer awaited."""
    return {"register_number": event.register_number, "register_entry_due": None}


def register_entry_closed(state: AgreementState, event: RegisterEntryClosed) -> Updates:
    """The register entry is closed; a closing record may become final."""
    return {
        "register_closure_due": None,
        "status": _closed_if_done(state, state.notices_due, None),
    }
