"""Bad input everywhere (issue 6 §1): the domain and the event store meet absurd dates,
negative and gigantic amounts, huge, deeply nested and non-UTF-8 values and injection strings
with a clear error every time, and nothing half-written.

The API's fuzzer (tests/api/test_fuzzed_requests.py) covers HTTP; these properties cover what
lies under it: the command and application-form models, ``decide``, and the PostgreSQL store
(appends, batches and reads). The values come from tests/faults/bad_inputs.py. Hypothesis's
example database is off and the example counts are bounded, so a run is reproducible from the
failure it prints and takes seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st
from pydantic import ValidationError

from activities.event_log import to_new_event
from domain.agreement import (
    PERMISSIONS,
    AgreementCommand,
    AgreementEvent,
    AgreementState,
    DecisionContext,
    decide,
    fold,
    refusal_event,
)
from domain.agreement.commands import (
    AGREEMENT_COMMAND,
    DeclareGoodsConsumption,
    ProposeAmendment,
    ProposeTermination,
    RequestChanges,
)
from domain.application import ApplicationForm
from domain.errors import DomainError
from eventstore import (
    ANY,
    EventIdConflict,
    EventMetadata,
    EventStoreError,
    InMemoryEventStore,
    NewEvent,
    PayloadError,
    PostgresEventStore,
    WrongExpectedVersion,
)
from eventstore.canonical import canonical_json
from tests.domain.agreement.agreement_scenarios import (
    ADMIN,
    APPROVER,
    APPROVER_2,
    AUDITOR,
    PARTICIPANT,
    REVIEWER,
    REVIEWER_2,
    RULES,
    STRANGER,
    SUBMITTED_ON,
    SYSTEM,
    Story,
    approved,
    at,
    concluded,
    form,
    goods,
    in_breach,
    notified,
    recommended,
    reported_2026,
    submitted,
    with_shortfall,
)
from tests.eventstore.builders import event, metadata
from tests.faults.bad_inputs import (
    ABSURD_INSTANTS,
    EVENT_TYPES,
    EXAMPLES,
    FORM_EXAMPLE,
    INJECTIONS,
    STREAM_IDS,
    admitted_payloads,
    any_command_input,
    command_examples,
    command_types,
    get,
    hardest,
    json_documents,
    json_ish,
    leaves,
    mangled,
    nested,
    payloads,
    planted,
    store_text,
    typed_command,
)

BAD_INPUT = settings(
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,  # one database per test; a stream per example
    ],
)

COMMAND_TYPES = frozenset(command_types())

# Errors about the input as a whole, which no field can be named for in their location: not an
# object, no or an unknown ``type``, not JSON at all, a key that is not even text (a lone
# surrogate); and a field nested too deep, refused before the fields, which names it in its
# message.
WHOLE_INPUT_ERRORS = frozenset(
    {
        "model_attributes_type",
        "model_type",
        "dict_type",
        "union_tag_not_found",
        "union_tag_invalid",
        "json_invalid",
        "json_type",
        "string_unicode",
        "too_deep",
    }
)


def assert_readable(message: str) -> None:
    """An error message that can itself be logged, sent and stored: UTF-8, no NUL."""
    message.encode("utf-8")
    assert "\x00" not in message


def assert_names_the_field(error: ValidationError, *, tagged: bool) -> None:
    """Every error says where: a field below the command's tag, unless it is about the input
    as a whole."""
    details = error.errors(include_url=False, include_input=False)
    assert details
    for detail in details:
        where = detail["loc"]
        if tagged and where and where[0] in COMMAND_TYPES:
            where = where[1:]
        assert where or detail["type"] in WHOLE_INPUT_ERRORS, ascii(detail)
        # pydantic quotes an unknown tag verbatim, NUL and lone surrogates included: whoever
        # shows that message must escape it (the API's routes take one command each, whose
        # ``type`` is a Literal, and never show it).
        if detail["type"] != "union_tag_invalid":
            assert_readable(detail["msg"])
    str(error)


# --- The domain: parsing ------------------------------------------------------------------------


def test_the_examples_cover_every_command() -> None:
    assert {example["type"] for example in EXAMPLES} == COMMAND_TYPES
    for example in command_examples():
        assert AGREEMENT_COMMAND.validate_python(example.model_dump(mode="json")) == example


@settings(BAD_INPUT, max_examples=200)
@given(value=any_command_input)
def test_any_input_to_a_command_parses_or_is_refused_naming_the_field(value: Any) -> None:
    try:
        command = AGREEMENT_COMMAND.validate_python(value)
    except ValidationError as refused:
        tally("refused")
        assert_names_the_field(refused, tagged=True)
        return
    tally("parsed")
    # What parses can travel on (Temporal and the API carry commands as JSON) unchanged.
    assert AGREEMENT_COMMAND.validate_json(AGREEMENT_COMMAND.dump_json(command)) == command


@settings(BAD_INPUT, max_examples=150)
@given(document=json_documents(any_command_input))
def test_any_json_document_parses_as_a_command_or_is_refused_naming_the_field(
    document: bytes,
) -> None:
    try:
        command = AGREEMENT_COMMAND.validate_json(document)
    except ValidationError as refused:
        assert_names_the_field(refused, tagged=True)
        return
    assert AGREEMENT_COMMAND.validate_json(AGREEMENT_COMMAND.dump_json(command)) == command


@settings(BAD_INPUT, max_examples=150)
@given(value=mangled(FORM_EXAMPLE) | json_ish)
def test_any_input_to_the_application_form_parses_or_is_refused_naming_the_field(
    value: Any,
) -> None:
    try:
        application = ApplicationForm.model_validate(value)
    except ValidationError as refused:
        assert_names_the_field(refused, tagged=False)
        return
    assert ApplicationForm.model_validate_json(application.model_dump_json()) == application


# --- The domain: deciding -----------------------------------------------------------------------

ACTORS = [PARTICIPANT, STRANGER, REVIEWER, REVIEWER_2, APPROVER, APPROVER_2, AUDITOR, ADMIN, SYSTEM]
CHANGES_ON = date(2026, 3, 17)
AFTER_NOTICE = date(2026, 5, 4)


def changes_requested() -> Story:
    story = submitted()
    story.when(RequestChanges(items=("the budget",)), by=REVIEWER, on=CHANGES_ON)
    return story


def amendment_proposed() -> Story:
    story = notified()
    proposal = next(c for c in command_examples() if isinstance(c, ProposeAmendment))
    story.when(proposal, by=REVIEWER, on=AFTER_NOTICE)
    return story


def goods_declared() -> Story:
    story = notified()
    story.when(
        DeclareGoodsConsumption(declaration_id="declaration-1", goods=goods()),
        by=PARTICIPANT,
        on=AFTER_NOTICE,
    )
    return story


def termination_proposed() -> Story:
    story = notified()
    proposal = next(c for c in command_examples() if isinstance(c, ProposeTermination))
    story.when(proposal, by=REVIEWER, on=AFTER_NOTICE)
    return story


STARTS: dict[str, Callable[[], Story]] = {
    "new": Story,
    "submitted": submitted,
    "changes requested": changes_requested,
    "recommended": recommended,
    "approved": approved,
    "concluded": concluded,
    "notified": notified,
    "reported": reported_2026,
    "shortfall": with_shortfall,
    "in breach": in_breach,
    "amendment proposed": amendment_proposed,
    "goods declared": goods_declared,
    "termination proposed": termination_proposed,
}
# Where each command can be decided, so that most draws get past the state checks to the
# command's own rules (the others start anywhere).
WHERE = {
    "SubmitApplication": "new",
    "RequestChanges": "submitted",
    "RecommendConclusion": "submitted",
    "RecommendRefusal": "submitted",
    "MarkDecisionOverdue": "submitted",
    "ResubmitApplication": "changes requested",
    "LapseApplication": "changes requested",
    "ApproveConclusion": "recommended",
    "RefuseApplication": "recommended",
    "SignAsParticipant": "approved",
    "SignForManagementCompany": "approved",
    "LapseSigning": "approved",
    "RecordAuthorityNotified": "concluded",
    "IssueAuthorityNotice": "concluded",
    "RecordRegisterEntry": "concluded",
    "ResubmitAnnualReport": "reported",
    "AcceptAnnualReport": "reported",
    "ReturnAnnualReport": "reported",
    "IssueBreachNotice": "shortfall",
    "RecordBreachCured": "in breach",
    "LapseCurePeriod": "in breach",
    "ApproveAmendment": "amendment proposed",
    "RejectAmendment": "amendment proposed",
    "SignAmendment": "amendment proposed",
    "LapseAmendment": "amendment proposed",
    "ConfirmGoodsConsumption": "goods declared",
    "RejectGoodsDeclaration": "goods declared",
    "ConsentToTermination": "termination proposed",
    "ApproveTermination": "termination proposed",
    "RejectTermination": "termination proposed",
}
STEPS = [timedelta(hours=1), timedelta(hours=1)] + [
    timedelta(days=d) for d in (1, 1, 10, 61, 200, 400, 3650)
]
# Clocks no workflow has, but a decision must still answer: before the zone's first rule set,
# and long after its end.
ODD_CLOCKS = [datetime(2003, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, 23, 59, tzinfo=UTC)]


@cache
def given_events(start: str) -> tuple[AgreementEvent, ...]:
    """The stream a builder makes (built once: events are frozen)."""
    return tuple(STARTS[start]().events)


def assert_decided_or_refused_with_its_rule(
    command: AgreementCommand, state: AgreementState, ctx: DecisionContext
) -> str:
    """Decide: events the log takes, or a refusal naming its rule and basis (or field), and
    the state untouched either way. Returns what happened, for Hypothesis's statistics."""
    untouched = state.model_copy(deep=True)
    refusal: DomainError | None = None
    try:
        events = decide(command, state, ctx)
    except DomainError as refused:
        refusal = refused
    assert state == untouched  # decide is pure

    if refusal is not None:
        assert refusal.code
        # A refusal names its legal basis; a rule of form (InvalidInput) may name the field
        # at fault instead.
        assert refusal.legal_basis or refusal.field, refusal.code
        assert_readable(str(refusal))
        recorded: list[AgreementEvent] = [refusal_event(command, refusal, ctx)]
    else:
        assert decide(command, state, ctx) == events  # the same answer every time
        fold(events, state)  # and evolve takes it
        recorded = list(events)
    for decided in recorded:
        # The log takes whatever the domain decides (or refuses): no payload rule breaks.
        to_new_event(decided, event_id=uuid.uuid4(), correlation_id="bad-input")
    return "decided" if refusal is None else f"refused: {refusal.code}"


@settings(BAD_INPUT, max_examples=200)
@given(raw=typed_command(), data=st.data())
def test_a_command_of_absurd_values_is_decided_or_refused_with_its_rule(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    try:
        command = AGREEMENT_COMMAND.validate_python(raw)
    except ValidationError as refused:
        tally("refused by the model")
        assert_names_the_field(refused, tagged=True)
        return
    where = WHERE.get(command.type, "notified")
    start = data.draw(st.sampled_from([where] * 4 + sorted(STARTS)), "start")
    story = Story(events=list(given_events(start)))
    permitted = [a for a in ACTORS if a.role in PERMISSIONS[command.type]]
    actor = data.draw(st.sampled_from(permitted * 4 + ACTORS), "actor")
    last = story.events[-1].occurred_at if story.events else at(SUBMITTED_ON)
    now = data.draw(st.sampled_from([last + step for step in STEPS] + ODD_CLOCKS), "now")
    ctx = DecisionContext(actor=actor, now=now, rules=RULES)
    tally(assert_decided_or_refused_with_its_rule(command, story.state, ctx))


def test_every_field_of_every_command_takes_the_hardest_values_clearly() -> None:
    # The random draws above reach a given field with a given value rarely; this sweep plants
    # each of the hardest values of a field's type in every field of every command, and
    # decides what parses where the command belongs, by someone who may send it.
    checked = 0
    for example in EXAMPLES:
        story = Story(events=list(given_events(WHERE.get(example["type"], "notified"))))
        state = story.state
        last = story.events[-1].occurred_at if story.events else at(SUBMITTED_ON)
        actor = next(a for a in ACTORS if a.role in PERMISSIONS[example["type"]])
        ctx = DecisionContext(actor=actor, now=last + timedelta(hours=1), rules=RULES)
        for place in leaves(example):
            for value in hardest(get(example, place)):
                where = f"{example['type']} with {place} = {ascii(value)[:40]}"
                try:
                    command = AGREEMENT_COMMAND.validate_python(planted(example, place, value))
                except ValidationError as refused:
                    assert_names_the_field(refused, tagged=True)
                    continue
                try:
                    assert_decided_or_refused_with_its_rule(command, state, ctx)
                except Exception as failed:
                    raise AssertionError(where) from failed
                checked += 1
    assert checked > 200


TEXT_LISTS = {
    "RequestChanges": "items",
    "ReturnAnnualReport": "reasons",
    "RejectGoodsDeclaration": "reasons",
}


@settings(BAD_INPUT, max_examples=60)
@given(
    command_type=st.sampled_from(sorted(TEXT_LISTS)),
    character=st.sampled_from(["a", "ж", "中", "🙂", "\x01", '"']),
    length=st.sampled_from([1_000, 2_500, 5_000]),
    count=st.sampled_from([10, 40, 100]),
)
def test_a_list_of_texts_filled_to_its_limits_is_refused_or_makes_a_recordable_event(
    command_type: str, character: str, length: int, count: int
) -> None:
    example = next(e for e in EXAMPLES if e["type"] == command_type)
    raw = {**example, TEXT_LISTS[command_type]: [character * length] * count}
    try:
        command = AGREEMENT_COMMAND.validate_python(raw)
    except ValidationError as refused:
        assert_names_the_field(refused, tagged=True)
        return
    # Decided by a reviewer where the command belongs: it must go through to the log.
    story = Story(events=list(given_events(WHERE[command_type])))
    an_hour_later = story.events[-1].occurred_at + timedelta(hours=1)
    for decided in story.when(command, by=REVIEWER, on=an_hour_later):
        to_new_event(decided, event_id=uuid.uuid4(), correlation_id="bad-input")


# --- The domain: the defects these properties found, as plain examples -------------------------


def test_a_zero_amount_with_a_huge_negative_exponent_is_written_with_two_places() -> None:
    # "0e-2000000" passed decimal_places (it normalises to 0) and printed two million zeros:
    # an event over the log's size limit from 10 characters (0e-1000000000: a gigabyte).
    report = dict(EXAMPLES[[e["type"] for e in EXAMPLES].index("SubmitAnnualReport")])
    report["imported_goods_consumed_kzt"] = "0e-2000000"
    command = AGREEMENT_COMMAND.validate_python(report)
    assert command.model_dump(mode="json")["imported_goods_consumed_kzt"] == "0.00"


def test_a_zero_quantity_with_a_huge_negative_exponent_is_written_with_six_places() -> None:
    declared = goods(quantity_imported=Decimal("0e-2000000"), quantity_consumed=Decimal(0))
    assert declared.model_dump(mode="json")["quantity_imported"] == "0.000000"


@pytest.mark.parametrize("field", ["description", "unit", "consumption"])
@pytest.mark.parametrize("text", ["a\x00b", "ab\ud800"])
def test_goods_text_the_log_cannot_hold_is_refused_naming_the_field(field: str, text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        DeclareGoodsConsumption.model_validate(
            {"declaration_id": "d-1", "goods": {**goods().model_dump(), field: text}}
        )
    assert refused.value.errors()[0]["loc"] == ("goods", field)


def test_a_note_with_a_lone_surrogate_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        AGREEMENT_COMMAND.validate_python({"type": "RecommendConclusion", "note": "ok \udc80"})
    assert refused.value.errors()[0]["loc"] == ("RecommendConclusion", "note")
    assert "surrogate" in refused.value.errors()[0]["msg"]


def test_more_consumed_than_imported_is_refused_naming_quantity_consumed() -> None:
    with pytest.raises(ValidationError) as refused:
        goods(quantity_imported=Decimal(1), quantity_consumed=Decimal(2))
    assert refused.value.errors()[0]["loc"] == ("quantity_consumed",)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (
            {"requested_start": date(2027, 1, 1), "requested_end": date(2026, 12, 31)},
            "requested_end",
            "must be after requested_start",
        ),
        ({"requested_end": date(2027, 1, 1)}, "requested_end", "outside the requested term"),
        (
            {"planned_obligations": [FORM_EXAMPLE["planned_obligations"][0]] * 2},
            "planned_obligations",
            "only once",
        ),
    ],
)
def test_an_application_form_names_the_field_of_its_term_and_years(
    changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        ApplicationForm.model_validate({**form().model_dump(), **changes})
    [error] = refused.value.errors()
    assert error["loc"] == (field,)
    assert words in error["msg"]


@pytest.mark.parametrize("character", ["中", "🙂", "\x01"])
def test_a_request_for_changes_too_large_for_the_log_is_refused_naming_items(
    character: str,
) -> None:
    # 100 items of 5,000 such characters made an event of 1.5-3 MB, over the log's 1 MiB.
    with pytest.raises(ValidationError) as refused:
        RequestChanges(items=tuple(character * 5_000 for _ in range(100)))
    assert refused.value.errors()[0]["loc"] == ("items",)


def test_a_choice_nested_a_thousand_deep_is_refused_naming_the_field() -> None:
    # pydantic looked the list up by calling the StrEnum, whose error is the value's repr:
    # RecursionError escaped from validate_python.
    deep = nested(1_000, "list")
    with pytest.raises(ValidationError) as refused:
        AGREEMENT_COMMAND.validate_python(
            {"type": "RecordAuthorityNotified", "authority": deep, "reference": "out-1"}
        )
    [error] = refused.value.errors(include_input=False)
    assert error["type"] == "too_deep"
    assert error["ctx"] == {"field": "authority", "limit": 16}
    with pytest.raises(ValidationError) as refused:
        ApplicationForm.model_validate({**FORM_EXAMPLE, "priority_area": deep})
    assert refused.value.errors(include_input=False)[0]["loc"] == ("priority_area",)


def test_an_empty_amendment_is_refused_with_its_legal_basis() -> None:
    story = Story(events=list(given_events("notified")))
    with pytest.raises(DomainError) as refused:
        decide(
            ProposeAmendment(amendment_id="a-1", reason="nothing"),
            story.state,
            story.context(REVIEWER, date(2026, 6, 1)),
        )
    assert refused.value.code == "empty_amendment"
    assert refused.value.legal_basis


# --- The event store ----------------------------------------------------------------------------


@pytest_asyncio.fixture
async def log(fresh_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the test's own database, to look at the log without the store."""
    connection = await asyncpg.connect(fresh_dsn)
    yield connection
    await connection.close()


async def whole_log(log: asyncpg.Connection) -> tuple[int, str]:
    """The log's size and a digest of every event's hash, in order."""
    row = await log.fetchrow(
        "SELECT count(*), md5(coalesce(string_agg(encode(hash, 'hex'), ',' "
        "ORDER BY global_position), '')) FROM events"
    )
    assert row is not None
    return row[0], row[1]


async def stream_state(store: PostgresEventStore, stream_id: str) -> list[tuple[uuid.UUID, bytes]]:
    return [(e.event_id, e.hash) for e in await store.read_stream(stream_id)]


def assert_clear_refusal(error: Exception) -> None:
    """A typed error that names the problem and can itself be logged."""
    assert_readable(str(error))
    if isinstance(error, PayloadError):
        assert error.field
        assert error.rule
    elif isinstance(error, ValidationError):
        assert all(detail["loc"] for detail in error.errors(include_input=False))
    else:
        assert isinstance(error, EventStoreError | ValueError), type(error)


async def answer(call: Callable[[], Awaitable[Any]]) -> Any:
    """What a call returns, or the type of the clear refusal it raises."""
    try:
        return await call()
    except (EventStoreError, ValueError) as refused:
        assert_clear_refusal(refused)
        return type(refused)


async def assert_stored_exactly(
    store: PostgresEventStore, log: asyncpg.Connection, stream_id: str, new: NewEvent
) -> None:
    """The event reads back as appended, its stored JSON is its canonical bytes, and every
    chain of the log verifies."""
    recorded = (await store.read_stream(stream_id))[-1]
    assert recorded.event_id == new.event_id
    assert (recorded.type, recorded.schema_version) == (new.type, new.schema_version)
    assert recorded.data == new.data
    assert recorded.metadata == new.metadata
    row = await log.fetchrow(
        "SELECT data::text, metadata::text FROM events WHERE event_id = $1", new.event_id
    )
    assert row is not None
    assert row[0].encode() == canonical_json(new.data)
    assert row[1].encode() == new.metadata.canonical()[0]
    report = await store.verify()
    assert report.ok, report.first_failure


metadata_changes = st.fixed_dictionaries(
    {},
    optional={
        "actor_id": store_text(),
        "actor_role": store_text(),
        "occurred_at": ABSURD_INSTANTS,
        "legal_basis": st.lists(store_text(), max_size=3).map(tuple),
        "rule_set_version": store_text(),
        "correlation_id": store_text(),
        "causation_id": st.none() | store_text(),
        "workflow_id": st.sampled_from(INJECTIONS),
    },
)


@settings(BAD_INPUT, max_examples=60)
@given(
    # About half of the draws break no rule, to be stored and read back.
    data=st.one_of(payloads, admitted_payloads, admitted_payloads),
    changes=st.one_of(metadata_changes, st.just({}), st.just({})),
    event_type=st.sampled_from(["agreement.signed"] * 5 + list(EVENT_TYPES)),
    schema_version=st.sampled_from([1] * 5 + [7, 0, -1, 32767, 32768, 2**63, True, 1.0, "1"]),
    other_stream=st.none() | st.none() | st.sampled_from(STREAM_IDS),
    after_construction=st.booleans(),
)
async def test_an_appended_event_is_stored_exactly_or_refused_leaving_the_log_as_it_was(
    fresh_store: PostgresEventStore,
    log: asyncpg.Connection,
    data: dict[Any, Any],
    changes: dict[str, Any],
    event_type: str,
    schema_version: Any,
    other_stream: str | None,
    after_construction: bool,
) -> None:
    home = f"agreement-bad-{uuid.uuid4().hex}"
    await fresh_store.append(home, [event()], 0)
    stream_id, expected = (home, 1) if other_stream is None else (other_stream, ANY)

    try:
        if after_construction:
            # Built valid, spoilt afterwards: the data dict changed, copies made without
            # validation (model_copy); the store must check again when appending.
            new = event()
            new.data.clear()
            new.data.update(data)
            meta = new.metadata.model_copy(update=changes)
            new = new.model_copy(
                update={"type": event_type, "schema_version": schema_version, "metadata": meta}
            )
        else:
            new = NewEvent(
                event_id=uuid.uuid4(),
                type=event_type,
                schema_version=schema_version,
                data=data,
                metadata=metadata(**changes),
            )
    except (EventStoreError, ValidationError) as refused:
        tally("refused when built")
        assert_clear_refusal(refused)
        return

    before = await whole_log(log), await stream_state(fresh_store, home)
    try:
        await fresh_store.append(stream_id, [new], expected)
    except (EventStoreError, ValueError) as refused:
        tally(f"refused when appended: {type(refused).__name__}")
        assert_clear_refusal(refused)
        assert (await whole_log(log), await stream_state(fresh_store, home)) == before
        return
    tally("stored")
    await assert_stored_exactly(fresh_store, log, stream_id, new)


SPOILERS = [
    "payload",
    "mutated data",
    "too big",
    "metadata NUL",
    "metadata surrogate",
    "type",
    "schema version",
    "event id string",
    "repeated id",
    "id recorded elsewhere",
    "not an event",
]


def spoilt(
    spoiler: str, batch: list[NewEvent], payload: dict[Any, Any], elsewhere: uuid.UUID
) -> Any:
    """The batch's last event, spoilt one way."""
    last = event()
    match spoiler:
        case "payload":
            return last.model_copy(update={"data": payload})
        case "mutated data":
            last.data["ratio"] = float("nan")
            return last
        case "too big":
            return last.model_copy(update={"data": {"huge": "ж" * (1 << 19)}})
        case "metadata NUL" | "metadata surrogate":
            bad = "a\x00" if spoiler == "metadata NUL" else "a\ud800"
            meta = last.metadata.model_copy(update={"actor_id": bad})
            return last.model_copy(update={"metadata": meta})
        case "type":
            return last.model_copy(update={"type": 'agreement.x","evil":"1'})
        case "schema version":
            return last.model_copy(update={"schema_version": 2**40})
        case "event id string":
            return last.model_copy(update={"event_id": "'; DROP TABLE events;--"})
        case "repeated id":
            return last.model_copy(update={"event_id": batch[0].event_id})
        case "id recorded elsewhere":
            return last.model_copy(update={"event_id": elsewhere})
        case _:
            return {"event_id": str(last.event_id), "type": last.type, "data": last.data}


@settings(BAD_INPUT, max_examples=40)
@given(
    good=st.integers(1, 4),
    spoiler=st.sampled_from(SPOILERS),
    payload=payloads,
    expected_at=st.sampled_from(["exact", "any"]),
)
async def test_a_batch_whose_last_event_is_bad_writes_none_of_it(
    fresh_store: PostgresEventStore,
    log: asyncpg.Connection,
    good: int,
    spoiler: str,
    payload: dict[Any, Any],
    expected_at: str,
) -> None:
    stream_id = f"agreement-batch-{uuid.uuid4().hex}"
    await fresh_store.append(stream_id, [event()], 0)
    recorded_elsewhere = event()
    await fresh_store.append(f"zone-{uuid.uuid4().hex}", [recorded_elsewhere], 0)
    batch = [event({"n": n}) for n in range(good)]
    last = spoilt(spoiler, batch, payload, recorded_elsewhere.event_id)
    expected = 1 if expected_at == "exact" else ANY

    before = await whole_log(log), await stream_state(fresh_store, stream_id)
    outcome = await answer(lambda: fresh_store.append(stream_id, [*batch, last], expected))
    if isinstance(outcome, type):
        tally(f"refused: {spoiler}")
        if spoiler == "id recorded elsewhere":
            assert outcome is EventIdConflict
        assert (await whole_log(log), await stream_state(fresh_store, stream_id)) == before
        # Nothing was left behind in the way: the good events go in at the same version.
        assert (await fresh_store.append(stream_id, batch, expected)).stream_version == 1 + good
        return
    # Only a payload that breaks no rule may go in, and then all of the batch does.
    assert spoiler == "payload", spoiler
    assert outcome.stream_version == 2 + good
    await assert_stored_exactly(fresh_store, log, stream_id, last)


READ_VERSIONS = st.integers() | st.sampled_from([-(2**63), 2**63 - 1, 2**63, 10**20, -(10**20)])


@settings(BAD_INPUT, max_examples=50)
@given(
    from_version=READ_VERSIONS,
    occurred_until=st.none() | ABSURD_INSTANTS,
    recorded_until=st.none() | ABSURD_INSTANTS,
    from_position=READ_VERSIONS,
    limit=st.integers(-3, 5) | st.sampled_from([1000, 1001, 2**62, 2**63, 10**20]),
    after=st.none() | store_text() | st.sampled_from(["agreement-", "agreement-\ud800"]),
    stream_id=st.sampled_from(STREAM_IDS),
    expected=READ_VERSIONS,
)
async def test_absurd_arguments_get_the_same_answer_or_refusal_from_both_stores(
    fresh_store: PostgresEventStore,
    log: asyncpg.Connection,
    from_version: int,
    occurred_until: datetime | None,
    recorded_until: datetime | None,
    from_position: int,
    limit: int,
    after: str | None,
    stream_id: str,
    expected: int,
) -> None:
    memory = InMemoryEventStore()
    home = f"agreement-args-{uuid.uuid4().hex}"
    # Not at datetime.min itself: asyncpg sends datetime.min and datetime.max as -infinity and
    # infinity, so "until datetime.min" leaves out an event of exactly that instant.
    first = event(metadata=metadata(occurred_at=datetime(1, 1, 2, tzinfo=UTC)))
    second = event(metadata=metadata(occurred_at=datetime(9999, 12, 31, 23, tzinfo=UTC)))
    for store in (fresh_store, memory):
        await store.append(home, [first, second], 0)

    def calls(store: Any) -> list[Callable[[], Awaitable[Any]]]:
        return [
            lambda: store.read_stream(
                home, from_version, occurred_until=occurred_until, recorded_until=recorded_until
            ),
            lambda: store.stream_version(stream_id),
            lambda: store.read_all(from_position, limit),
            lambda: store.list_streams("agreement-", after=after, limit=limit),
            lambda: store.append(home, [event()], expected),
        ]

    before = await whole_log(log)
    postgres = [await answer(call) for call in calls(fresh_store)]
    in_memory = [await answer(call) for call in calls(memory)]

    read, version, *others = zip(postgres, in_memory, strict=True)
    if isinstance(read[0], list) and isinstance(read[1], list):
        if recorded_until is None:  # each store stamps recorded_at with its own clock
            assert [e.event_id for e in read[0]] == [e.event_id for e in read[1]]
    else:
        assert read[0] == read[1]
    assert version[0] == version[1]
    # read_all and list_streams also see the streams of earlier examples in PostgreSQL: the
    # answers may differ, not whether there is one.
    for in_postgres, in_the_memory in others:
        assert isinstance(in_postgres, type) == isinstance(in_the_memory, type)
        if isinstance(in_postgres, type):
            assert in_postgres is in_the_memory
    if isinstance(postgres[-1], type):
        assert await whole_log(log) == before


# --- The event store: the defects these properties found, as plain examples -------------------


@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_metadata_of_an_instant_beyond_year_1_to_9999_in_utc_is_refused_naming_it(
    occurred_at: datetime,
) -> None:
    # It raised OverflowError from formatting the instant in UTC.
    with pytest.raises(PayloadError) as refused:
        EventMetadata(**{**metadata().model_dump(), "occurred_at": occurred_at})
    assert refused.value.field == "metadata.occurred_at"


@pytest.mark.parametrize("key", ["\ud800", "a\x00"])
def test_a_refusal_naming_an_unprintable_key_can_itself_be_logged(key: str) -> None:
    # The field path held the key verbatim: a lone surrogate made the error unencodable.
    with pytest.raises(PayloadError) as refused:
        event({key: 1})
    assert_readable(str(refused.value))
    assert refused.value.field == f"data[{key!r}]"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": 'agreement.x","evil":"1'}, "events[0].type"),
        ({"schema_version": 10**20}, "events[0].schema_version"),
        ({"event_id": "not-a-uuid"}, "events[0].event_id"),
        (
            {"metadata": metadata().model_copy(update={"actor_id": ""})},
            "events[0].metadata.actor_id",
        ),
    ],
)
async def test_a_copy_made_without_validation_is_checked_again_when_appended(
    changes: dict[str, Any], field: str
) -> None:
    # model_copy(update=...) skips validation: the stores took all four. A type with a quote
    # made a header that is not the JSON the chain claims to hash; an empty actor_id made the
    # whole stream unreadable (reading validates the metadata).
    store = InMemoryEventStore()
    with pytest.raises(PayloadError) as refused:
        await store.append("agreement-copy", [event().model_copy(update=changes)], 0)
    assert refused.value.field == field
    assert await store.read_stream("agreement-copy") == []


async def test_postgres_answers_arguments_beyond_bigint_like_the_memory_store(
    fresh_store: PostgresEventStore,
) -> None:
    # Each raised asyncpg's DataError ("value out of int64 range", "date value out of range").
    stream_id = f"agreement-{uuid.uuid4().hex}"
    await fresh_store.append(stream_id, [event()], 0)
    with pytest.raises(WrongExpectedVersion):
        await fresh_store.append(stream_id, [event()], 10**20)
    assert await fresh_store.read_stream(stream_id, 10**20) == []
    assert len(await fresh_store.read_stream(stream_id, -(10**20))) == 1
    late = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
    assert len(await fresh_store.read_stream(stream_id, occurred_until=late)) == 1
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    assert await fresh_store.read_stream(stream_id, recorded_until=early) == []
    assert len(await fresh_store.read_all(1, 10**20)) == 1
    with pytest.raises(ValueError, match="after"):
        await fresh_store.list_streams("agreement-", after="agreement-\ud800")


def test_every_example_command_is_permitted_to_someone() -> None:
    # Otherwise the deciding property would only ever see role refusals for it.
    for command in command_examples():
        assert any(a.role in PERMISSIONS[command.type] for a in ACTORS), command.type
