"""The console's words in Russian and English, chosen by the ``pit_lang`` cookie.

Deadlines and system events are worded once, for mail and console alike, in
``activities.mail_wording``; the rest of the console's vocabulary is here. A missing key shows
itself (``[key]``) rather than failing a page.
"""

from __future__ import annotations

from typing import Literal

from activities.mail_wording import DEADLINES, EVENTS, TERMINATION_GROUNDS, Wording

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
DEFAULT_LANGUAGE: Language = "ru"
LANGUAGE_COOKIE = "pit_lang"

W = Wording

UI: dict[str, Wording] = {
    "app_name": W("СЭЗ «Парк инновационных технологий»", 'SEZ "Park of Innovative Technologies"'),
    "welcome_kk": W("Қош келдіңіз!", "Қош келдіңіз!"),
    "welcome": W("Добро пожаловать в реестр договоров СЭЗ.", "Welcome to the SEZ agreements."),
    "login": W("Логин", "Login"),
    "password": W("Пароль", "Password"),
    "log_in": W("Войти", "Log in"),
    "log_out": W("Выйти", "Log out"),
    "login_failed": W("Неверный логин или пароль.", "Wrong login or password."),
    "login_throttled": W(
        "Слишком много неудачных попыток. Повторите через {seconds} с.",
        "Too many failed attempts. Try again in {seconds} s.",
    ),
    "login_disabled": W("Учетная запись отключена.", "This account is disabled."),
    "session_ended": W("Сеанс завершен: войдите снова.", "Your session has ended: log in again."),
    "csrf_failed": W(
        "Форма устарела: обновите страницу и повторите.",
        "The form has expired: reload the page and try again.",
    ),
    "skip_to_content": W("Перейти к содержанию", "Skip to content"),
    "main_nav": W("Основное меню", "Main menu"),
    "language": W("Язык", "Language"),
    "signed_in_as": W("Вы вошли как", "Signed in as"),
    "nav_inbox": W("Задачи", "Inbox"),
    "nav_agreements": W("Договоры", "Agreements"),
    "nav_my_agreements": W("Мои договоры", "My agreements"),
    "nav_apply": W("Подать заявку", "Apply"),
    "inbox_title": W("Мои задачи", "My tasks"),
    "inbox_empty": W("Задач нет.", "Nothing waits on you."),
    "task": W("Задача", "Task"),
    "agreement": W("Договор", "Agreement"),
    "participant": W("Участник", "Participant"),
    "due": W("Срок", "Due"),
    "overdue": W("просрочено", "overdue"),
    "claimed_by": W("Взята", "Claimed by"),
    "claim": W("Взять в работу", "Claim"),
    "release": W("Вернуть в очередь", "Release"),
    "open": W("Открыть", "Open"),
    "claim_failed": W(
        "Задачу уже взял другой сотрудник или она закрыта.",
        "Someone else holds this task, or it is done.",
    ),
    "release_failed": W("Эта задача не за вами.", "You hold no claim on this task."),
    "agreements_title": W("Договоры и заявки", "Agreements and applications"),
    "my_agreements_title": W("Мои заявки и договоры", "My applications and agreements"),
    "no_agreements": W("Пока ничего нет.", "Nothing yet."),
    "search": W("Поиск (БИН, название, номер)", "Search (BIN, name, number)"),
    "find": W("Найти", "Find"),
    "status": W("Статус", "Status"),
    "number": W("Номер", "Number"),
    "name": W("Наименование", "Name"),
    "bin": W("БИН", "BIN"),
    "next_due": W("Ближайший срок", "Next due"),
    "oked": W("ОКЭД", "OKED"),
    "priority_area": W("Приоритетное направление", "Priority area"),
    "term": W("Срок действия", "Term"),
    "effective_date": W("Дата вступления в силу", "Effective date"),
    "end_date": W("Дата окончания", "End date"),
    "concluded_on": W("Дата заключения", "Concluded on"),
    "register_number": W("Номер в реестре", "Register number"),
    "contacts": W("Контакты", "Contacts"),
    "obligations": W("Обязательства по годам", "Obligations by year"),
    "year": W("Год", "Year"),
    "investment_foreign": W("Иностранные инвестиции", "Foreign investment"),
    "investment_domestic": W("Отечественные инвестиции", "Domestic investment"),
    "production_volume": W("Объем производства", "Production volume"),
    "jobs": W("Рабочие места", "Jobs"),
    "kz_content": W("Казахстанское содержание", "Kazakhstani content"),
    "reports": W("Годовые отчеты", "Annual reports"),
    "report_status": W("Состояние отчета", "Report status"),
    "deadlines": W("Открытые сроки", "Open deadlines"),
    "no_deadlines": W("Открытых сроков нет.", "No open deadlines."),
    "legal_basis": W("Основание", "Legal basis"),
    "reminders": W("Предстоящие напоминания", "Upcoming reminders"),
    "no_reminders": W("Напоминаний не запланировано.", "No reminders planned."),
    "reminders_unknown": W(
        "Сейчас не удалось узнать план напоминаний.", "The reminder plan cannot be read now."
    ),
    "send_at": W("Отправка", "Sent on"),
    "audience": W("Кому", "To"),
    "findings": W("Результаты проверки заявки", "Screening findings"),
    "refusal": W("Отказ", "Refused"),
    "refusals": W("Отказы в действиях", "Refused actions"),
    "actions": W("Доступные действия", "Actions you may take now"),
    "no_actions": W("Сейчас от вас действий не требуется.", "Nothing for you to do now."),
    "done": W("Выполнено: {what}.", "Done: {what}."),
    "timeline": W("Хронология", "Timeline"),
    "timeline_title": W("Хронология договора", "The agreement's timeline"),
    "when": W("Когда", "When"),
    "who": W("Кто", "Who"),
    "what": W("Что", "What"),
    "rule_set": W("Редакция правил", "Rule set"),
    "state_after": W("Статус после", "Status after"),
    "as_of": W("Состояние на дату", "State as of a date"),
    "as_of_date": W("Дата", "Date"),
    "show": W("Показать", "Show"),
    "as_of_result": W("На {day} (конец дня, Алматы)", "As of {day} (end of day, Almaty)"),
    "as_of_nothing": W("На эту дату событий еще не было.", "Nothing had happened by that day."),
    "events_by_then": W("Событий к этой дате", "Events by then"),
    "verify": W("Проверить цепочку хешей", "Verify the hash chain"),
    "verify_ok": W(
        "Цепочка цела: проверено событий — {events}.",
        "The chain is intact: {events} events checked.",
    ),
    "verify_failed": W(
        "Цепочка нарушена на версии {version}: {reason}.",
        "The chain is broken at version {version}: {reason}.",
    ),
    "apply_title": W("Заявка на заключение договора", "Application for an agreement"),
    "resubmit_title": W("Повторная подача заявки", "Resubmit the application"),
    "apply_intro": W(
        "Поля проверяются при отправке; ошибки названы у соответствующего поля.",
        "Fields are checked when you send the form; each problem is shown by its field.",
    ),
    "submit_application": W("Подать заявку", "Submit the application"),
    "fix_fields": W("Исправьте отмеченные поля.", "Please correct the marked fields."),
    "contact_email": W("Эл. почта", "E-mail"),
    "phone": W("Телефон", "Phone"),
    "address": W("Адрес", "Address"),
    "contact_person": W("Контактное лицо", "Contact person"),
    "applicant_kind": W("Тип заявителя", "Applicant"),
    "excisable": W("Производство подакцизных товаров", "Excisable goods produced"),
    "on_territory": W("Деятельность на территории СЭЗ", "Activities on the zone's territory"),
    "project_description": W("Описание проекта", "Project description"),
    "requested_start": W("Начало срока", "Start of the term"),
    "requested_end": W("Окончание срока", "End of the term"),
    "planned_per_year": W(
        "Плановые обязательства (одинаковые на каждый год срока)",
        "Planned obligations (the same for each year of the term)",
    ),
    "yes": W("да", "yes"),
    "no": W("нет", "no"),
    "oked_ok": W("ОКЭД {code}: {title} — допускается.", "OKED {code}: {title} — allowed."),
    "bin_ok": W("БИН корректен.", "The BIN is valid."),
    "zone_end_hint": W(
        "Не позднее {day} (окончание СЭЗ).", "No later than {day} (the zone's end)."
    ),
    "submit_report": W("Представить годовой отчет", "Submit the annual report"),
    "imported_goods": W(
        "Потреблено ввезенных товаров СТЗ, ₸", "Imported free-zone goods consumed, ₸"
    ),
    "report_year": W("Отчетный год", "Report year"),
    "report_id": W("Номер отчета", "Report number"),
    "note": W("Комментарий", "Note"),
    "items_lines": W("Замечания (по одному в строке)", "Items (one a line)"),
    "reasons_lines": W("Причины (по одной в строке)", "Reasons (one a line)"),
    "grounds": W("Основания отказа", "Grounds for refusal"),
    "agreement_number": W("Номер договора", "Agreement number"),
    "notice_id": W("Номер уведомления", "Notice number"),
    "description": W("Описание нарушения", "Description of the breach"),
    "error_title": W("Что-то пошло не так", "Something went wrong"),
    "not_found": W("Не найдено.", "Not found."),
    "unavailable": W(
        "Сервис временно недоступен, повторите позже.", "The service is unavailable; try later."
    ),
    "back": W("Назад", "Back"),
    "participant_screen": W("Карточка договора", "Agreement"),
    "none": W("—", "—"),
    "field_error": W("Поле «{field}»: {message}", "Field “{field}”: {message}"),
}

STATUSES: dict[str, Wording] = {
    "new": W("новая", "new"),
    "in_review": W("на рассмотрении", "in review"),
    "changes_requested": W("запрошены изменения", "changes requested"),
    "recommended": W("рекомендована", "recommended"),
    "awaiting_signatures": W("ожидает подписания", "awaiting signatures"),
    "active": W("действует", "active"),
    "in_breach": W("нарушение", "in breach"),
    "termination_proposed": W("предложено расторжение", "termination proposed"),
    "closing": W("прекращается", "closing"),
    "terminated": W("прекращен", "terminated"),
    "refused": W("отказано", "refused"),
    "lapsed": W("утратила силу", "lapsed"),
}

ROLES: dict[str, Wording] = {
    "applicant": W("участник", "participant"),
    "participant": W("участник", "participant"),
    "reviewer": W("эксперт", "reviewer"),
    "approver": W("утверждающий", "approver"),
    "auditor": W("аудитор", "auditor"),
    "admin": W("администратор", "administrator"),
    "system": W("система", "system"),
}

COMMANDS: dict[str, Wording] = {
    "RequestChanges": W("Запросить изменения", "Request changes"),
    "RecommendConclusion": W("Рекомендовать заключение", "Recommend conclusion"),
    "RecommendRefusal": W("Рекомендовать отказ", "Recommend refusal"),
    "ResubmitApplication": W("Подать заявку повторно", "Resubmit the application"),
    "ApproveConclusion": W("Утвердить заключение договора", "Approve the conclusion"),
    "RefuseApplication": W("Отказать в заключении", "Refuse the application"),
    "SignAsParticipant": W("Подписать договор (участник)", "Sign as participant"),
    "SignForManagementCompany": W(
        "Подписать договор (управляющая компания)", "Sign for the management company"
    ),
    "SubmitAnnualReport": W("Представить годовой отчет", "Submit the annual report"),
    "AcceptAnnualReport": W("Принять годовой отчет", "Accept the annual report"),
    "ReturnAnnualReport": W("Вернуть отчет на доработку", "Return the report for correction"),
    "IssueBreachNotice": W("Направить уведомление о нарушении", "Issue a breach notice"),
}

TASKS: dict[str, Wording] = {
    "review_application": W("Рассмотреть заявку", "Review the application"),
    "resubmit_application": W("Подать заявку повторно", "Resubmit the application"),
    "decide_application": W("Принять решение по заявке", "Decide on the application"),
    "sign_as_participant": W("Подписать договор", "Sign the agreement"),
    "sign_for_management_company": W(
        "Подписать договор от управляющей компании", "Sign for the management company"
    ),
    "record_authority_acknowledgment": W(
        "Отметить уведомление госоргана", "Record an authority's acknowledgment"
    ),
    "record_register_entry": W("Отметить запись в реестре", "Record the register entry"),
    "record_register_closure": W("Отметить исключение из реестра", "Record the register closure"),
    "submit_annual_report": W("Представить годовой отчет", "Submit the annual report"),
    "resubmit_annual_report": W("Представить исправленный отчет", "Resubmit the report"),
    "review_annual_report": W("Рассмотреть годовой отчет", "Review the annual report"),
    "confirm_goods": W("Рассмотреть декларацию о товарах", "Review a goods declaration"),
    "consider_breach_notice": W("Рассмотреть уведомление о нарушении", "Consider a breach notice"),
    "record_breach_cure": W("Отметить устранение нарушения", "Record the breach cured"),
    "decide_amendment": W("Решение по доп. соглашению", "Decide on the amendment"),
    "sign_amendment": W("Подписать доп. соглашение", "Sign the amendment"),
    "decide_termination": W("Решение о расторжении", "Decide on the termination"),
    "consent_to_termination": W("Согласие на расторжение", "Consent to the termination"),
}

REPORT_STATUSES: dict[str, Wording] = {
    "due": W("ожидается", "due"),
    "submitted": W("представлен", "submitted"),
    "returned": W("возвращен на доработку", "returned for correction"),
    "accepted": W("принят", "accepted"),
}

REFUSAL_GROUNDS: dict[str, Wording] = {
    "activity_mismatch": W("несоответствие виду деятельности", "activity type mismatch"),
    "selection_criteria": W("несоответствие критериям отбора", "selection criteria not met"),
    "documents": W("несоответствие документов", "documents incomplete or mismatched"),
}

AUDIENCES: dict[str, Wording] = {
    "participant": W("участнику", "the participant"),
    "staff": W("сотрудникам УК", "the staff"),
}

EVENT_NAMES: dict[str, Wording] = {
    "ApplicationSubmitted": W("заявка подана", "application submitted"),
    "ScreeningPassed": W("заявка прошла проверку", "screening passed"),
    "ApplicationRefused": W("в заявке отказано", "application refused"),
    "ChangesRequested": W("запрошены изменения", "changes requested"),
    "ApplicationResubmitted": W("заявка подана повторно", "application resubmitted"),
    "ConclusionRecommended": W("рекомендовано заключение", "conclusion recommended"),
    "RefusalRecommended": W("рекомендован отказ", "refusal recommended"),
    "ConclusionApproved": W("заключение утверждено", "conclusion approved"),
    "SignedByParticipant": W("подписан участником", "signed by the participant"),
    "SignedByManagementCompany": W(
        "подписан управляющей компанией", "signed by the management company"
    ),
    "AgreementConcluded": W("договор заключен", "agreement concluded"),
    "AuthorityNoticeIssued": W("направлено уведомление госоргану", "notice to an authority issued"),
    "AuthorityNotified": W("госорган уведомлен", "authority notified"),
    "RegisterEntryRecorded": W("участник внесен в реестр", "register entry recorded"),
    "RegisterEntryClosed": W("запись в реестре закрыта", "register entry closed"),
    "AnnualReportSubmitted": W("годовой отчет представлен", "annual report submitted"),
    "AnnualReportResubmitted": W("отчет представлен повторно", "annual report resubmitted"),
    "AnnualReportAccepted": W("годовой отчет принят", "annual report accepted"),
    "AnnualReportReturned": W("отчет возвращен на доработку", "annual report returned"),
    "ObligationsAssessed": W("обязательства оценены", "obligations assessed"),
    "SiteVisitRecorded": W("выездная проверка", "site visit recorded"),
    "BreachNoticeIssued": W("уведомление о нарушении", "breach notice issued"),
    "BreachCured": W("нарушение устранено", "breach cured"),
    "ActionRefused": W("в действии отказано", "action refused"),
    "ReminderSent": W("отправлено напоминание", "reminder sent"),
    "AuditAnnotationAdded": W("отметка аудитора", "audit annotation"),
    "AmendmentProposed": W("предложено доп. соглашение", "amendment proposed"),
    "AmendmentApproved": W("доп. соглашение утверждено", "amendment approved"),
    "AmendmentRejected": W("доп. соглашение отклонено", "amendment rejected"),
    "AmendmentSigned": W("доп. соглашение подписано", "amendment signed"),
    "TerminationProposed": W("предложено расторжение", "termination proposed"),
    "TerminationConsented": W("согласие на расторжение", "termination consented"),
    "TerminationRejected": W("расторжение отклонено", "termination rejected"),
    "AgreementTerminated": W("договор прекращен", "agreement terminated"),
    "GoodsConsumptionDeclared": W("задекларированы товары СТЗ", "goods consumption declared"),
    "GoodsConsumptionConfirmed": W("декларация подтверждена", "goods declaration confirmed"),
    "GoodsDeclarationRejected": W("декларация отклонена", "goods declaration rejected"),
    **EVENTS,
}


def language_of(value: str | None) -> Language:
    """The language a cookie names, else the default (Russian)."""
    return "en" if value == "en" else DEFAULT_LANGUAGE


class Words:
    """The console's vocabulary in one language, for the templates (``t("login")``)."""

    def __init__(self, language: Language) -> None:
        self.language: Language = language

    def _say(self, table: dict[str, Wording], key: str, **values: object) -> str:
        wording = table.get(key)
        if wording is None:
            return key
        text = wording.ru if self.language == "ru" else wording.en
        return text.format(**values) if values else text

    def __call__(self, key: str, **values: object) -> str:
        """A phrase of the interface, filled in with ``values``; ``[key]`` if unknown."""
        if key not in UI:
            return f"[{key}]"
        return self._say(UI, key, **values)

    def status(self, value: str) -> str:
        return self._say(STATUSES, value)

    def role(self, value: str) -> str:
        return self._say(ROLES, value)

    def command(self, value: str) -> str:
        return self._say(COMMANDS, value)

    def task(self, value: str) -> str:
        return self._say(TASKS, value)

    def report_status(self, value: str) -> str:
        return self._say(REPORT_STATUSES, value)

    def ground(self, value: str) -> str:
        return self._say(REFUSAL_GROUNDS, value)

    def audience(self, value: str) -> str:
        return self._say(AUDIENCES, value)

    def event(self, value: str) -> str:
        return self._say(EVENT_NAMES, value)

    def termination_ground(self, value: str) -> str:
        return self._say(TERMINATION_GROUNDS, value)

    def deadline(self, kind: str, related_id: str = "") -> str:
        """What a deadline asks for, worded as pit's mail words it."""
        wording = DEADLINES.get(kind)
        return wording.say(self.language, related_id) if wording is not None else kind
