"""Bad input for tests/faults/test_bad_input.py: absurd values, injection strings, huge and
deeply nested structures, and a valid example of every command to plant them in.

Two kinds of strategy: *anything* (any JSON-ish or Python value, for the models that parse
input) and *typed* (absurd values of the type a field already has, so that the command still
parses and reaches ``decide``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any, get_args

from hypothesis import strategies as st

from domain.agreement.commands import (
    AcceptAnnualReport,
    AddAuditAnnotation,
    AgreementCommand,
    ApproveAmendment,
    ApproveConclusion,
    ApproveTermination,
    ConfirmGoodsConsumption,
    ConsentToTermination,
    DeclareGoodsConsumption,
    EscalateOverdueReport,
    ExpireAgreement,
    IssueBreachNotice,
    LapseAmendment,
    LapseApplication,
    LapseCurePeriod,
    LapseSigning,
    MarkAnnualReportOverdue,
    MarkDecisionOverdue,
    ProposeAmendment,
    ProposeTermination,
    RecommendConclusion,
    RecommendRefusal,
    RecordAuthorityNotified,
    RecordBreachCured,
    RecordRegisterEntry,
    RecordRegisterEntryClosed,
    RecordReminderSent,
    RecordSiteVisit,
    RefuseApplication,
    RejectAmendment,
    RejectGoodsDeclaration,
    RejectTermination,
    RequestChanges,
    RequestTermination,
    ResubmitAnnualReport,
    ResubmitApplication,
    ReturnAnnualReport,
    SignAmendment,
    SignAsParticipant,
    SignForManagementCompany,
    SubmitAnnualReport,
    SubmitApplication,
    TerminateForZoneEnd,
)
from domain.agreement.vocabulary import (
    Audience,
    Authority,
    DeadlineKind,
    FreeZoneOperation,
    GoodsCategory,
    RefusalGround,
    ReminderStage,
    TerminationGround,
)
from domain.application import ApplicantKind, PriorityArea
from tests.domain.agreement.agreement_scenarios import form, goods, notice, obligations

# --- Values ----------------------------------------------------------------------------------

INJECTIONS = (
    "'; DROP TABLE events;--",
    "\"); DELETE FROM events WHERE ('1'='1",
    "' OR '1'='1",
    "<script>alert(document.cookie)</script>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "../../../../etc/passwd",
    "%s%s%s%n%x",
    "\\u0000 and \\ud800, escaped",
    "$(rm -rf /)",
    "\u202eevil\u202c",  # right-to-left override
    "\ufeffBOM",
    "Ａｌｍａｔｙ",  # fullwidth
    "e\u0301\u0301\u0301",  # combining marks
    "Алматы 🙂 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\t\r\n\x01\x1f\x7f",
    " ",
)
"""Strings that are valid Unicode and may be stored: they must come back unchanged."""

UNRECORDABLE = ("\x00", "a\x00b", "\ud800", "\udfff", "x\ud83d", "\udc80\udcff")
"""Strings no event may hold: NUL and lone surrogates (what non-UTF-8 bytes decode to with
``surrogateescape``)."""

NON_UTF8 = (b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80", b"2026-01-01")

ABSURD_DATE_TEXTS = (
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "10000-01-01",
    "-0001-01-01",
    "+2026-01-01",
    "2026-1-1",
    "2026-01-01T25:00:00",
    "2026-W01-1",
    "9999-12-31T23:59:59.999999-12:00",
    "yesterday",
    "",
)

_OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
ABSURD_DATES = (
    st.sampled_from([date.min, date.max, date(1, 1, 2), date(9999, 12, 30), date(2026, 2, 28)])
    | st.dates()
)
ABSURD_INSTANTS = st.sampled_from(
    [
        datetime.min.replace(tzinfo=UTC),
        datetime.max.replace(tzinfo=UTC),
        datetime.min.replace(tzinfo=timezone(timedelta(hours=5))),
        datetime.max.replace(tzinfo=timezone(timedelta(hours=-5))),
    ]
) | st.datetimes(timezones=_OFFSETS)


class HugeInt(int):
    """An int of thousands of digits, which Python refuses to write out: its repr says what
    it is instead (so that Hypothesis can report an example holding one)."""

    def __repr__(self) -> str:
        return f"HugeInt(<{self.bit_length()} bits>)"


HUGE = HugeInt(10**5000)

ABSURD_NUMBERS = (
    0,
    -1,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    2**53,
    2**53 + 1,
    2**63,
    -(2**63) - 1,
    10**100,
    -(10**100),
    HUGE,  # more digits than int() parses from text
    HugeInt(-(10**5000)),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1E+999999999"),
    Decimal("1E-999999999"),
    Decimal("0E-2000000"),  # zero, written out with two million places
    Decimal("-0"),
    Decimal("-0.01"),
    "1e308",
    "NaN",
    "-Infinity",
    "-0",
    "0e-2000000",
    "1_000",
    " 12 ",
    "0x10",
    True,
    False,
)


def _repeated(character: str) -> Callable[[int], str]:
    def text(length: int) -> str:
        return character * length

    return text


# Made when drawn, so that a strategy's repr in a failure report stays short.
LONG_TEXTS = st.one_of(
    st.sampled_from([201, 1_000_000]).map(_repeated("x")),
    st.sampled_from([5_001, 20_001]).map(_repeated("ж")),
    st.just(20_001).map(_repeated("🙂")),
    st.just(5_000).map(_repeated("9")),  # more digits than int() parses from text
)


def nested(depth: int, kind: str) -> Any:
    """A list or dict nested ``depth`` levels deep (built by a loop: no recursion here)."""
    value: Any = []
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


DEEP = st.builds(nested, st.sampled_from([50, 1_000, 10_000]), st.sampled_from(["list", "dict"]))

_CHARACTERS = st.characters(codec=None) | st.characters(categories=["Cs"]) | st.just("\x00")
any_text = st.text(_CHARACTERS, max_size=30)
"""Any Python string: NUL and lone surrogates included."""

absurd_scalars = st.one_of(
    st.sampled_from(ABSURD_NUMBERS),
    st.sampled_from(INJECTIONS + UNRECORDABLE + ABSURD_DATE_TEXTS),
    LONG_TEXTS,
    st.sampled_from(NON_UTF8),
    any_text,
    st.integers(),
    st.floats(),
    st.decimals(),
    ABSURD_DATES,
    ABSURD_INSTANTS,
    st.none(),
    st.booleans(),
)

json_ish = st.recursive(
    absurd_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["type", "note", "form", "year"]) | any_text, children)
    ),
    max_leaves=12,
)
"""Any value a JSON document (or a careless Python caller) could put in a field."""

bad_values = json_ish | DEEP | st.sampled_from([(), set(), frozenset({1}), object(), b""])


# --- A valid example of every command --------------------------------------------------------


def command_examples() -> list[AgreementCommand]:
    """One valid command of every type, with realistic values."""
    return [
        SubmitApplication(agreement_id="agr-1", form=form()),
        RequestChanges(items=("the budget per year", "the staff plan")),
        ResubmitApplication(form=form()),
        LapseApplication(),
        RecommendConclusion(note="the project fits the zone"),
        RecommendRefusal(grounds=(RefusalGround.DOCUMENTS,), note="the charter is missing"),
        MarkDecisionOverdue(),
        ApproveConclusion(
            agreement_number="PIT-2026-001",
            start_date=date(2026, 4, 1),
            end_date=date(2028, 1, 1),
            obligations=(obligations(2026), obligations(2027)),
        ),
        RefuseApplication(grounds=(RefusalGround.SELECTION_CRITERIA,), note="not innovative"),
        SignAsParticipant(),
        SignForManagementCompany(),
        LapseSigning(),
        RecordAuthorityNotified(authority=Authority.AUTHORIZED_BODY, reference="out-1"),
        notice(Authority.TAX_AUTHORITY),
        RecordRegisterEntry(register_number="R-2026-7", entered_on=date(2026, 4, 3)),
        RecordRegisterEntryClosed(closed_on=date(2027, 6, 1)),
        SubmitAnnualReport(
            report_id="report-2026",
            year=2026,
            actuals=obligations(2026, jobs=10),
            imported_goods_consumed_kzt=Decimal("1200000.00"),
        ),
        ResubmitAnnualReport(
            report_id="report-2026",
            actuals=obligations(2026),
            imported_goods_consumed_kzt=Decimal("0.00"),
        ),
        AcceptAnnualReport(report_id="report-2026"),
        ReturnAnnualReport(report_id="report-2026", reasons=("the jobs figure is missing",)),
        MarkAnnualReportOverdue(year=2026),
        EscalateOverdueReport(year=2026),
        RecordSiteVisit(
            visit_id="visit-1", visited_on=date(2026, 10, 5), findings="lab empty", terms_met=False
        ),
        IssueBreachNotice(notice_id="notice-2", description="jobs far below the obligation"),
        RecordBreachCured(notice_id="notice-1", note="staff hired"),
        LapseCurePeriod(notice_id="notice-1"),
        ProposeAmendment(
            amendment_id="amendment-1",
            end_date=date(2027, 12, 1),
            obligations=(obligations(2026, jobs=20), obligations(2027, jobs=20)),
            reason="a shorter term",
        ),
        ApproveAmendment(amendment_id="amendment-1"),
        RejectAmendment(amendment_id="amendment-1", reason="not justified"),
        SignAmendment(amendment_id="amendment-1"),
        LapseAmendment(amendment_id="amendment-1"),
        ProposeTermination(
            termination_id="termination-1",
            ground=TerminationGround.COURT_DECISION,
            reason="the court ordered it",
            reference="court 2-1234/2027",
        ),
        RequestTermination(termination_id="termination-1", reason="we are closing"),
        ConsentToTermination(termination_id="termination-1"),
        ApproveTermination(termination_id="termination-1"),
        RejectTermination(termination_id="termination-1", reason="not proven"),
        ExpireAgreement(),
        TerminateForZoneEnd(),
        DeclareGoodsConsumption(declaration_id="declaration-1", goods=goods()),
        ConfirmGoodsConsumption(declaration_id="declaration-1", document_number="DT-7"),
        RejectGoodsDeclaration(declaration_id="declaration-1", reasons=("no invoice",)),
        AddAuditAnnotation(annotation_id="annotation-1", text="checked", refers_to_version=1),
        RecordReminderSent(
            deadline_kind=DeadlineKind.ANNUAL_REPORT,
            related_id="2026",
            stage=ReminderStage.BEFORE,
            audience=Audience.PARTICIPANT,
            due_on=date(2027, 3, 31),
        ),
    ]


def command_types() -> set[str]:
    """The type of every member of the AgreementCommand union."""
    union = get_args(AgreementCommand)[0]
    return {member.model_fields["type"].default for member in get_args(union)}


EXAMPLES: list[dict[str, Any]] = [c.model_dump(mode="json") for c in command_examples()]
"""Every command's example as the JSON object a client would send."""

FORM_EXAMPLE: dict[str, Any] = form().model_dump(mode="json")


# --- Planting values -------------------------------------------------------------------------

Path = tuple[str | int, ...]


MAX_PATH_DEPTH = 12
"""Places deeper than this are not visited (a planted value may be nested 10,000 deep)."""


def paths(value: Any) -> list[Path]:
    """Every place in a JSON value down to MAX_PATH_DEPTH (the root included), depth first."""
    found: list[Path] = []
    pending: list[tuple[Path, Any]] = [((), value)]
    while pending:
        at, item = pending.pop()
        found.append(at)
        if len(at) >= MAX_PATH_DEPTH:
            continue
        if isinstance(item, dict):
            pending.extend(((*at, key), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            pending.extend(
                ((*at, index), child) for index, child in reversed(list(enumerate(item)))
            )
    return found


def leaves(value: Any) -> list[Path]:
    """The places holding a scalar, but a command's ``type``."""
    return [p for p in paths(value) if p and p != ("type",) and not _is_container(get(value, p))]


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list)


def get(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def planted(value: Any, path: Path, new: Any) -> Any:
    """``value`` with ``new`` at ``path`` (the root, when path is empty); the containers on the
    path are copied, the rest is shared (a planted value may be too deep to copy)."""
    if not path:
        return new
    copied = copy.copy(value)
    copied[path[0]] = new if len(path) == 1 else planted(value[path[0]], path[1:], new)
    return copied


def removed(value: Any, path: Path) -> Any:
    """``value`` without the item at ``path`` (copied along the path)."""
    if len(path) == 1:
        copied = copy.copy(value)
        del copied[path[0]]
        return copied
    return planted(value, path[:1], removed(value[path[0]], path[1:]))


@st.composite
def mangled(draw: st.DrawFn, example: dict[str, Any]) -> Any:
    """``example`` with one to three places changed: set to a bad value, removed, or given an
    unexpected key; or its type swapped for another command's."""
    value: Any = example
    for _ in range(draw(st.integers(1, 3))):
        change = draw(st.sampled_from(["plant", "plant", "plant", "remove", "extra", "retype"]))
        at = draw(st.sampled_from(paths(value)))
        target = get(value, at)
        if change == "remove" and at:
            value = removed(value, at)
        elif change == "extra" and isinstance(target, dict):
            key = draw(any_text | st.sampled_from(INJECTIONS))
            value = planted(value, at, {**target, key: draw(absurd_scalars)})
        elif change == "retype" and isinstance(value, dict):
            new_type = draw(st.sampled_from(sorted(command_types())) | any_text)
            value = planted(value, ("type",), new_type)
        elif at == ("type",):
            # Not a deep value here: pydantic reports the repr of an unknown tag, and for a
            # list nested 1,000 deep it prints "Exception ignored" (RecursionError) to stderr
            # while it refuses the input; pytest counts that as a failure.
            value = planted(value, at, draw(absurd_scalars))
        else:
            value = planted(value, at, draw(bad_values))
    return value


any_command_input = st.sampled_from(EXAMPLES).flatmap(mangled) | json_ish
"""Any input a command parser may meet: valid commands spoilt in up to three places, or any
JSON-ish value at all."""


def _json_text(value: Any) -> bytes:
    # NaN and Infinity become the non-JSON tokens NaN and Infinity; lone surrogates become
    # \\ud800 escapes; anything JSON cannot hold becomes its repr, itself a string.
    try:
        return json.dumps(value, allow_nan=True, default=repr).encode()
    except (RecursionError, ValueError):  # nested too deep, or an int of 5,000 digits
        return b"[" * 10_000 + b"]" * 10_000


RAW_DOCUMENTS = (
    b"",
    b"\xff\xfe\x00",
    b"[" * 10_000 + b"]" * 10_000,
    b'{"type":' * 5_000,
    b'{"type":"RecommendConclusion","note":"\xff"}',
    b'{"type":"RecommendConclusion","note":"\\ud800"}',
    b'{"type":"RecommendConclusion","note":"a\\u0000b"}',
    b'{"type":"RecommendConclusion","note":"x"} trailing',
    b'\xef\xbb\xbf{"type":"MarkDecisionOverdue"}',
    b'{"type":"MarkAnnualReportOverdue","year":' + b"9" * 5_000 + b"}",
    b'{"type":"MarkAnnualReportOverdue","year":1e999999}',
    b'{"type":"MarkAnnualReportOverdue","year":-0}',
    b'{"type":"RecordRegisterEntryClosed","closed_on":"2026-02-30"}',
    b'{"type":"MarkDecisionOverdue","type":"LapseSigning"}',
)


@st.composite
def json_documents(draw: st.DrawFn, example_inputs: st.SearchStrategy[Any]) -> bytes:
    """A JSON document as it may arrive over the wire: spoilt commands encoded, raw byte
    strings, documents cut short or with a byte flipped."""
    kind = draw(st.sampled_from(["encoded", "encoded", "raw", "cut", "flipped", "binary"]))
    if kind == "raw":
        return draw(st.sampled_from(RAW_DOCUMENTS))
    if kind == "binary":
        return draw(st.binary(max_size=200))
    text = _json_text(draw(example_inputs))
    if kind == "cut" and text:
        return text[: draw(st.integers(0, len(text) - 1))]
    if kind == "flipped" and text:
        index = draw(st.integers(0, len(text) - 1))
        return text[:index] + bytes([draw(st.integers(0, 255))]) + text[index + 1 :]
    return text


# --- Typed absurd values: the command still parses ---------------------------------------------

_DECIMAL_TEXTS = st.sampled_from(
    ["0", "0.00", "-0", "0.01", "999999999999999.99", "1E+14", "0E-2000000", "5.000000000"]
) | st.decimals(min_value=0, max_value=Decimal("999999999999999.99"), places=2).map(str)
_INTS = st.sampled_from([0, 1, 2, 2003, 2026, 2027, 2100, 10_000, 10**7]) | st.integers(0, 10**7)
_RECORDABLE_TEXT = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=40
)
_TEXTS = st.one_of(
    st.sampled_from(INJECTIONS),
    st.sampled_from(INJECTIONS + UNRECORDABLE),
    _RECORDABLE_TEXT,
    st.sampled_from([200, 2_000, 5_000, 20_000]).map(_repeated("Ж")),
    LONG_TEXTS,
)
_WIDE_CHARACTERS = ("a", "ж", "中", "🙂", "\x01", '"')


def _is_date_text(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _is_decimal_text(value: str) -> bool:
    return value.replace(".", "", 1).isdigit() and "." in value


_CHOICES: dict[str, type[StrEnum]] = {
    member.value: vocabulary
    for vocabulary in (
        Authority,
        RefusalGround,
        TerminationGround,
        DeadlineKind,
        ReminderStage,
        Audience,
        GoodsCategory,
        FreeZoneOperation,
        ApplicantKind,
        PriorityArea,
    )
    for member in vocabulary
}


def typed_absurd(value: Any) -> st.SearchStrategy[Any]:
    """Absurd values of the same JSON type as ``value`` (dates for a date, amounts for an
    amount, any text for a text, another member for a choice...)."""
    if isinstance(value, str) and value in _CHOICES:
        return st.sampled_from([member.value for member in _CHOICES[value]])
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return _INTS
    if isinstance(value, str) and _is_date_text(value):
        return ABSURD_DATES.map(date.isoformat)
    if isinstance(value, str) and _is_decimal_text(value):
        return _DECIMAL_TEXTS
    if isinstance(value, str):
        return _TEXTS
    return st.just(value)


def hardest(value: Any) -> list[Any]:
    """The hardest values of the same JSON type as ``value``: for a text, characters the log
    cannot hold, the widest JSON escapes and injections; for a date, the first and the last
    day; for an amount, zero with two million places and the largest; for a count, the
    extremes; for a choice, every member."""
    if isinstance(value, str) and value in _CHOICES:
        return [member.value for member in _CHOICES[value]]
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [0, -1, 2**53, 10**7, 2**63]
    if isinstance(value, str) and _is_date_text(value):
        return ["0001-01-01", "9999-12-31", "2026-02-29"]
    if isinstance(value, str) and _is_decimal_text(value):
        return ["0E-2000000", "999999999999999.99", "-0", "1E+14", "0.001"]
    if isinstance(value, str):
        return [*UNRECORDABLE, INJECTIONS[0], INJECTIONS[3], "\x01" * 5_000, "🙂" * 200, ""]
    return []


@st.composite
def filled_list(draw: st.DrawFn) -> list[str]:
    """A list of texts filled up: up to 100 texts of up to 5,000 wide characters."""
    character = draw(st.sampled_from(_WIDE_CHARACTERS))
    return [character * draw(st.sampled_from([1_000, 5_000]))] * draw(st.sampled_from([1, 20, 100]))


@st.composite
def typed_command(draw: st.DrawFn) -> dict[str, Any]:
    """A valid command's JSON with one to three values changed into absurd ones of their type,
    or a list of texts filled to its limits."""
    value: dict[str, Any] = draw(st.sampled_from(EXAMPLES))
    for _ in range(draw(st.integers(1, 3))):
        places = leaves(value)
        if not places:
            break
        at = draw(st.sampled_from(places))
        parent = get(value, at[:-1])
        texts = isinstance(parent, list) and all(
            isinstance(item, str) and item not in _CHOICES for item in parent
        )
        if texts and draw(st.booleans()):
            value = planted(value, at[:-1], draw(filled_list()))
        else:
            value = planted(value, at, draw(typed_absurd(get(value, at))))
    return value


# --- For the event store ----------------------------------------------------------------------

RAW_PAYLOADS: tuple[Callable[[], Any], ...] = (
    lambda: {"float": 0.1},
    lambda: {"nan": float("nan")},
    lambda: {"inf": float("-inf")},
    lambda: {"big": 2**53},
    lambda: {"bigger": HUGE},
    lambda: {"edge": 2**53 - 1, "negative edge": -(2**53) + 1},
    lambda: {"bytes": b"\xff\xfe"},
    lambda: {b"\xff": "bytes key"},
    lambda: {1: "int key"},
    lambda: {"decimal": Decimal("1.50")},
    lambda: {"when": datetime(2026, 1, 1, tzinfo=UTC)},
    lambda: {"set": {1, 2}},
    lambda: {"deep list": nested(10_000, "list")},
    lambda: {"deep dict": nested(10_000, "dict")},
    lambda: {"nearly too deep": nested(30, "dict")},
    lambda: {"too deep": nested(32, "list")},
    lambda: {"huge": "x" * (1 << 20)},
    lambda: {"just fits": "x" * ((1 << 20) - 16)},
    lambda: {"just too big": "x" * ((1 << 20) - 15)},
    lambda: {"wide": "🙂" * 300_000},
    lambda: {"wide that fits": "🙂" * 250_000},
    lambda: {"escapes": "\x01" * 180_000},  # 6 bytes each in JSON: over 1 MiB
    lambda: {"escapes that fit": "\x01" * 170_000},
    lambda: {"nul": "\x00"},
    lambda: {"nul key\x00": 1},
    lambda: {"surrogate": "\ud800"},
    lambda: {"\udcff": "surrogate key"},
    lambda: {"non-utf-8": b"\xc3\x28".decode("utf-8", "surrogateescape")},
    lambda: {"\U0001f600": 1, "\ue000": 2, "a": 3},  # JCS key order differs from code points
    lambda: {"": "", "empty": {}, "list": [], "null": None, "bools": [True, False]},
)
"""Payloads made fresh on each call (they are mutable and some are large)."""


def store_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Strings for the store's text fields: injections, anything Python holds, long ones."""
    return st.sampled_from(INJECTIONS + UNRECORDABLE) | st.text(_CHARACTERS, max_size=max_size)


json_payloads = st.dictionaries(
    store_text(12),
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**60), 2**60)
        | store_text(20)
        | st.sampled_from([0.5, float("nan"), Decimal("1"), b"\x00"]),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(store_text(8), children, max_size=3)
        ),
        max_leaves=10,
    ),
    max_size=5,
)
"""Payloads of any shape with bad leaves here and there (small: for their number)."""

_ADMITTED_TEXT = st.sampled_from(INJECTIONS) | st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20
)
admitted_payloads = st.dictionaries(
    _ADMITTED_TEXT,
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53) + 1, 2**53 - 1)
        | _ADMITTED_TEXT
        | st.sampled_from(ABSURD_DATE_TEXTS),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(_ADMITTED_TEXT, children, max_size=3)
        ),
        max_leaves=10,
    ),
    max_size=5,
)
"""Payloads every rule admits, hostile only in their content: stored, they must come back."""

payloads = st.one_of(
    st.sampled_from(RAW_PAYLOADS).map(lambda make: make()), json_payloads, admitted_payloads
)

STREAM_IDS = (
    "agreement-'; DROP TABLE events;--",
    "agreement-<script>",
    "agreement-a\x00b",
    "agreement-\ud800",
    "agreement-",
    "agreement-" + "x" * 129,
    "Agreement-1",
    "account-1",
    "agreement--1",
    "agreement-1 ",
    "agreement-ａ",
    "zone-PIT",
    "agreement-1.2:3_4-5",
)

EVENT_TYPES = (
    "agreement.signed",
    "x" * 100,
    "x" * 101,
    "1agreement",
    "agreement signed",
    "agreement.signed'; DROP TABLE events;--",
    "app.models.AgreementSigned",
    "",
    "\x00",
    "\ud800",
)
