"""Notices to the authorities and the register entry after conclusion (DOMAIN.md §3.5)."""

from __future__ import annotations

from datetime import date

from domain.agreement.commands import RecordAuthorityNotified, RecordRegisterEntry
from domain.agreement.events import AuthorityNotified, RegisterEntryRecorded
from domain.agreement.vocabulary import Authority
from domain.errors import InvalidInput, InvalidTransition, NotPermitted
from domain.legal_basis import LAW, LAW_ART_1_4, REG_9_1
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    CONCLUDED_ON,
    REVIEWER,
    SYSTEM,
    approved,
    concluded,
)


def test_notice_to_the_authorized_body_is_recorded_on_the_day_of_conclusion() -> None:
    story = concluded()

    (notice,) = story.when(
        RecordAuthorityNotified(authority=Authority.AUTHORIZED_BODY, reference="out-1"),
        by=SYSTEM,
        on=CONCLUDED_ON,
    )

    assert isinstance(notice, AuthorityNotified)
    assert (notice.of, notice.late) == ("conclusion", False)
    assert {REG_9_1, LAW} <= set(notice.legal_basis)
    assert Authority.AUTHORIZED_BODY not in story.state.notices_due


def test_notice_to_the_tax_authority_after_two_working_days_is_late() -> None:
    story = concluded()

    (notice,) = story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="out-2"),
        by=ADMIN,
        on=date(2026, 4, 7),
    )

    assert isinstance(notice, AuthorityNotified)
    assert notice.late


def test_an_authority_is_notified_of_a_conclusion_once() -> None:
    story = concluded()
    story.when(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="out-2"),
        by=SYSTEM,
        on=CONCLUDED_ON,
    )

    story.refused(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="out-3"),
        by=SYSTEM,
        on=CONCLUDED_ON,
        error=InvalidTransition,
        code="no_notice_due",
    )


def test_no_notice_is_sent_before_conclusion() -> None:
    approved().refused(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="out-2"),
        by=SYSTEM,
        on=date(2026, 4, 1),
        error=InvalidTransition,
    )


def test_reviewer_does_not_record_notices_the_system_sends() -> None:
    concluded().refused(
        RecordAuthorityNotified(authority=Authority.TAX_AUTHORITY, reference="out-2"),
        by=REVIEWER,
        on=CONCLUDED_ON,
        error=NotPermitted,
    )


def test_staff_record_the_register_entry_with_its_number() -> None:
    story = concluded()

    (entry,) = story.when(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 6)),
        by=REVIEWER,
        on=date(2026, 4, 8),
    )

    assert isinstance(entry, RegisterEntryRecorded)
    assert not entry.late  # entered on 6 April, within the 5 days (by 7 April)
    assert {LAW, LAW_ART_1_4} <= set(entry.legal_basis)
    assert story.state.register_number == "SEZ-PIT-0420"


def test_register_entry_after_five_days_is_recorded_as_late() -> None:
    (entry,) = concluded().when(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 8)),
        by=ADMIN,
        on=date(2026, 4, 9),
    )

    assert isinstance(entry, RegisterEntryRecorded)
    assert entry.late


def test_register_entry_is_recorded_once() -> None:
    story = concluded()
    story.when(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 6)),
        by=REVIEWER,
        on=date(2026, 4, 8),
    )

    story.refused(
        RecordRegisterEntry(register_number="SEZ-PIT-0421", entered_on=date(2026, 4, 8)),
        by=REVIEWER,
        on=date(2026, 4, 8),
        error=InvalidTransition,
        code="already_recorded",
    )


def test_register_entry_cannot_be_dated_in_the_future_or_before_conclusion() -> None:
    story = concluded()

    story.refused(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 9)),
        by=REVIEWER,
        on=date(2026, 4, 8),
        error=InvalidInput,
        code="date_in_future",
    )
    story.refused(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 1)),
        by=REVIEWER,
        on=date(2026, 4, 8),
        error=InvalidInput,
        code="entry_before_conclusion",
    )


def test_approver_does_not_record_the_register_entry() -> None:
    concluded().refused(
        RecordRegisterEntry(register_number="SEZ-PIT-0420", entered_on=date(2026, 4, 6)),
        by=APPROVER,
        on=date(2026, 4, 8),
        error=NotPermitted,
    )
