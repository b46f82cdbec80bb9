"""The domain's reasons in the reader's language: every code the domain can raise has a Russian
wording, the values its message carries fill it, the console shows it in Russian by default and
in English after switching, and the JSON API answers in Russian when asked."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.console.domain_messages import REASONS, _pattern, say_reason, say_text, translate
from api.console.i18n import Words
from api.errors import ApiError, install_error_handlers, prefers_russian
from domain.actors import Actor, Role
from domain.agreement.commands import (
    ApproveConclusion,
    RequestChanges,
    ResubmitApplication,
)
from domain.agreement.refusal import refusal_event
from domain.agreement.vocabulary import AmendmentStatus
from domain.errors import DeadlinePassed, InvalidTransition, NotPermitted
from domain.screening import screen_application
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack, application
from tests.console.console_client import csrf_of
from tests.domain.agreement.agreement_scenarios import (
    APPROVED_ON,
    APPROVER,
    PARTICIPANT,
    REVIEWER,
    RULES,
    SUBMITTED_ON,
    form,
    recommended,
    submitted,
)

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ERRORS = DOMAIN / "errors.py"
REASON_MAKERS = {"Finding"}  # screening's findings carry a code as the errors do
# Codes built from a value (``"amendment_not_" + status.value``), and every value they take.
DYNAMIC_CODES = {"amendment_not_": {f"amendment_not_{s.value}" for s in AmendmentStatus}}
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


# --- Reading the domain's source ---------------------------------------------------------------


def error_class_codes() -> dict[str, str]:
    """Each error class of domain/errors.py and its own ``code``."""
    codes = {}
    for node in ast.walk(ast.parse(ERRORS.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and statement.target.id == "code"
                    and isinstance(statement.value, ast.Constant)
                ) or (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.targets[0], ast.Name)
                    and statement.targets[0].id == "code"
                    and isinstance(statement.value, ast.Constant)
                ):
                    codes[node.name] = str(statement.value.value)
    return codes


def reason_calls() -> Iterator[tuple[str, ast.Call, Path]]:
    """Every construction of a domain error or a screening finding in domain/, by the name of
    what it constructs."""
    makers = {*error_class_codes(), *REASON_MAKERS}
    for path in sorted(DOMAIN.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in makers
            ):
                yield node.func.id, node, path


def codes_of(maker: str, call: ast.Call) -> set[str]:
    """The codes one construction can carry: its ``code=``, else its class's own."""
    code = next((k.value for k in call.keywords if k.arg == "code"), None)
    if code is None:
        return {error_class_codes()[maker]}
    if isinstance(code, ast.Constant):
        return {str(code.value)}
    if (
        isinstance(code, ast.BinOp)
        and isinstance(code.left, ast.Constant)
        and str(code.left.value) in DYNAMIC_CODES
    ):
        return DYNAMIC_CODES[str(code.left.value)]
    raise AssertionError(
        f"a code built at run time ({ast.unparse(code)}): list every value it takes in "
        "DYNAMIC_CODES of this test, and word each in api/console/domain_messages.py"
    )


def domain_codes() -> dict[str, str]:
    """Every code the domain can raise or find, with where."""
    found: dict[str, str] = {}
    for maker, call, path in reason_calls():
        for code in codes_of(maker, call):
            found.setdefault(code, f"{path.relative_to(DOMAIN.parent)}:{call.lineno}")
    return found


def sample_value(expression: ast.expr) -> str:
    """A value of the kind an f-string's expression gives: a date, a year, a BIN, a division,
    or any text (a wording reads anything else as text)."""
    text = ast.unparse(expression)
    if "isoformat" in text or text in {"end", "zone_end", "state.end_date"}:
        return "2027-03-31"
    if "year" in text or text.startswith("in_force["):
        return "2026"
    if "bin" in text or "'(none)'" in text or text == "info.value":
        return "940140000385"
    if text in {"division", "oked.division"}:
        return "12"
    return "sample"


def sample_messages(node: ast.expr) -> list[str]:
    """Every message an expression of constants, f-strings, ``+`` and ``x if c else y`` can
    make, with sample values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            else:
                assert isinstance(part, ast.FormattedValue)
                value = sample_value(part.value)
                text += repr(value) if part.conversion == ord("r") else value
        return [text]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pairs = itertools.product(sample_messages(node.left), sample_messages(node.right))
        return [left + right for left, right in pairs]
    if isinstance(node, ast.IfExp):
        return [*sample_messages(node.body), *sample_messages(node.orelse)]
    raise AssertionError(f"a message the test cannot read: {ast.unparse(node)}")


def message_of(call: ast.Call) -> ast.expr:
    keyword = next((k.value for k in call.keywords if k.arg == "message"), None)
    return keyword if keyword is not None else call.args[0]


# --- Completeness ------------------------------------------------------------------------------


def test_every_code_the_domain_can_raise_has_a_russian_wording() -> None:
    codes = domain_codes()
    assert len(codes) > 80  # the scan reads the domain, not nothing
    missing = {code: where for code, where in codes.items() if code not in REASONS}
    assert not missing, f"word these codes in api/console/domain_messages.py: {missing}"
    for code in codes:
        rule = REASONS[code]
        assert CYRILLIC.search(rule.general.ru), code
        assert rule.general.en, code
        assert "{" not in rule.general.ru, code  # the fallback carries no values
        for shape in rule.shapes:
            assert CYRILLIC.search(shape.ru), (code, shape)


def test_every_message_the_domain_writes_fits_a_wording_of_its_code() -> None:
    unworded = []
    for maker, call, path in reason_calls():
        for code in codes_of(maker, call):
            for message in sample_messages(message_of(call)):
                if translate(code, message) is None:
                    unworded.append((code, message, f"{path.name}:{call.lineno}"))
    assert not unworded, "no wording fits these messages: " + "\n".join(map(str, unworded))


def test_the_english_of_each_wording_is_the_domains_message_again() -> None:
    # Filled with the values read from a message, a shape's English gives the message back.
    for maker, call, _ in reason_calls():
        for code in codes_of(maker, call):
            for message in sample_messages(message_of(call)):
                for shape in REASONS[code].shapes:
                    found = _pattern(shape.en).fullmatch(message)
                    if found is not None:
                        assert shape.en.format(**found.groupdict()) == message
                        break


# --- Representative refusals, in Russian with their values ------------------------------------


def test_four_eyes_is_refused_in_russian_naming_the_reviewer() -> None:
    reviewer_as_approver = Actor(id=REVIEWER.id, role=Role.APPROVER)
    error = recommended().refused(
        ApproveConclusion(agreement_number="PIT-2026-001"),
        by=reviewer_as_approver,
        on=APPROVED_ON,
        error=NotPermitted,
        code="four_eyes",
    )

    said = say_reason("ru", error.code, error.message, error.field)

    assert said == (
        "решение по заявке не может принимать сотрудник, который ее рассматривал "
        "(reviewer-aigerim): принцип «четырех глаз»"
    )
    assert say_reason("en", error.code, error.message) == error.message


def test_tobacco_is_refused_under_reg_3_in_russian_with_the_division_and_rule_set() -> None:
    result = screen_application(form(oked_code="12.00"), RULES.in_force(SUBMITTED_ON), SUBMITTED_ON)
    (tobacco,) = [f for f in result.refusals if f.code == "oked_not_allowed"]

    said = Words("ru").reason(tobacco.code, tobacco.message, tobacco.field)

    assert said == (
        "ОКЭД 12.00: раздел 12 (производство табачных изделий) исключен из видов "
        "деятельности СЭЗ в обрабатывающей промышленности (пункт 3 Положения о СЭЗ; "
        "редакция правил decree-377-2016)"
    )
    assert "tobacco" in Words("en").reason(tobacco.code, tobacco.message, tobacco.field)


def test_a_resubmission_after_its_day_is_refused_in_russian_with_the_day() -> None:
    story = submitted()
    story.when(RequestChanges(items=("budget",)), by=REVIEWER, on=date(2026, 3, 17))
    due = story.state.resubmission_due
    assert due is not None
    error = story.refused(
        ResubmitApplication(form=form()),
        by=PARTICIPANT,
        on=date(2026, 6, 1),
        error=DeadlinePassed,
        code="deadline_passed",
    )

    said = say_reason("ru", error.code, error.message)

    assert said == (
        f"повторная подача заявки: срок — не позднее {due.on:%d.%m.%Y}, и этот день уже истек"
    )


def test_an_action_in_the_wrong_state_is_refused_in_russian_naming_both_states() -> None:
    story = submitted()
    command = ApproveConclusion(agreement_number="PIT-2026-001")
    error = story.refused(command, by=APPROVER, on=APPROVED_ON, error=InvalidTransition)
    # As the workflow records it, and the agreement screen lists it.
    recorded = refusal_event(command, error, story.context(APPROVER, APPROVED_ON))

    said = Words("ru").reason(recorded.code, recorded.message, recorded.field)

    assert said == (
        "действие «Утвердить заключение договора» невозможно при статусе «на рассмотрении»; "
        "оно допускается только при статусе: «рекомендована»"
    )
    assert Words("en").reason(recorded.code, recorded.message) == recorded.message


# --- Fallbacks ---------------------------------------------------------------------------------


def test_a_message_no_wording_fits_is_said_generally_with_its_field() -> None:
    said = say_reason("ru", "term_beyond_zone_end", "a wording nobody wrote yet", "end_date")
    assert said == (
        "срок не может истекать позднее окончания срока функционирования СЭЗ "
        "(поле «Дата окончания»)"
    )
    assert translate("term_beyond_zone_end", "a wording nobody wrote yet") is None


def test_a_code_without_a_wording_keeps_its_english_and_nothing_is_blank() -> None:
    assert say_reason("ru", "a_rule_of_tomorrow", "refused for a new reason") == (
        "refused for a new reason"
    )
    assert say_reason("ru", "a_rule_of_tomorrow", "") == "a_rule_of_tomorrow"
    assert say_reason("en", "four_eyes", "") == "another staff member decides: four-eyes principle"


def test_the_application_forms_joined_problems_are_said_one_by_one() -> None:
    joined = (
        "BIN 940146000380 belongs to an individual entrepreneur, not a legal entity; only a "
        "legal entity can be a participant; BIN 940146000380 is a peasant farm's; a peasant "
        "farm is not a legal entity"
    )
    assert say_text("ru", joined) == (
        "БИН 940146000380 принадлежит индивидуальному предпринимателю, а не юридическому "
        "лицу; участником СЭЗ может быть только юридическое лицо; БИН 940146000380 "
        "принадлежит крестьянскому (фермерскому) хозяйству, которое не является "
        "юридическим лицом"
    )
    assert say_text("ru", "String should have at least 2 characters") == (
        "String should have at least 2 characters"
    )
    assert say_text("en", joined) == joined


# --- The JSON API: English unless Russian is asked for ------------------------------------------


def test_accept_language_ranks_russian_and_english() -> None:
    assert prefers_russian("ru")
    assert prefers_russian("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")
    assert prefers_russian("kk, ru;q=0.8, en;q=0.5")
    assert not prefers_russian("")
    assert not prefers_russian("en, ru;q=0.9")
    assert not prefers_russian("ru;q=0, en")
    assert not prefers_russian("de")


async def test_the_json_error_answers_in_russian_only_when_asked() -> None:
    app = FastAPI()
    install_error_handlers(app)
    message = "approver-dana may not take the decision on an application they reviewed: " + (
        "four-eyes principle"
    )

    @app.post("/refused/{code}")
    async def refused(code: str) -> None:
        raise ApiError(409, code, message, legal_basis=["pit policy: four-eyes"])

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://pit.test"
    ) as client:
        english = await client.post("/refused/four_eyes")
        russian = await client.post("/refused/four_eyes", headers={"Accept-Language": "ru-RU"})
        unworded = await client.post("/refused/a_new_rule", headers={"Accept-Language": "ru"})

    assert english.json()["message"] == message
    assert "content-language" not in english.headers
    assert russian.status_code == 409
    assert russian.json() == {
        "code": "four_eyes",
        "message": "решение по заявке не может принимать сотрудник, который ее рассматривал "
        "(approver-dana): принцип «четырех глаз»",
        "field": None,
        "legal_basis": ["pit policy: four-eyes"],
    }
    assert russian.headers["content-language"] == "ru"
    assert unworded.json()["message"] == message


# --- The console over the real stack ----------------------------------------------------------

REFUSED_RU = (
    "действие «Рекомендовать заключение» невозможно при статусе «рекомендована»; "
    "оно допускается только при статусе: «на рассмотрении»"
)
REFUSED_EN = "RecommendConclusion is not possible while the matter is recommended"


@pytest.mark.postgres
async def test_a_reviewers_refused_action_reads_in_russian_then_in_english(
    stack: Stack, served: str
) -> None:
    agreement_id = await stack.apply(PARTICIPANT.id, {"form": application()})
    path = f"/agreements/{agreement_id}"
    async with httpx.AsyncClient(base_url=served) as reviewer:
        logged = await reviewer.post("/login", data={"login": REVIEWER.id, "password": STRONG})
        assert logged.status_code == 303, logged.text
        screen = await reviewer.get(path)
        recommend = f"{path}/act/RecommendConclusion"
        note = {"csrf_token": csrf_of(screen), "note": "Fits the zone: ICT, on the territory."}
        assert (await reviewer.post(recommend, data=note)).status_code == 303

        # Recommending twice: the workflow refuses and records it; the reason reads in Russian.
        again = await reviewer.post(recommend, data=note)
        assert again.status_code == 409, again.text[:500]
        refusal_box = again.text.split('class="refusal"', 1)[1].split("</section>", 1)[0]
        assert "invalid_transition" in refusal_box
        assert REFUSED_RU in refusal_box
        assert REFUSED_EN not in again.text

        # The refusals list reads the recorded event: Russian by default, English on request.
        russian = await reviewer.get(path)
        assert 'id="refused-h"' in russian.text
        assert REFUSED_RU in russian.text
        english = await reviewer.get(f"/lang/en?next={path}", follow_redirects=True)
        assert 'lang="en"' in english.text
        assert REFUSED_EN in english.text
        assert REFUSED_RU not in english.text

    # The JSON API keeps English, and says it in Russian when asked.
    asked = {**stack.as_(REVIEWER.id), "Accept-Language": "ru"}
    body = {"note": "once more"}
    json_path = f"/api/agreements/{agreement_id}/actions/RecommendConclusion"
    answered = await stack.http.post(json_path, headers=asked, json=body)
    assert answered.status_code == 409
    assert answered.json()["message"] == REFUSED_RU
    plain = await stack.http.post(json_path, headers=stack.as_(REVIEWER.id), json=body)
    assert plain.json()["message"].startswith(REFUSED_EN)
