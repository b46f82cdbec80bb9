"""Write the stored sample of every domain event type that has none yet.

Run from the repository's root::

    .venv/bin/python -m tests.integration.make_samples

Each sample (``samples/<type>.v<schema_version>.json``) holds one event's ``type``,
``schema_version`` and ``data`` exactly as the codec writes ``data`` to the log, taken from a
stream the real decider produced. The samples stand for events already stored: **never edit or
regenerate an existing sample**. An event whose shape changes gets a new ``schema_version`` and
an upcaster from the old one (eventstore/codec.py); this script then writes the new version's
sample beside the old, and test_event_samples.py checks that the old one still decodes. So this
script only ever adds files, and says which existing samples it left alone.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from activities.event_log import to_new_event
from domain.actors import Actor
from domain.agreement import AgreementEvent, DeadlineKind
from domain.agreement.commands import (
    ApproveAmendment,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    EscalateOverdueReport,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendRefusal,
    RecordReminderSent,
    RecordSiteVisit,
    RefuseApplication,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SubmitAnnualReport,
)
from domain.agreement.vocabulary import (
    RefusalGround,
    TerminationGround,
)
from domain.event import DomainEvent
from domain.zone import (
    RecordZoneReminderSent,
    RecordZoneReportSubmitted,
    ZoneCommand,
    ZoneEvent,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
)
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    SYSTEM,
    Story,
    at,
    form,
    goods,
    notified,
    obligations,
    rules_extending_zone_to,
    submitted,
)
from tests.integration.lifecycle import Ending, whole_lifecycle, zone_configuration
from tests.integration.stored import AGREEMENT_EVENT_TYPES, ZONE_EVENT_TYPES

SAMPLES = Path(__file__).resolve().parent / "samples"
_NIL = UUID(int=0)  # samples carry no event id: the stored id says nothing about the shape


def sample_path(event_type: str, schema_version: int) -> Path:
    """Where the sample of one version of a type is stored."""
    return SAMPLES / f"{event_type}.v{schema_version}.json"


def registered_types() -> dict[str, int]:
    """Every domain event type the codec registers, with its current schema version."""
    versions: dict[str, int] = {}
    for model in (*AGREEMENT_EVENT_TYPES, *ZONE_EVENT_TYPES):
        fields = model.model_fields
        versions[fields["type"].default] = fields["schema_version"].default
    return versions


# --- Streams that, together, decide every type of agreement event ----------------------------


def _refused_after_changes() -> Story:
    """Changes requested, resubmitted, the decision overdue, refusal recommended and decided."""
    story = submitted()
    story.when(RequestChanges(items=("attach the budget",)), by=REVIEWER, on=date(2026, 3, 18))
    story.when(ResubmitApplication(form=form()), by=PARTICIPANT, on=date(2026, 3, 27))
    story.when(MarkDecisionOverdue(), by=SYSTEM, on=date(2026, 4, 7))
    story.when(
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="the budget does not add up"),
        by=REVIEWER_2,
        on=date(2026, 4, 8),
    )
    story.when(
        RefuseApplication(grounds=(RefusalGround.DOCUMENTS,), note="as recommended"),
        by=APPROVER,
        on=date(2026, 4, 9),
    )
    return story


def _lapsed_unresubmitted() -> Story:
    story = submitted()
    story.when(RequestChanges(items=("attach the budget",)), by=REVIEWER, on=date(2026, 3, 18))
    (deadline,) = story.state.deadlines
    assert deadline.on_due is not None
    story.when(deadline.on_due, by=SYSTEM, on=deadline.due)
    return story


def _report_returned_and_escalated() -> Story:
    """A reminder, the 2026 report returned and resubmitted; the 2027 report overdue, escalated."""
    story = notified(rules_extending_zone_to(date(2030, 1, 1)))
    story.when(
        RecordReminderSent(deadline_kind=DeadlineKind.ANNUAL_REPORT, related_id="2026"),
        by=SYSTEM,
        on=date(2027, 3, 1),
    )
    story.when(
        SubmitAnnualReport(
            report_id="report-2026",
            year=2026,
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        by=PARTICIPANT,
        on=date(2027, 3, 2),
    )
    story.when(
        ReturnAnnualReport(report_id="report-2026", reasons=("jobs are not evidenced",)),
        by=REVIEWER,
        on=date(2027, 3, 3),
    )
    story.when(
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026, jobs=26),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        by=PARTICIPANT,
        on=date(2027, 3, 10),
    )
    story.when(MarkAnnualReportOverdue(year=2027), by=SYSTEM, on=date(2028, 4, 1))
    story.when(EscalateOverdueReport(year=2027), by=SYSTEM, on=date(2028, 5, 1))
    return story


def _amended_visited_and_supplied() -> Story:
    """A site visit; amendments signed, rejected and lapsed; goods confirmed and rejected."""
    story = notified(rules_extending_zone_to(date(2030, 1, 1)))
    story.when(
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 8, 3), findings="all well", terms_met=True
        ),
        by=REVIEWER,
        on=date(2026, 8, 3),
    )
    schedule = (obligations(2026, jobs=15), obligations(2027, jobs=30))
    for n, decision in enumerate(("signed", "rejected", "lapsed"), start=1):
        amendment_id = f"amendment-{n}"
        proposed_on = date(2026, 9, 1 + 10 * (n - 1))
        story.when(
            ProposeAmendment(
                amendment_id=amendment_id, obligations=schedule, reason="hiring moved to 2027"
            ),
            by=REVIEWER,
            on=proposed_on,
        )
        if decision == "rejected":
            story.when(
                RejectAmendment(amendment_id=amendment_id, reason="no evidence"),
                by=APPROVER,
                on=proposed_on,
            )
            continue
        story.when(ApproveAmendment(amendment_id=amendment_id), by=APPROVER, on=proposed_on)
        if decision == "signed":
            story.when(SignAmendment(amendment_id=amendment_id), by=PARTICIPANT, on=proposed_on)
        else:
            (signing,) = [
                d for d in story.state.deadlines if d.kind is DeadlineKind.AMENDMENT_SIGNING
            ]
            assert signing.on_due is not None
            story.when(signing.on_due, by=SYSTEM, on=signing.due)
    for n, confirmed in ((1, True), (2, False)):
        declaration_id = f"goods-{n}"
        story.when(
            DeclareGoodsConsumption(declaration_id=declaration_id, goods=goods()),
            by=PARTICIPANT,
            on=date(2026, 11, 2),
        )
        if confirmed:
            story.when(
                ConfirmGoodsConsumption(
                    declaration_id=declaration_id, document_number="PIT-FCZ-2026-77"
                ),
                by=REVIEWER,
                on=date(2026, 11, 5),
            )
        else:
            story.when(
                RejectGoodsDeclaration(
                    declaration_id=declaration_id, reasons=("no import declaration",)
                ),
                by=REVIEWER,
                on=date(2026, 11, 5),
            )
    return story


def _termination_consented_then_rejected() -> Story:
    story = notified()
    story.when(
        ProposeTermination(
            termination_id="termination-1",
            ground=TerminationGround.MUTUAL_CONSENT,
            reason="the project moves abroad",
        ),
        by=REVIEWER,
        on=date(2026, 10, 1),
    )
    story.when(
        ConsentToTermination(termination_id="termination-1"), by=PARTICIPANT, on=date(2026, 10, 1)
    )
    story.when(
        RejectTermination(termination_id="termination-1", reason="the board wants to keep it"),
        by=APPROVER,
        on=date(2026, 10, 2),
    )
    return story


AGREEMENT_STREAMS: tuple[Callable[[], Story], ...] = (
    lambda: whole_lifecycle(Ending.CURED),
    lambda: whole_lifecycle(Ending.UNCURED),
    _refused_after_changes,
    _lapsed_unresubmitted,
    _report_returned_and_escalated,
    _amended_visited_and_supplied,
    _termination_consented_then_rejected,
)


def _zone_report_followed() -> list[list[ZoneEvent]]:
    """The zone's report on 2026 [Reg. §9.4]: staff reminded 14 days before, then it recorded."""
    state = initial_zone_state()
    established_at = datetime(2026, 12, 1, 6, tzinfo=UTC)
    establishment = decide_zone(pit_establishment(), state, actor=ADMIN, now=established_at)
    for event in establishment:
        state = evolve_zone(state, event)
    reminder = state.next_report_reminder(date(2027, 4, 16))
    assert reminder is not None
    commands: list[tuple[ZoneCommand, Actor, datetime]] = [
        (RecordZoneReminderSent(reminder=reminder), SYSTEM, at(date(2027, 4, 16), 9)),
        (
            RecordZoneReportSubmitted(
                year=2026, reference="01-12/345", submitted_on=date(2027, 4, 20)
            ),
            REVIEWER,
            at(date(2027, 4, 20)),
        ),
    ]
    decisions = [establishment]
    for command, actor, now in commands:
        events = decide_zone(command, state, actor=actor, now=now)
        for event in events:
            state = evolve_zone(state, event)
        decisions.append(events)
    return decisions


def decided_events() -> Iterable[DomainEvent]:
    """Every event of the streams above, then of the zone's configuration and its report."""
    for stream in AGREEMENT_STREAMS:
        events: list[AgreementEvent] = stream().events
        yield from events
    decisions, _ = zone_configuration()
    for decision in [*decisions, *_zone_report_followed()]:
        yield from decision


def first_of_each_type() -> dict[str, DomainEvent]:
    """The first decided event of each type.

    Raises:
        LookupError: a registered type is not decided by any stream above (add one).
    """
    firsts: dict[str, DomainEvent] = {}
    for event in decided_events():
        firsts.setdefault(event.type, event)
    missing = sorted(set(registered_types()) - set(firsts))
    if missing:
        raise LookupError(f"no stream decides {', '.join(missing)}: add one to make_samples.py")
    return firsts


def sample_of(event: DomainEvent) -> dict[str, Any]:
    """The sample of an event: its type and schema version, and its data as stored."""
    # The same encoding as the workflows' appends; the ids and metadata are not in the sample.
    stored = to_new_event(event, event_id=_NIL, correlation_id="sample")
    return {"type": stored.type, "schema_version": stored.schema_version, "data": stored.data}


def write_missing_samples() -> tuple[list[Path], list[Path]]:
    """Write the sample of every type whose current version has none; never touch the others.

    Returns:
        The files written and the existing files left alone.
    """
    written: list[Path] = []
    kept: list[Path] = []
    SAMPLES.mkdir(exist_ok=True)
    for event_type, event in sorted(first_of_each_type().items()):
        sample = sample_of(event)
        path = sample_path(event_type, sample["schema_version"])
        if path.exists():
            kept.append(path)
            continue
        path.write_text(json.dumps(sample, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written, kept


def main() -> int:
    """Write the missing samples and say what was done."""
    written, kept = write_missing_samples()
    for path in written:
        print(f"wrote {path.name}")
    print(
        f"{len(written)} written, {len(kept)} existing left alone (a changed shape needs a new "
        "schema_version and an upcaster, never an edited sample)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
