"""The read models' queries, over a small zone projected from real streams: lists by filter and
search, pages, overdue at the time of asking, inboxes under the four-eyes rule, the register."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import pytest_asyncio

from domain.actors import Actor, Role
from domain.agreement import Status
from domain.agreement.commands import ApproveAmendment, ProposeAmendment
from domain.application import PriorityArea
from eventstore import PostgresEventStore
from projections import AgreementFilters, InvalidQuery, Projector, TaskKind
from tests.domain.agreement.agreement_scenarios import APPROVER, REVIEWER, obligations
from tests.eventstore.conftest import Databases
from tests.projections.support import (
    application,
    company_bin,
    project_all,
    store_decision,
    store_story,
)

# The reviewer of the applications, also holding the approver's role.
REVIEWER_AS_APPROVER = Actor(id=REVIEWER.id, role=Role.APPROVER)
ALATAU_BIN, DALA_BIN, STEPPE_BIN, TABAK_BIN = (company_bin(n) for n in (1, 2, 3, 4))

# Decision terms (10 days from submission) passed; notices, register entries recorded.
AFTER_DECISION_TERMS = datetime(2026, 3, 25, 6, tzinfo=UTC)
# In review or recommended, all within their decision terms.
EARLY = datetime(2026, 3, 6, 6, tzinfo=UTC)


@dataclass
class Zone:
    """A handful of applications and agreements, projected."""

    projector: Projector
    store: PostgresEventStore


@pytest_asyncio.fixture(scope="module")
async def zone(databases: Databases) -> AsyncIterator[Zone]:
    dsn = await databases.create()
    store = await PostgresEventStore.open(dsn)
    projector = await Projector.open(dsn)
    try:
        stories = {
            # Concluded on 6 March, notices and register entry recorded: nothing overdue.
            "alatau": application(
                "alatau",
                "registered",
                submitted_on=date(2026, 3, 2),
                number="PIT-2026-001",
                bin=ALATAU_BIN,
            ),
            # In review from 3 March: the decision is due by 13 March.
            "dala": application(
                "dala",
                "submitted",
                submitted_on=date(2026, 3, 3),
                bin=DALA_BIN,
                name="ТОО «Қазақ Материалдары»",
                oked_code="22.21",
                priority_area=PriorityArea.MATERIALS,
            ),
            # Recommended by REVIEWER on 5 March: an approver decides by 14 March.
            "steppe": application(
                "steppe",
                "recommended",
                submitted_on=date(2026, 3, 4),
                bin=STEPPE_BIN,
                name="Steppe Electronics LLP",
                oked_code="26.20",
                priority_area=PriorityArea.ELECTRONICS_AND_INSTRUMENT_MAKING,
            ),
            # Tobacco: refused by screening on 5 March.
            "tabak": application(
                "tabak",
                "submitted",
                submitted_on=date(2026, 3, 5),
                bin=TABAK_BIN,
                name="Tabak 100%_Ltd",
                oked_code="12.00",
            ),
            # Alatau's second agreement, concluded on 10 March; notices not recorded.
            "alatau-2": application(
                "alatau-2",
                "concluded",
                submitted_on=date(2026, 3, 6),
                number="PIT-2026-002",
                bin=ALATAU_BIN,
            ),
        }
        for agreement_id, story in stories.items():
            await store_story(store, agreement_id, story)
        # A reviewer who also holds the approver's role proposes an amendment of Alatau's.
        alatau = stories["alatau"]
        alatau.when(
            ProposeAmendment(
                amendment_id="am-1",
                obligations=(obligations(2026, jobs=20), obligations(2027)),
                reason="fewer jobs in the first year",
            ),
            by=REVIEWER,
            on=date(2026, 3, 20),
        )
        await store_decision(store, "alatau", alatau, len(alatau.decisions))
        await project_all(projector, store)
        yield Zone(projector, store)
    finally:
        await projector.close()
        await store.close()
        await databases.drop(dsn)


async def ids(
    zone: Zone,
    filters: AgreementFilters | None = None,
    search: str | None = None,
    now: datetime = AFTER_DECISION_TERMS,
) -> list[str]:
    page = await zone.projector.list_agreements(filters, search, now=now)
    return [item.agreement_id for item in page.items]


async def test_agreements_are_listed_newest_first_by_status_section_area_and_bin(
    zone: Zone,
) -> None:
    assert await ids(zone) == ["alatau-2", "tabak", "steppe", "dala", "alatau"]
    active = AgreementFilters(statuses=(Status.ACTIVE,))
    assert await ids(zone, active) == ["alatau-2", "alatau"]
    undecided = AgreementFilters(statuses=(Status.IN_REVIEW, Status.RECOMMENDED))
    assert await ids(zone, undecided) == ["steppe", "dala"]
    assert await ids(zone, AgreementFilters(oked_section="C")) == ["tabak", "steppe", "dala"]
    assert await ids(zone, AgreementFilters(oked_section="J")) == ["alatau-2", "alatau"]
    materials = AgreementFilters(priority_area=PriorityArea.MATERIALS)
    assert await ids(zone, materials) == ["dala"]
    assert await ids(zone, AgreementFilters(bin=ALATAU_BIN)) == ["alatau-2", "alatau"]
    both = AgreementFilters(statuses=(Status.ACTIVE,), oked_section="C")
    assert await ids(zone, both) == []


async def test_an_agreement_row_says_what_the_list_shows(zone: Zone) -> None:
    item = await zone.projector.get_agreement("alatau", now=AFTER_DECISION_TERMS)
    assert item is not None
    assert item.status is Status.ACTIVE
    assert (item.bin, item.agreement_number, item.register_number) == (
        ALATAU_BIN,
        "PIT-2026-001",
        "SEZ-PIT-2026-001",
    )
    assert (item.oked_code, item.oked_section, item.priority_area) == ("62.01", "J", "ict")
    assert (item.submitted_on, item.concluded_on) == (date(2026, 3, 2), date(2026, 3, 6))
    assert item.end_date == date(2028, 1, 1)
    assert await zone.projector.get_agreement("nobody", now=AFTER_DECISION_TERMS) is None


async def test_overdue_is_decided_by_the_time_of_the_question(zone: Zone) -> None:
    overdue = AgreementFilters(overdue=True)
    on_time = AgreementFilters(overdue=False)
    assert await ids(zone, overdue, now=EARLY) == []
    assert await ids(zone, overdue) == ["alatau-2", "steppe", "dala"]
    assert await ids(zone, on_time) == ["tabak", "alatau"]
    page = await zone.projector.list_agreements(now=AFTER_DECISION_TERMS)
    assert {i.agreement_id: i.overdue for i in page.items} == {
        "tabak": False,
        "steppe": True,
        "dala": True,
        "alatau-2": True,
        "alatau": False,
    }

    assert await zone.projector.overdue(EARLY) == []
    found = await zone.projector.overdue(AFTER_DECISION_TERMS)
    assert [(d.agreement_id, d.kind, d.due_date) for d in found] == [
        ("alatau-2", "authorized_body_notice", date(2026, 3, 10)),
        ("alatau-2", "tax_authority_notice", date(2026, 3, 12)),
        ("dala", "decision", date(2026, 3, 13)),
        ("steppe", "decision", date(2026, 3, 14)),
        ("alatau-2", "register_entry", date(2026, 3, 15)),
    ]
    dala = found[2]
    assert (dala.name, dala.status, dala.missed) == ("ТОО «Қазақ Материалдары»", "in_review", False)
    assert dala.legal_basis


async def test_search_finds_a_bin_prefix_or_part_of_a_name_or_number_in_any_case(
    zone: Zone,
) -> None:
    # Every BIN here starts with its registration's year and month.
    assert await ids(zone, search="1501") == ["alatau-2", "tabak", "steppe", "dala", "alatau"]
    assert await ids(zone, search=DALA_BIN) == ["dala"]
    assert await ids(zone, search="ҚАЗАҚ") == ["dala"]
    assert await ids(zone, search="  материал ") == ["dala"]
    assert await ids(zone, search="alatau SOFTWARE") == ["alatau-2", "alatau"]
    assert await ids(zone, search="pit-2026-002") == ["alatau-2"]
    assert await ids(zone, search="2026-00") == ["alatau-2", "alatau"]
    # LIKE's wildcards are searched for as themselves.
    assert await ids(zone, search="100%_") == ["tabak"]
    assert await ids(zone, search="%") == ["tabak"]
    assert await ids(zone, search="_") == ["tabak"]
    assert await ids(zone, search="nothing like it") == []
    filtered = AgreementFilters(statuses=(Status.ACTIVE,))
    assert await ids(zone, filtered, search="alatau") == ["alatau-2", "alatau"]


async def test_pages_follow_the_cursor_without_gaps_or_repeats(zone: Zone) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = await zone.projector.list_agreements(
            now=AFTER_DECISION_TERMS, limit=2, cursor=cursor
        )
        seen.extend(item.agreement_id for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["alatau-2", "tabak", "steppe", "dala", "alatau"]


@pytest.mark.parametrize(
    "arguments",
    [{"limit": 0}, {"limit": 501}, {"cursor": "not-a-cursor"}, {"search": "x" * 201}],
)
async def test_a_bad_limit_cursor_or_search_is_refused(
    zone: Zone, arguments: dict[str, object]
) -> None:
    with pytest.raises(InvalidQuery):
        await zone.projector.list_agreements(now=AFTER_DECISION_TERMS, **arguments)


async def test_a_decision_is_in_every_approvers_inbox_but_its_reviewers(zone: Zone) -> None:
    approver = await zone.projector.get_inbox(Role.APPROVER, APPROVER.id, now=AFTER_DECISION_TERMS)
    assert [(t.agreement_id, t.kind) for t in approver] == [
        ("steppe", "decide_application"),
        ("alatau", "decide_amendment"),
    ]
    decision = approver[0]
    assert decision.overdue
    assert decision.due_date == date(2026, 3, 14)
    assert decision.excluded_actors == (REVIEWER.id,)
    assert decision.name == "Steppe Electronics LLP"
    assert decision.status is Status.RECOMMENDED
    # Four-eyes: the reviewer of the application and proposer of the amendment, as an approver.
    assert (
        await zone.projector.get_inbox(
            Role.APPROVER, REVIEWER_AS_APPROVER.id, now=AFTER_DECISION_TERMS
        )
        == []
    )
    reviewer = await zone.projector.get_inbox(Role.REVIEWER, REVIEWER.id, now=EARLY)
    assert [(t.agreement_id, t.kind, t.overdue) for t in reviewer] == [
        ("dala", "review_application", False),
        ("alatau-2", "record_register_entry", False),
    ]


async def test_a_participant_sees_only_its_own_tasks_once_they_can_be_done(zone: Zone) -> None:
    in_2026 = await zone.projector.get_inbox(
        Role.APPLICANT, "alatau-user", bin=ALATAU_BIN, now=AFTER_DECISION_TERMS
    )
    assert in_2026 == []  # the reports on 2026 open on 1 January 2027
    in_2027 = await zone.projector.get_inbox(
        Role.APPLICANT, "alatau-user", bin=ALATAU_BIN, now=datetime(2027, 1, 2, tzinfo=UTC)
    )
    assert [(t.agreement_id, t.kind, t.related_id) for t in in_2027] == [
        ("alatau", "submit_annual_report", "2026"),
        ("alatau-2", "submit_annual_report", "2026"),
    ]
    assert (
        await zone.projector.get_inbox(
            Role.APPLICANT, "steppe-user", bin=STEPPE_BIN, now=datetime(2027, 1, 2, tzinfo=UTC)
        )
        == []
    )
    one = await zone.projector.get_inbox(
        Role.APPLICANT,
        "alatau-user",
        bin=ALATAU_BIN,
        agreement_id="alatau-2",
        now=datetime(2027, 1, 2, tzinfo=UTC),
    )
    assert [t.agreement_id for t in one] == ["alatau-2"]
    with pytest.raises(InvalidQuery):
        await zone.projector.get_inbox(Role.APPLICANT, "someone", now=AFTER_DECISION_TERMS)


async def test_the_register_has_one_entry_per_participant_with_its_agreements(zone: Zone) -> None:
    page = await zone.projector.participants()
    assert [p.bin for p in page.items] == [ALATAU_BIN]
    (alatau,) = page.items
    # Both agreements are in force: the later concluded is the current one.
    assert alatau.agreement_ids == ("alatau-2", "alatau")
    assert alatau.agreement_id == "alatau-2"
    assert alatau.status == "active"
    assert alatau.register_number == "SEZ-PIT-2026-001"
    assert alatau.name == 'LLP "Alatau Software"'
    assert (await zone.projector.participants(search="ALATAU")).items == page.items
    assert (await zone.projector.participants(search=ALATAU_BIN[:4])).items == page.items
    assert (await zone.projector.participants(status=Status.IN_BREACH)).items == ()
    assert page.next_cursor is None


async def test_an_approved_amendment_leaves_the_approvers_inbox_for_the_participants(
    zone: Zone, databases: Databases
) -> None:
    # On a database of its own: the zone's stays as the other tests expect it.
    dsn = await databases.create()
    store = await PostgresEventStore.open(dsn)
    projector = await Projector.open(dsn)
    try:
        story = application("a", "registered", submitted_on=date(2026, 3, 2), bin=ALATAU_BIN)
        story.when(
            ProposeAmendment(
                amendment_id="am-1",
                obligations=(obligations(2026, jobs=20), obligations(2027)),
                reason="fewer jobs",
            ),
            by=REVIEWER,
            on=date(2026, 3, 20),
        )
        story.when(ApproveAmendment(amendment_id="am-1"), by=APPROVER, on=date(2026, 3, 21))
        await store_story(store, "a", story)
        await project_all(projector, store)
        now = datetime(2026, 3, 22, tzinfo=UTC)
        assert await projector.get_inbox(Role.APPROVER, APPROVER.id, now=now) == []
        (sign,) = await projector.get_inbox(Role.APPLICANT, "a-user", bin=ALATAU_BIN, now=now)
        assert (sign.kind, sign.related_id) == (TaskKind.SIGN_AMENDMENT, "am-1")
        assert sign.due_date is not None
    finally:
        await projector.close()
        await store.close()
        await databases.drop(dsn)
