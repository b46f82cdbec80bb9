"""The domain's reasons in Russian and English, by each rule's stable code.

The domain words its refusals and screening findings in English (``DomainError.message``,
``Finding.message``), and the events keep those words (``ActionRefused.message``). A person reads
them here in their language: each code has the shapes its English message takes, each a
:class:`Wording` whose ``en`` is the message itself with ``{placeholders}`` where it carries
values, and whose ``ru`` says the same in the register of the Decree's Russian text. The values
are read back from the English message (the only place a stored event or an API error keeps
them), and made Russian by their placeholder's name:

========================  ==============================================================
``day``, ``day2``          an ISO date, written ``31.03.2027``
``status``, ``statuses``   the agreement's status (or a comma list), in the console's words
``command``                a command's type, as the console names its action
``role``, ``roles``        an actor's role (or a comma list)
``what``                   the act a deadline is for (``the resubmission``)
``division``, ``section``  an OKED division (with its Russian name where known), a section
``...``                    see ``_CONVERTERS``; any other name is shown as it is
========================  ==============================================================

A message that fits none of its code's shapes is said by the code's ``general`` wording, which
carries no values, with the field at fault; a code with no wording at all keeps its English
message. Never a blank. tests/console/test_domain_messages.py fails when the domain raises a
code this module does not word.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from activities.mail_wording import DEADLINES, TERMINATION_GROUNDS, Wording
from api.console.i18n import COMMANDS, REPORT_STATUSES, ROLES, STATUSES, UI, Language

W = Wording


@dataclass(frozen=True)
class RuleWording:
    """How one rule's reason reads: each shape of its English message, and a general wording
    without values for a message that fits none of them."""

    general: Wording
    shapes: tuple[Wording, ...] = ()


def _rule(*shapes: Wording, general: Wording | None = None) -> RuleWording:
    """A rule's wording; without ``general``, its first shape that carries no values."""
    if general is None:
        general = next(s for s in shapes if not _placeholders(s.en))
    return RuleWording(general=general, shapes=shapes)


def _exact(ru: str, en: str) -> RuleWording:
    """A rule whose message carries no values: one shape, which is also its general wording."""
    return _rule(W(ru, en))


# --- Words for the values a message carries --------------------------------------------------

_AMENDMENT_STATUSES = {
    "proposed": "предложено",
    "approved": "утверждено",
    "signed": "подписано",
    "rejected": "отклонено",
    "lapsed": "утратило силу",
}
_DECLARATION_STATUSES = {
    "declared": "подана",
    "confirmed": "подтверждена",
    "rejected": "отклонена",
}
# The government bodies, in the genitive: "уведомление уполномоченного органа".
_AUTHORITIES = {
    "authorized body": "уполномоченного органа",
    "tax authority": "органа государственных доходов",
}
# The act a deadline is for, as guards.require_in_time / require_passed name it.
_ACTS = {
    "the resubmission": "повторная подача заявки",
    "the signature": "подписание договора",
    "the signatures": "подписание договора сторонами",
    "the signature of the amendment": "подписание дополнительного соглашения",
    "the decision": "решение по заявке",
    "the cure": "устранение нарушения",
}
_ACTS_ON_A_YEAR = (
    (re.compile(r"the report on (\d{4})"), "представление годового отчета за {} год"),
    (
        re.compile(r"the escalation of the report on (\d{4})"),
        "эскалация просроченного годового отчета за {} год",
    ),
)
# BIN digit 6, in the dative: "БИН принадлежит филиалу".
_OFFICES = {
    "branch": "филиалу",
    "representative office": "представительству",
    "peasant farm": "крестьянскому (фермерскому) хозяйству",
}
_APPLICANT_KINDS = {
    "university": "высшее учебное заведение",
    "research institute": "научно-исследовательский институт",
}
# The priority technology areas in the words of Reg. §2.1.
_AREAS = {
    "ict": "информационно-коммуникационные технологии",
    "telecommunications": "технологии в сфере телекоммуникаций и связи",
    "electronics_and_instrument_making": "электроника и приборостроение",
    "renewable_energy_and_resource_saving": "возобновляемые источники энергии, "
    "ресурсосбережение и эффективное природопользование",
    "materials": "технологии в сфере создания и применения материалов различного назначения",
    "oil_and_gas_technologies": "технологии в сфере добычи, транспортировки и переработки "
    "нефти и газа",
}
# OKED divisions the reasons name most: the manufacturing exceptions in the words of Reg. §3,
# the often excisable ones, and those of ICT and construction.
_DIVISIONS = {
    "10": "производство продуктов питания",
    "11": "производство напитков",
    "12": "производство табачных изделий",
    "13": "производство текстильных изделий",
    "14": "производство одежды",
    "16": "производство деревянных и пробковых изделий, кроме мебели; производство изделий "
    "из соломки и материалов для плетения",
    "19": "производство кокса и продуктов нефтепереработки",
    "20": "производство продуктов химической промышленности",
    "24": "металлургическая промышленность",
    "26": "производство компьютеров, электронной и оптической продукции",
    "29": "производство автотранспортных средств",
    "31": "производство мебели",
    "33": "ремонт и установка машин и оборудования",
    "41": "строительство зданий",
    "42": "гражданское строительство",
    "43": "специализированные строительные работы",
    "58": "издательская деятельность",
    "61": "телекоммуникации",
    "62": "компьютерное программирование, консультационные и другие сопутствующие услуги",
    "63": "деятельность в области информационного обслуживания",
    "72": "научные исследования и разработки",
}
_SECTIONS = {
    "A": "сельское, лесное и рыбное хозяйство",
    "B": "горнодобывающая промышленность и разработка карьеров",
    "C": "обрабатывающая промышленность",
    "D": "электроснабжение, подача газа, пара и воздушное кондиционирование",
    "E": "водоснабжение; водоотведение, контроль над сбором и распределением отходов",
    "F": "строительство",
    "G": "оптовая и розничная торговля; ремонт автомобилей и мотоциклов",
    "H": "транспорт и складирование",
    "I": "услуги по проживанию и питанию",
    "J": "информация и связь",
    "K": "финансовая и страховая деятельность",
    "L": "операции с недвижимым имуществом",
    "M": "профессиональная, научная и техническая деятельность",
    "N": "деятельность в области административного и вспомогательного обслуживания",
    "O": "государственное управление и оборона; обязательное социальное обеспечение",
    "P": "образование",
    "Q": "здравоохранение и социальные услуги",
    "R": "искусство, развлечения и отдых",
    "S": "предоставление прочих видов услуг",
    "T": "деятельность домашних хозяйств как работодателей",
    "U": "деятельность экстерриториальных организаций и органов",
}


def _quoted(text: str) -> str:
    return f"«{text}»"


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value


def _status(value: str) -> str:
    wording = STATUSES.get(value)
    return _quoted(wording.ru if wording else value)


def _listed(one: Callable[[str], str]) -> Callable[[str], str]:
    def each(value: str) -> str:
        return ", ".join(one(part.strip()) for part in value.split(",") if part.strip())

    return each


def _command(value: str) -> str:
    wording = COMMANDS.get(value)
    return _quoted(wording.ru if wording else value)


def _role(value: str) -> str:
    if value == "nobody":
        return "никого"
    wording = ROLES.get(value)
    return _quoted(wording.ru if wording else value)


def _act(value: str) -> str:
    if value in _ACTS:
        return _ACTS[value]
    for pattern, wording in _ACTS_ON_A_YEAR:
        if found := pattern.fullmatch(value):
            return wording.format(found[1])
    return value


def _division(value: str) -> str:
    name = _DIVISIONS.get(value)
    return f"{value} ({name})" if name else value


def _section(value: str) -> str:
    name = _SECTIONS.get(value)
    return f"{value} ({name})" if name else value


def _ground(value: str) -> str:
    wording = TERMINATION_GROUNDS.get(value.replace(" ", "_"))
    return _quoted(wording.ru if wording else value)


def _deadline(value: str) -> str:
    wording = DEADLINES.get(value)
    if wording is None or wording.needs_related_id:
        return _quoted(value)
    return wording.ru


def _report_status(value: str) -> str:
    wording = REPORT_STATUSES.get(value)
    return wording.ru if wording else value


def _from(table: Mapping[str, str]) -> Callable[[str], str]:
    return lambda value: table.get(value, value)


def _bin(value: str) -> str:
    return "(не указан)" if value in ("(none)", "-") else value


def _years(value: str) -> str:
    return value.strip("[]")


_CONVERTERS: dict[str, Callable[[str], str]] = {
    "day": _day,
    "status": _status,
    "statuses": _listed(_status),
    "command": _command,
    "role": _role,
    "roles": _listed(_role),
    "what": _act,
    "division": _division,
    "section": _section,
    "ground": _ground,
    "grounds": _listed(_ground),
    "deadline": _deadline,
    "report_status": _report_status,
    "amendment_status": _from(_AMENDMENT_STATUSES),
    "declaration_status": _from(_DECLARATION_STATUSES),
    "authority": _from(_AUTHORITIES),
    "office": _from(_OFFICES),
    "applicant_kind": _from(_APPLICANT_KINDS),
    "area": lambda value: _quoted(_AREAS.get(value, value)),
    "bin": _bin,
    "years": _years,
}
# What each value looks like in the English message; anything else is any text.
_VALUE_PATTERNS = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "year": r"\d{4}",
    "division": r"\d{2}",
    "bin": r"\d{12}|\(none\)|-|None",
}


def _base(name: str) -> str:
    """``day2`` is a ``day``: a second value of the same kind in one message."""
    return name.rstrip("0123456789")


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """The regular expression of an English template: its text, and a named group for each
    placeholder (a placeholder used twice must hold the same value twice)."""
    parts: list[str] = []
    seen: set[str] = set()
    for text, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(text))
        if not name:
            continue
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(f"(?P<{name}>{_VALUE_PATTERNS.get(_base(name), '.+?')})")
    return re.compile("".join(parts), re.DOTALL)


# --- The rules' wordings ---------------------------------------------------------------------

_LIFECYCLE = "действие невозможно при текущем статусе заявки или договора"
_FOUR_EYES = "принцип «четырех глаз»"

REASONS: dict[str, RuleWording] = {
    # --- who may act: roles, the participant's own BIN, four-eyes -------------------------
    "role_not_permitted": _rule(
        W(
            "роль {role} не дает права на действие {command}; оно допускается для: {roles}",
            "a {role} may not {command}; allowed: {roles}",
        ),
        W("роль {role} не дает права на действие {command}", "a {role} may not {command}"),
        general=W("ваша роль не дает права на это действие", "your role may not do this"),
    ),
    "not_own_agreement": _rule(
        W(
            "{actor} действует от имени БИН {bin} и не вправе совершать действия по заявке "
            "или договору БИН {bin2}",
            "{actor} acts for BIN {bin} and may not act on the application or agreement of "
            "BIN {bin2}",
        ),
        W(
            "{actor} подает заявки только от имени БИН {bin}, а не {bin2}",
            "{actor} applies for BIN {bin} only, not {bin2}",
        ),
        W(
            "{actor} действует от имени БИН {bin}: заявка подается только от его имени",
            "{actor}: BIN {bin}",
        ),
        general=W(
            "участник СЭЗ вправе действовать только по своей заявке или своему договору",
            "a participant acts on its own application or agreement only",
        ),
    ),
    "four_eyes": _rule(
        W(
            "решение по заявке не может принимать сотрудник, который ее рассматривал "
            f"({{actor}}): {_FOUR_EYES}",
            "{actor} may not take the decision on an application they reviewed: "
            "four-eyes principle",
        ),
        W(
            "утверждать дополнительное соглашение не может сотрудник, который его предложил "
            f"({{actor}}): {_FOUR_EYES}",
            "{actor} may not take the approval of an amendment they proposed: four-eyes principle",
        ),
        W(
            "утверждать расторжение договора не может сотрудник, который его предложил "
            f"({{actor}}): {_FOUR_EYES}",
            "{actor} may not take the approval of a termination they proposed: four-eyes principle",
        ),
        W(
            f"{{actor}} не может принимать это решение: {_FOUR_EYES}",
            "{actor} may not take {matter}: four-eyes principle",
        ),
        general=W(
            f"решение принимает другой сотрудник: {_FOUR_EYES}",
            "another staff member decides: four-eyes principle",
        ),
    ),
    # --- the lifecycle: the state a command needs -------------------------------------------
    "invalid_transition": _rule(
        W(
            "действие {command} невозможно при статусе {status}; оно допускается только при "
            "статусе: {statuses}",
            "{command} is not possible while the matter is {status} (only while {statuses})",
        ),
        W("договор об осуществлении деятельности не заключен", "the agreement is not concluded"),
        W(
            "для дополнительного соглашения не установлен срок подписания",
            "the amendment has no signing day",
        ),
        W("повторная подача заявки не ожидается", "no resubmission is due"),
        W("дела, к которому можно добавить отметку, еще нет", "there is no record to annotate yet"),
        W("напоминать пока не о чем", "there is nothing to remind of yet"),
        W("нет заявки, ожидающей решения", "no application awaits a decision"),
        W("нет заявки для принятия решения", "no application to decide"),
        W(
            "нет утвержденных условий для заключения договора",
            "no approved terms to conclude on",
        ),
        W("подписания ничто не ожидает", "nothing awaits signature"),
        general=W(_LIFECYCLE, "not possible in the current status"),
    ),
    "record_final": _rule(
        W(
            "дело закрыто (статус {status}): в него вносятся только отметки аудитора",
            "the record is final ({status}): only audit annotations may follow",
        ),
        general=W(
            "дело закрыто: в него вносятся только отметки аудитора",
            "the record is final: only audit annotations may follow",
        ),
    ),
    "deadline_passed": _rule(
        W(
            "{what}: срок — не позднее {day}, и этот день уже истек",
            "{what} was due by {day}; that day is over",
        ),
        general=W("срок для этого действия истек", "the deadline for this has passed"),
    ),
    "deadline_not_passed": _rule(
        W(
            "{what}: срок — не позднее {day}, и он еще не истек",
            "{what} is due by {day}, which is not over yet",
        ),
        general=W("срок для этого действия еще не истек", "the deadline is not over yet"),
    ),
    "duplicate_id": _rule(
        W(
            "значение «{value}» поля {field} уже использовано",
            "{field} '{value}' is taken already",
        ),
        general=W("этот номер уже использован", "this id is taken already"),
    ),
    "date_in_future": _rule(
        W(
            "дата {day} (поле {field}) позже сегодняшней ({day2})",
            "{field} {day} is after today, {day2}",
        ),
        general=W("дата не может быть позже сегодняшней", "the date is after today"),
    ),
    # --- the term and the zone's end [Decree item 1] ------------------------------------
    "term_beyond_zone_end": _rule(
        W(
            "срок договора истекал бы {day}, то есть после окончания срока функционирования "
            "СЭЗ {day2} (редакция правил {version})",
            "the term would end on {day}, after the zone's end on {day2} (rule set {version})",
        ),
        W(
            "запрошенный срок истекает {day}, то есть после окончания срока функционирования "
            "СЭЗ {day2}",
            "the requested term ends on {day}, after the zone's end on {day2}",
        ),
        general=W(
            "срок не может истекать позднее окончания срока функционирования СЭЗ",
            "the term may not end after the zone's end",
        ),
    ),
    "term_empty": _rule(
        W(
            "срок должен истекать позднее даты его начала ({day})",
            "the term must end after it starts ({day})",
        ),
        W("срок должен истекать позднее даты его начала", "the term must end after it starts"),
    ),
    "term_already_over": _rule(
        W(
            "срок истекал бы {day}, то есть не позднее сегодняшнего дня",
            "the term would end on {day}, which is not after today",
        ),
        W(
            "запрошенный срок истекает {day}, не позднее дня проверки заявки: согласовывать нечего",
            "the requested term ends on {day}, which is not after the day of screening: "
            "nothing of it is left to agree",
        ),
        general=W("срок уже истек", "the term is already over"),
    ),
    "obligation_years": _rule(
        W("каждый год указывается только один раз", "each year may appear only once"),
        W(
            "обязательства за {years} выходят за пределы срока {year}–{year2} (срок истекает "
            "{day})",
            "obligations for {years} fall outside the term {year}-{year2} (it ends on {day})",
        ),
        general=W(
            "годы обязательств должны быть в пределах срока, каждый — один раз",
            "the obligations' years must fall within the term, each once",
        ),
    ),
    # --- application and review -------------------------------------------------------------
    "bin_changed": _rule(
        W(
            "при повторной подаче заявки БИН заявителя не меняется: {bin}",
            "a resubmission keeps the applicant's BIN {bin}",
        ),
        general=W(
            "при повторной подаче заявки БИН заявителя не меняется",
            "a resubmission keeps the applicant's BIN",
        ),
    ),
    "already_recorded": _rule(
        W(
            "просрочка решения по заявке уже зафиксирована",
            "the decision is already recorded as overdue",
        ),
        W(
            "запись в реестре уже внесена (№ {number})",
            "the register entry is recorded already ({number})",
        ),
        general=W("это уже зафиксировано", "this is recorded already"),
    ),
    "already_signed": _exact("эта сторона уже подписала договор", "this party has signed already"),
    # --- annual reports -----------------------------------------------------------------------
    "unknown_report": _rule(
        W("годовой отчет «{id}» не найден", "no annual report '{id}'"),
        general=W("годовой отчет не найден", "no such annual report"),
    ),
    "year_not_in_term": _rule(
        W(
            "годовой отчет за {year} год не представляется: в этом году договор не действовал",
            "the agreement owes no annual report on {year}: it was not in force that year",
        ),
        general=W(
            "за этот год годовой отчет не представляется: договор не действовал",
            "no annual report is owed on that year",
        ),
    ),
    "actuals_year_mismatch": _rule(
        W(
            "фактические показатели указаны за {year} год, а отчет — за {year2} год",
            "the actuals are for {year}, the report is on {year2}",
        ),
        general=W(
            "год фактических показателей не совпадает с годом отчета",
            "the actuals' year is not the report's",
        ),
    ),
    "year_not_over": _rule(
        W(
            "годовой отчет за {year} год можно представить только по окончании этого года",
            "the report on {year} can be submitted once the year is over",
        ),
        general=W(
            "годовой отчет представляется по окончании отчетного года",
            "a report is submitted once its year is over",
        ),
    ),
    "report_already_submitted": _rule(
        W(
            "годовой отчет за {year} год уже {report_status}: представьте исправленный отчет",
            "the report on {year} is {report_status} already: resubmit it corrected",
        ),
        W(
            "годовой отчет за {year} год уже {report_status}",
            "the report on {year} is {report_status} already",
        ),
        general=W("годовой отчет уже представлен", "the report is submitted already"),
    ),
    "report_not_returned": _rule(
        W(
            "годовой отчет за {year} год {report_status}, а не возвращен на доработку",
            "the report on {year} is {report_status}, not returned",
        ),
        general=W("годовой отчет не возвращался на доработку", "the report is not returned"),
    ),
    "report_not_submitted": _rule(
        W(
            "годовой отчет за {year} год {report_status} и не ожидает рассмотрения",
            "the report on {year} is {report_status}, not awaiting review",
        ),
        general=W("годовой отчет не ожидает рассмотрения", "the report is not awaiting review"),
    ),
    "report_not_awaited": _rule(
        W(
            "годовой отчет за {year} год не ожидается или уже признан просроченным",
            "the report on {year} is not awaited, or is overdue already",
        ),
        general=W(
            "годовой отчет не ожидается или уже признан просроченным",
            "the report is not awaited, or is overdue already",
        ),
    ),
    "report_not_overdue": _rule(
        W(
            "годовой отчет за {year} год не просрочен или уже передан на эскалацию",
            "the report on {year} is not overdue, or is escalated already",
        ),
        general=W(
            "годовой отчет не просрочен или уже передан на эскалацию",
            "the report is not overdue, or is escalated already",
        ),
    ),
    # --- notices and the register ---------------------------------------------------------
    "no_notice_due": _rule(
        W(
            "уведомление {authority} не ожидается",
            "no notice to the {authority} is outstanding",
        ),
        general=W("уведомление государственного органа не ожидается", "no notice is outstanding"),
    ),
    "no_notice_to_issue": _rule(
        W(
            "нет уведомления {authority}, ожидающего направления",
            "no notice to the {authority} waits to be issued",
        ),
        general=W(
            "нет уведомления государственного органа, ожидающего направления",
            "no notice waits to be issued",
        ),
    ),
    "entry_before_conclusion": _rule(
        W(
            "запись в реестре не может предшествовать заключению договора {day}",
            "the entry cannot precede the conclusion on {day}",
        ),
        general=W(
            "запись в реестре не может предшествовать заключению договора",
            "the entry cannot precede the conclusion",
        ),
    ),
    "visit_before_conclusion": _rule(
        W(
            "выезд на объект не может предшествовать заключению договора {day}",
            "the visit cannot precede the conclusion on {day}",
        ),
        general=W(
            "выезд на объект не может предшествовать заключению договора",
            "the visit cannot precede the conclusion",
        ),
    ),
    "no_register_entry": _exact(
        "нет записи в реестре, ожидающей исключения", "no register entry awaits closure"
    ),
    "closure_before_termination": _rule(
        W(
            "запись в реестре не может быть закрыта ранее прекращения договора {day}",
            "the entry cannot close before the termination on {day}",
        ),
        general=W(
            "запись в реестре не может быть закрыта ранее прекращения договора",
            "the entry cannot close before the termination",
        ),
    ),
    # --- monitoring and breach [Reg. §9.10] -----------------------------------------------
    "no_breach_ground": _exact(
        "для уведомления о нарушении условий договора нужно основание: невыполнение "
        "обязательств, выездная проверка, установившая невыполнение условий договора, или "
        "годовой отчет, просроченный сверх срока эскалации; открытых оснований нет",
        "a breach notice needs a ground: an obligation shortfall, a site visit that found the "
        "terms unmet, or a report overdue past escalation; there is none open",
    ),
    "unknown_notice": _rule(
        W(
            "нет открытого уведомления о нарушении «{id}»",
            "no open breach notice '{id}'",
        ),
        general=W("нет такого открытого уведомления о нарушении", "no such open breach notice"),
    ),
    # --- amendments ---------------------------------------------------------------------------
    "amendment_pending": _rule(
        W(
            "на рассмотрении уже находится дополнительное соглашение {id}; сначала примите по "
            "нему решение",
            "amendment {id} is pending; settle it first",
        ),
        general=W(
            "на рассмотрении уже находится другое дополнительное соглашение",
            "another amendment is pending",
        ),
    ),
    "empty_amendment": _exact(
        "дополнительное соглашение изменяет дату окончания срока, обязательства или и то и другое",
        "an amendment changes the end date, the obligations, or both",
    ),
    "unknown_amendment": _rule(
        W("дополнительное соглашение «{id}» не найдено", "no amendment '{id}'"),
        general=W("дополнительное соглашение не найдено", "no such amendment"),
    ),
    # --- termination ----------------------------------------------------------------------
    "ground_not_proposable": _rule(
        W(
            "сотрудники предлагают расторжение только по основаниям: {grounds}; основание "
            "{ground} возникает по инициативе участника, из уведомления о нарушении или "
            "автоматически",
            "staff propose termination on {grounds}; {ground} comes from the participant, a "
            "breach notice or the system",
        ),
        general=W(
            "по этому основанию сотрудники не предлагают расторжение",
            "staff do not propose termination on this ground",
        ),
    ),
    "reference_required": _rule(
        W(
            "при расторжении по основанию {ground} указываются реквизиты подтверждающего документа",
            "termination for {ground} names its record",
        ),
        general=W(
            "укажите реквизиты документа, подтверждающего основание расторжения",
            "the termination names its record",
        ),
    ),
    "unknown_termination": _rule(
        W("расторжение «{id}» не предлагалось", "no termination '{id}' is proposed"),
        general=W("такое расторжение не предлагалось", "no such termination is proposed"),
    ),
    "consent_not_awaited": _exact(
        "согласие участника ожидается только на расторжение по соглашению сторон и дается один раз",
        "only a termination by mutual consent awaits the participant's consent, once",
    ),
    "consent_missing": _exact(
        "для расторжения по соглашению сторон сначала требуется согласие участника",
        "termination by mutual consent needs the participant's consent first",
    ),
    "term_not_over": _rule(
        W("договор действует до {day}", "the agreement is in force until {day}"),
        general=W("срок действия договора еще не истек", "the agreement's term is not over"),
    ),
    "zone_not_ended": _rule(
        W(
            "СЭЗ создана на период до {day} (редакция правил {version})",
            "the zone exists until {day} (rule set {version})",
        ),
        general=W("срок функционирования СЭЗ еще не истек", "the zone has not ended"),
    ),
    # --- free customs zone goods [Reg. §9.9, §13] -----------------------------------------
    "excisable_goods_for_processing": _exact(
        "подакцизные товары не помещаются под таможенный режим свободной таможенной зоны для "
        "переработки",
        "excisable goods may not be placed under the free customs zone regime for processing",
    ),
    "unknown_declaration": _rule(
        W("декларация «{id}» не найдена", "no declaration '{id}'"),
        general=W("декларация не найдена", "no such declaration"),
    ),
    "declaration_settled": _rule(
        W(
            "декларация {id} уже {declaration_status}",
            "declaration {id} is {declaration_status} already",
        ),
        general=W("по декларации уже принято решение", "the declaration is settled already"),
    ),
    # --- reminders and audit ----------------------------------------------------------------
    "recipient_required": _exact(
        "в напоминании сотрудникам указывается получатель",
        "a staff reminder names its recipient",
    ),
    "due_on_required": _exact(
        "при эскалации указывается день истекшего срока",
        "an escalation names the day of the deadline that passed",
    ),
    "due_on_mismatch": _rule(
        W("срок ({deadline}) истекает {day}", "the {deadline} deadline is due on {day}"),
        general=W("указан не тот день срока", "the deadline's day differs"),
    ),
    "no_open_deadline": _rule(
        W("нет открытого срока: {deadline}", "no {deadline} deadline is open for {related}"),
        general=W("нет такого открытого срока", "no such deadline is open"),
    ),
    "unknown_version": _rule(
        W(
            "событий в деле: {count}; версии {version} нет",
            "the record has {count} events; there is no version {version}",
        ),
        general=W("такой версии дела нет", "no such version of the record"),
    ),
    # --- screening: the applicant [Law Art. 1(4)] --------------------------------------------
    "invalid_bin": _rule(
        W(
            "недействительный БИН: БИН состоит ровно из 12 цифр",
            "invalid BIN: a BIN has exactly 12 digits",
        ),
        W(
            "недействительный БИН: 3-я и 4-я цифры — месяц регистрации (01–12), а не {digits}",
            "invalid BIN: digits 3-4 are the month of registration, 01-12, not {digits}",
        ),
        W(
            "недействительный БИН: 5-я цифра — тип лица (4, 5 или 6), а не {digit}",
            "invalid BIN: digit 5 is the entity type, 4, 5 or 6, not {digit}",
        ),
        W(
            "недействительный БИН: 6-я цифра — признак подразделения (от 0 до 3), а не {digit}",
            "invalid BIN: digit 6 is the office kind, 0 to 3, not {digit}",
        ),
        W(
            "недействительный БИН: для этих цифр допустимой контрольной цифры нет (обе "
            "взвешенные суммы дают 10)",
            "invalid BIN: no check digit is valid for these digits (both weighted sums give 10)",
        ),
        W(
            "недействительный БИН: контрольная цифра — {digit}, а должна быть {digit2}",
            "invalid BIN: the check digit is {digit}, it should be {digit2}",
        ),
        W("недействительный БИН: {reason}", "invalid BIN: {reason}"),
        general=W("недействительный БИН", "invalid BIN"),
    ),
    "bin_not_legal_entity": _rule(
        W(
            "БИН {bin} принадлежит индивидуальному предпринимателю, а не юридическому лицу; "
            "участником СЭЗ может быть только юридическое лицо",
            "BIN {bin} belongs to an individual entrepreneur, not a legal entity; only a legal "
            "entity can be a participant",
        ),
        general=W(
            "участником СЭЗ может быть только юридическое лицо",
            "only a legal entity can be a participant",
        ),
    ),
    "bin_not_head_office": _rule(
        W(
            "БИН {bin} принадлежит крестьянскому (фермерскому) хозяйству, которое не является "
            "юридическим лицом",
            "BIN {bin} is a peasant farm's; a peasant farm is not a legal entity",
        ),
        W(
            "БИН {bin} принадлежит {office}: это не самостоятельное юридическое лицо, заявку "
            "подает головное подразделение юридического лица",
            "BIN {bin} is a {office}'s; it is not a legal entity of its own: the legal "
            "entity's head office must apply",
        ),
        W(
            "БИН {bin} принадлежит {office}; заявку подает головное подразделение юридического "
            "лица",
            "BIN {bin} is a {office}'s; {remedy}",
        ),
        general=W(
            "заявку подает головное подразделение юридического лица",
            "the legal entity's head office must apply",
        ),
    ),
    "non_resident_legal_entity": _exact(
        "заявитель — юридическое лицо-нерезидент: проверьте его регистрацию в Республике Казахстан",
        "the applicant is a non-resident legal entity: check its registration in Kazakhstan",
    ),
    "education_or_research_applicant": _rule(
        W(
            "заявитель — {applicant_kind}: в СЭЗ для таких организаций создаются благоприятные "
            "условия, но их деятельность также должна соответствовать видам деятельности СЭЗ",
            "a {applicant_kind} is welcome in the zone; its activities follow the zone's "
            "activity types all the same",
        ),
        general=W(
            "деятельность вузов и научных организаций также должна соответствовать видам "
            "деятельности СЭЗ",
            "universities and institutes follow the zone's activity types too",
        ),
    ),
    # --- screening: the activity [Reg. §2.1, §3, §6] ---------------------------------------
    "invalid_oked": _rule(
        W(
            "код ОКЭД «{code}» записан неверно: ожидается двузначный раздел, при необходимости "
            "с группой, классом и подклассом, например 62, 62.01 или 62.01.0",
            "OKED code '{code}' is malformed: expected a 2-digit division, optionally with "
            "group/class and subclass, e.g. 62, 62.01 or 62.01.0",
        ),
        W(
            "код ОКЭД «{code}»: раздела {division} не существует",
            "OKED code '{code}': division {division} does not exist",
        ),
        general=W("неверный код ОКЭД", "invalid OKED code"),
    ),
    "oked_not_allowed": _rule(
        W(
            "ОКЭД {code}: раздел {division} исключен из видов деятельности СЭЗ в "
            "обрабатывающей промышленности (пункт 3 Положения о СЭЗ; редакция правил {version})",
            "OKED {code}: division {division} ({title}) is excluded from manufacturing "
            "({exception}) under Reg. §3 (rule set {version})",
        ),
        W(
            "ОКЭД {code}: раздел {division} относится к строительству, которое данная "
            "редакция Положения о СЭЗ не предусматривает (пункт 3 Положения; редакция правил "
            "{version})",
            "OKED {code}: division {division} ({title}) is construction, which this version of "
            "the Regulation does not allow under Reg. §3 (rule set {version})",
        ),
        W(
            "ОКЭД {code}: раздел {division}, секция {section}, не относится к видам "
            "деятельности СЭЗ, установленным пунктом 3 Положения о СЭЗ (редакция правил "
            "{version})",
            "OKED {code}: division {division} ({title}) (section {section}, {section_title}) "
            "is not one of the zone's activity types under Reg. §3 (rule set {version})",
        ),
        W(
            "ОКЭД {code}: раздел {division} не относится к видам деятельности СЭЗ, "
            "установленным пунктом 3 Положения о СЭЗ (редакция правил {version})",
            "OKED {code}: division {division} ({title}) {why} under Reg. §3 (rule set {version})",
        ),
        general=W(
            "вид деятельности не относится к видам деятельности СЭЗ (пункт 3 Положения о СЭЗ)",
            "the activity is not one of the zone's activity types (Reg. §3)",
        ),
    ),
    "construction_only_for_zone_activities": _exact(
        "строительство допускается только в отношении объектов, предназначенных "
        "непосредственно для осуществления видов деятельности СЭЗ (обрабатывающая "
        "промышленность, информация и связь, профессиональная, научная и техническая "
        "деятельность), в пределах проектно-сметной документации",
        "construction is allowed only for facilities meant directly for the zone's "
        "manufacturing, ICT and professional, scientific and technical activities, within the "
        "design estimates",
    ),
    "excisable_declaration_to_check": _rule(
        W(
            "в разделе ОКЭД {division} часто производится подакцизная продукция, а заявитель "
            "указал, что ее не производит: проверьте это заявление",
            "division {division} ({title}) often makes excisable goods, and the applicant "
            "declares none: check the declaration",
        ),
        general=W(
            "в этом разделе ОКЭД часто производится подакцизная продукция: проверьте заявление",
            "the division often makes excisable goods: check the declaration",
        ),
    ),
    "priority_area_mismatch": _rule(
        W(
            "раздел ОКЭД {division} не относится очевидным образом к приоритетному "
            "направлению {area}: проверьте проект",
            "division {division} ({title}) does not obviously serve the priority area "
            "{area}: check the project",
        ),
        general=W(
            "раздел ОКЭД не относится очевидным образом к приоритетному направлению: "
            "проверьте проект",
            "the division does not obviously serve the priority area: check the project",
        ),
    ),
    "excisable_goods": _exact(
        "на территории СЭЗ запрещена деятельность, связанная с производством подакцизной продукции",
        "production of excisable goods is prohibited in the zone",
    ),
    # --- screening: the term and the territory [Decree item 1, Reg. §5] ------------------
    "zone_ended": _rule(
        W(
            "СЭЗ создана на период до {day}; {day2} договор об осуществлении деятельности не "
            "может быть заключен",
            "the zone exists until {day}; no agreement can be concluded on {day2}",
        ),
        general=W(
            "срок функционирования СЭЗ истек: договор не может быть заключен",
            "the zone has ended: no agreement can be concluded",
        ),
    ),
    "requested_start_in_past": _rule(
        W(
            "запрошенная дата начала {day} раньше дня подачи заявки: договор вступает в силу "
            "не ранее его заключения",
            "the requested start {day} is before the application: the agreement takes effect "
            "on conclusion at the earliest",
        ),
        general=W(
            "договор вступает в силу не ранее его заключения",
            "the agreement takes effect on conclusion at the earliest",
        ),
    ),
    "obligations_missing_years": _rule(
        W(
            "не указаны плановые обязательства на годы запрошенного срока: {years}",
            "no planned obligations for the years {years} of the requested term",
        ),
        general=W(
            "не на все годы срока указаны плановые обязательства",
            "some years of the term have no planned obligations",
        ),
    ),
    "off_territory": _exact(
        "деятельность осуществляется вне территории СЭЗ, что Закон допускает для участников "
        "этой СЭЗ",
        "the activities are carried out outside the zone's territory, which the Law allows "
        "participants of this zone",
    ),
    "off_territory_ict": _rule(
        W(
            "до {day} перечисленная в пункте 5 Положения о СЭЗ деятельность в сфере "
            "информационно-коммуникационных технологий может осуществляться вне территории СЭЗ",
            "until {day} the listed ICT activities need not be carried out on the zone's territory",
        ),
        general=W(
            "перечисленная в пункте 5 Положения о СЭЗ деятельность может осуществляться вне "
            "территории СЭЗ",
            "the listed ICT activities need not be carried out on the zone's territory",
        ),
    ),
    "off_territory_not_allowed": _rule(
        W(
            "до {day} вне территории СЭЗ может осуществляться только перечисленная в пункте 5 "
            "Положения о СЭЗ деятельность в сфере информационно-коммуникационных технологий",
            "until {day} only the listed ICT activities may be carried out outside the zone's "
            "territory",
        ),
        general=W(
            "вне территории СЭЗ может осуществляться только деятельность, перечисленная в "
            "пункте 5 Положения о СЭЗ",
            "only the listed ICT activities may be carried out outside the zone's territory",
        ),
    ),
    "rule_set_not_in_force": _rule(
        W(
            "редакция правил {version} вступает в силу {day}, то есть после дня проверки "
            "заявки {day2}",
            "rule set {version} takes effect on {day}, after the screening day {day2}",
        ),
        general=W(
            "редакция правил еще не вступила в силу на день проверки заявки",
            "the rule set is not in force on the screening day",
        ),
    ),
    # --- the zone's rules and configuration [Decree item 5, Reg. §15, §16] ----------------
    "unknown_term": _rule(
        W("параметр «{term}» не входит в условия СЭЗ", "'{term}' is not a term of the zone"),
        general=W("такого параметра в условиях СЭЗ нет", "no such term of the zone"),
    ),
    "no_rule_set_in_force": _rule(
        W(
            "на {day} ни одна редакция правил СЭЗ не действовала: первая ({version}) вступает "
            "в силу {day2}",
            "no rule set of the zone is in force on {day}: the first one ({version}) takes "
            "effect on {day2}",
        ),
        general=W(
            "на эту дату ни одна редакция правил СЭЗ не действовала",
            "no rule set of the zone is in force on that day",
        ),
    ),
    "unknown_rule_set": _rule(
        W("редакция правил «{version}» не найдена", "no rule-set version '{version}'"),
        general=W("такой редакции правил нет", "no such rule-set version"),
    ),
    "duplicate_rule_set_version": _rule(
        W(
            "редакция правил «{version}» уже существует",
            "rule-set version '{version}' exists already",
        ),
        general=W("такая редакция правил уже существует", "the rule-set version exists already"),
    ),
    "rule_set_date_taken": _rule(
        W(
            "{day} уже вступает в силу редакция «{version}»; в один день вступает в силу "
            "только одна редакция",
            "version '{version}' already takes effect on {day}; one version a day",
        ),
        general=W(
            "в один день вступает в силу только одна редакция правил",
            "one rule-set version a day",
        ),
    ),
    "zone_not_established": _exact(
        "СЭЗ еще не учреждена в системе", "the zone is not established yet"
    ),
    "zone_already_established": _rule(
        W("СЭЗ {zone} уже учреждена", "the zone {zone} is established already"),
        general=W("СЭЗ уже учреждена", "the zone is established already"),
    ),
    "zone_admin_only": _rule(
        W(
            "параметры СЭЗ настраивает только администратор, а не {role}",
            "only an administrator configures the zone, not a {role}",
        ),
        general=W(
            "параметры СЭЗ настраивает только администратор",
            "only an administrator configures the zone",
        ),
    ),
    "zone_reminder_system_only": _rule(
        W(
            "отправленные напоминания регистрирует только сама система pit, а не {role}",
            "only pit itself records the reminders it sent, not a {role}",
        ),
        general=W(
            "отправленные напоминания регистрирует только сама система pit",
            "only pit itself records the reminders it sent",
        ),
    ),
    "zone_report_staff_only": _rule(
        W(
            "отчет СЭЗ регистрируют только сотрудники управляющей компании, а не {role}",
            "only the management company's staff record the zone's report, not a {role}",
        ),
        general=W(
            "отчет СЭЗ регистрируют только сотрудники управляющей компании",
            "only the management company's staff record the zone's report",
        ),
    ),
    "amendment_before_zone": _rule(
        W(
            "изменение не может вступить в силу {day}, раньше первой редакции правил СЭЗ ({day2})",
            "an amendment cannot take effect on {day}, before the zone's first rules ({day2})",
        ),
        general=W(
            "изменение не может вступить в силу раньше первой редакции правил СЭЗ",
            "an amendment cannot take effect before the zone's first rules",
        ),
    ),
    "zone_end_not_in_future": _rule(
        W(
            "изменение не может установить окончание срока СЭЗ {day}: на {day2} этот день уже "
            "наступил; досрочное прекращение СЭЗ является ее упразднением, которое "
            "осуществляется в соответствии с Законом",
            "an amendment cannot end the zone on {day}, a day already reached on {day2}: "
            "ending the zone early is abolition, which follows the Law",
        ),
        general=W(
            "досрочное прекращение СЭЗ является ее упразднением, которое осуществляется в "
            "соответствии с Законом",
            "ending the zone early is abolition, which follows the Law",
        ),
    ),
    "policy_change_retroactive": _rule(
        W(
            "изменение политики не может вступить в силу {day}, раньше сегодняшнего дня "
            "({day2}): уже текущие сроки сохраняются",
            "a policy change cannot take effect on {day}, before today ({day2}): deadlines "
            "already running keep their terms",
        ),
        general=W(
            "изменение политики не может иметь обратной силы",
            "a policy change cannot take effect in the past",
        ),
    ),
    "policy_change_before_latest_version": _rule(
        W(
            "изменение политики применяется поверх последней редакции правил ({version}, "
            "действует с {day}) и должно вступать в силу после нее",
            "a policy change applies on top of the latest rule set ({version}, effective "
            "{day}) and must take effect after it",
        ),
        general=W(
            "изменение политики должно вступать в силу после последней редакции правил",
            "a policy change must take effect after the latest rule set",
        ),
    ),
    "policy_change_after_zone_end": _rule(
        W(
            "срок функционирования СЭЗ истекает {day}; после этой даты условия не применяются",
            "the zone ends on {day}; no terms apply after that",
        ),
        general=W(
            "после окончания срока функционирования СЭЗ условия не применяются",
            "no terms apply after the zone's end",
        ),
    ),
    "no_change": _exact("условия не изменились", "the terms are unchanged"),
    "law_term_needs_amendment": _rule(
        W(
            "{terms} воспроизводят нормы Закона; изменить их можно только изменением "
            "Положения о СЭЗ",
            "{terms} restate the Law; only a regulation amendment changes them",
        ),
        general=W(
            "условия, воспроизводящие нормы Закона, изменяются только изменением Положения",
            "terms that restate the Law change only by a regulation amendment",
        ),
    ),
    "zone_report_year_outside_zone": _rule(
        W(
            "СЭЗ функционировала с {year} по {year2} год; отчета за {year3} год нет",
            "the zone existed from {year} to {year2}; there is no report on {year3}",
        ),
        general=W(
            "в этом году СЭЗ не функционировала: отчета нет",
            "the zone did not exist that year",
        ),
    ),
    "zone_report_submitted_in_future": _rule(
        W(
            "дата представления отчета {day} еще не наступила (сегодня {day2})",
            "a report submitted on {day} is in the future (today is {day2})",
        ),
        general=W("дата представления отчета еще не наступила", "the date is in the future"),
    ),
    "zone_report_before_year_end": _rule(
        W(
            "отчет за {year} год не мог быть представлен {day}, до окончания года",
            "the report on {year} cannot have been submitted on {day}, before the year ended",
        ),
        general=W(
            "отчет не может быть представлен до окончания отчетного года",
            "a report cannot precede its year's end",
        ),
    ),
    "zone_report_already_recorded": _rule(
        W(
            "отчет СЭЗ за {year} год уже зарегистрирован (исх. № {reference}, представлен {day})",
            "the zone's report on {year} is recorded already (reference {reference}, "
            "submitted on {day})",
        ),
        W(
            "отчет СЭЗ за {year} год зарегистрирован: напоминания о нем больше не направляются",
            "the zone's report on {year} is recorded: no more reminders of it",
        ),
        general=W("отчет СЭЗ за этот год уже зарегистрирован", "the zone's report is recorded"),
    ),
    "unknown_zone_reminder": _rule(
        W(
            "напоминание {reminder} не предусмотрено порядком отчетности СЭЗ",
            "{reminder} is not a reminder the zone's report policy sends",
        ),
        general=W(
            "такое напоминание не предусмотрено порядком отчетности СЭЗ",
            "no such reminder of the zone's report",
        ),
    ),
    "zone_reminder_already_sent": _rule(
        W("напоминание {reminder} уже отправлено", "reminder {reminder} was sent already"),
        general=W("напоминание уже отправлено", "the reminder was sent already"),
    ),
    # --- form and time ------------------------------------------------------------------------
    "naive_datetime": _exact(
        "момент времени указывается с часовым поясом", "an instant must carry its time zone"
    ),
    # --- the error classes' own codes, for a refusal that names no finer one --------------
    "domain_error": _rule(
        general=W("действие отклонено по правилам СЭЗ", "refused by the zone's rules")
    ),
    "invalid_input": _rule(
        W(
            "фактическое значение должно быть конечным числом",
            "an actual figure must be a finite number",
        ),
        general=W(
            "введенные данные не соответствуют установленным требованиям",
            "the input breaks a rule of form",
        ),
    ),
    "not_permitted": _rule(
        general=W("у вас нет права на это действие", "you may not do this"),
    ),
    "rule_violation": _rule(
        general=W("действие нарушает правила СЭЗ", "the action breaks a rule of the zone"),
    ),
    # --- the API's own refusals that the console shows in the same place ------------------
    "agreement_closed": _rule(
        W(
            "дело по договору «{id}» закрыто: действия по нему больше не принимаются",
            "agreement '{id}' is final: its workflow has completed and takes no more actions",
        ),
        general=W(
            "дело закрыто: действия по нему больше не принимаются",
            "the agreement is final and takes no more actions",
        ),
    ),
    "agreement_exists": _rule(
        W(
            "договор «{id}» уже существует: номер используется один раз",
            "agreement '{id}' exists already: an id is used once",
        ),
        general=W("такой договор уже существует", "the agreement exists already"),
    ),
    "agreement_not_found": _rule(
        W("договор «{id}» не найден или недоступен вам", "no agreement '{id}' that you may see"),
        general=W("договор не найден или недоступен вам", "no such agreement that you may see"),
    ),
    "action_pending": _rule(
        W(
            "ответ еще не получен; действие, возможно, будет зарегистрировано: проверьте "
            "карточку договора, прежде чем повторять",
            "the agreement's workflow did not answer in time; the action may still be "
            "recorded: see GET /api/agreements/{id} before trying again",
        ),
        general=W(
            "ответ еще не получен; проверьте карточку договора, прежде чем повторять",
            "no answer in time: check the agreement before trying again",
        ),
    ),
    "action_failed": _rule(
        general=W(
            "сейчас действие не может быть выполнено, решение не принято: повторите попытку",
            "the action cannot be taken now; nothing was decided: try again",
        ),
    ),
    "action_not_taken": _exact(
        "сервер Temporal отклонил действие до того, как процесс договора его принял; решение "
        "не принято: повторите попытку (с тем же ключом Idempotency-Key оно не будет принято "
        "дважды)",
        "the Temporal server dropped the action before the agreement's workflow took it; "
        "nothing was decided: try again (with the same Idempotency-Key it cannot be taken "
        "twice)",
    ),
}
"""Every reason's wording, by its code; the domain's and the API's codes that reach people."""

# A code built from a value: amendment_not_<status> (decide/amendment.py).
for _status_value, _said in _AMENDMENT_STATUSES.items():
    REASONS[f"amendment_not_{_status_value}"] = _rule(
        W(
            "дополнительное соглашение {id} {amendment_status}, а не {amendment_status2}",
            "amendment {id} is {amendment_status}, not {amendment_status2}",
        ),
        general=W(f"дополнительное соглашение не {_said}", f"the amendment is not {_status_value}"),
    )


# --- Saying a reason ---------------------------------------------------------------------------


def _russian(shape: Wording, found: re.Match[str]) -> str:
    raw = found.groupdict()
    values = {name: _CONVERTERS.get(_base(name), str)(value) for name, value in raw.items()}
    deadline = DEADLINES.get(raw.get("deadline", ""))
    if deadline is not None and "related" in raw:
        values["deadline"] = _quoted(deadline.say("ru", raw["related"]))
    return shape.ru.format_map(values)


def translate(code: str, message: str) -> str | None:
    """The Russian of one reason with the values its message carries, or None when no wording
    of ``code`` fits ``message`` (a new shape of message, or a code with no wording)."""
    rule = REASONS.get(code)
    if rule is None:
        return None
    for shape in rule.shapes:
        found = _pattern(shape.en).fullmatch(message)
        if found is not None:
            return _russian(shape, found)
    return None


def _field_label(field: str) -> str:
    leaf = field.rsplit(".", 1)[-1]
    for key in (field, leaf, leaf.removesuffix("_code"), leaf.removesuffix("_kzt")):
        if key in UI:
            return UI[key].ru
    return field


def say_reason(language: Language, code: str, message: str, field: str | None = None) -> str:
    """A refusal's or finding's reason for a person reading ``language``.

    English is the domain's own message. Russian is the code's wording with the message's
    values; failing that, the code's general wording and the field at fault; failing that (a
    code without a wording), the English message. Never blank.
    """
    if language != "ru":
        return message or _general_en(code)
    russian = translate(code, message)
    if russian is not None:
        return russian
    rule = REASONS.get(code)
    if rule is None:
        return message or code
    where = f" (поле «{_field_label(field)}»)" if field else ""
    return rule.general.ru + where


def _general_en(code: str) -> str:
    rule = REASONS.get(code)
    return rule.general.en if rule is not None else code


def _translate_any(message: str) -> str | None:
    for code in REASONS:
        russian = translate(code, message)
        if russian is not None:
            return russian
    return None


def say_text(language: Language, message: str) -> str:
    """A reason whose code is lost (the application form keeps only messages, joined by
    ``"; "`` where a field has several), said as :func:`say_reason` would, part by part; a part
    no wording fits stays as it is."""
    if language != "ru" or not message:
        return message
    parts = message.split("; ")

    @cache
    def said_from(start: int) -> tuple[int, tuple[str, ...]]:
        """The fewest parts left unworded from ``start`` on, and the words for them all: a
        reason may hold "; " itself, so runs of parts are tried as one reason."""
        if start == len(parts):
            return 0, ()
        left, rest = said_from(start + 1)
        best = (left + 1, (parts[start], *rest))
        for end in range(start + 1, len(parts) + 1):
            russian = _translate_any("; ".join(parts[start:end]))
            if russian is not None:
                left, rest = said_from(end)
                if left < best[0]:
                    best = (left, (russian, *rest))
        return best

    return "; ".join(said_from(0)[1])
