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
    # The auditor's evidence bundle (api/console/evidence.py).
    "export_evidence": W("Выгрузить доказательства", "Export evidence"),
    "evidence_auditors_only": W(
        "Выгрузка доказательств доступна аудиторам и администраторам.",
        "Evidence bundles are for auditors and administrators.",
    ),
    "evidence_not_signed": W(
        "Последние события договора еще не вошли в подписанную контрольную точку журнала: "
        "повторите через несколько минут (или выполните `pit audit checkpoint`).",
        "The agreement's newest events are not in a signed checkpoint of the log yet: try "
        "again in a few minutes (or run `pit audit checkpoint`).",
    ),
    "evidence_log_broken": W(
        "Журнал больше не совпадает с подписанной контрольной точкой: выполните "
        "`pit audit verify`.",
        "The log no longer matches its signed checkpoint: run `pit audit verify`.",
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
    # The lifecycle after conclusion: its forms and the matters they act on.
    "optional": W("необязательно", "optional"),
    "reason": W("Обоснование", "Reason"),
    "proposed": W("Предложено", "Proposed"),
    "approved": W("Утверждено", "Approved"),
    "signed": W("Подписано", "Signed"),
    "rejected": W("Отклонено", "Rejected"),
    "issued": W("Направлено", "Issued"),
    "declared": W("Задекларировано", "Declared"),
    "late": W("с опозданием", "late"),
    "recorded_by": W("Кто записал", "Recorded by"),
    "correction_due": W("исправить до", "correct by"),
    "breach_section": W("Мониторинг и нарушения", "Monitoring and breach"),
    "monitoring_issues": W(
        "Открытые основания для уведомления о нарушении", "Open grounds for a breach notice"
    ),
    "issue_obligation_shortfall": W("невыполнение обязательства", "obligation shortfall"),
    "issue_report_overdue": W(
        "годовой отчет просрочен сверх срока эскалации", "annual report overdue past escalation"
    ),
    "issue_site_visit": W(
        "выездная проверка: условия не соблюдены", "site visit: the terms not met"
    ),
    "breach_notice": W("Уведомление о нарушении", "Breach notice"),
    "breach_grounds": W("Основания уведомления", "Grounds of the notice"),
    "cure_due": W("Устранить до", "Cure by"),
    "cure_note": W("Как устранено нарушение", "How the breach was cured"),
    "breach_open": W("срок устранения идет", "cure period running"),
    "breach_cured": W("нарушение устранено", "cured"),
    "breach_lapsed": W("срок устранения истек", "cure period lapsed"),
    "breach_closed": W("закрыто с прекращением договора", "closed when the agreement ended"),
    "site_visits": W("Выездные проверки", "Site visits"),
    "visit_id": W("Номер проверки", "Visit number"),
    "visited_on": W("Дата проверки", "Visited on"),
    "visit_findings": W("Результаты проверки", "Findings"),
    "terms_met": W("Условия договора соблюдены", "The agreement's terms are met"),
    "amendments": W("Дополнительные соглашения", "Amendments"),
    "amendment": W("Дополнительное соглашение", "Amendment"),
    "amendment_id": W("Номер доп. соглашения", "Amendment number"),
    "amended_end_date": W("Новая дата окончания", "New end date"),
    "obligations_changed": W("изменяются", "changed"),
    "sign_by": W("Подписать до", "Sign by"),
    "amendment_proposed": W("предложено", "proposed"),
    "amendment_approved": W(
        "утверждено, ожидает подписи участника", "approved, awaiting the participant's signature"
    ),
    "amendment_signed": W("подписано, действует", "signed, in effect"),
    "amendment_rejected": W("отклонено", "rejected"),
    "amendment_lapsed": W("утратило силу (не подписано в срок)", "lapsed (not signed in time)"),
    "termination_section": W("Расторжение", "Termination"),
    "termination_id": W("Номер предложения о расторжении", "Termination number"),
    "termination_ground": W("Основание прекращения", "Ground of termination"),
    "termination_reference": W(
        "Реквизиты документа (решение суда, запись о ликвидации)",
        "Supporting record (court decision, liquidation record)",
    ),
    "termination_pending": W("ожидает решения", "awaiting a decision"),
    "termination_approved": W("утверждено", "approved"),
    "termination_rejected": W("отклонено", "rejected"),
    "participant_consent": W("Согласие участника", "The participant's consent"),
    "proposed_on_notice_of": W(
        "по уведомлению о нарушении, направленному {who}", "on the breach notice issued by {who}"
    ),
    "consent_awaited": W("ожидается согласие участника", "awaiting the participant's consent"),
    "terminated_on": W("Договор прекращен {day}", "Terminated on {day}"),
    "goods_section": W("Товары свободной таможенной зоны", "Free customs zone goods"),
    "declaration_id": W("Номер декларации", "Declaration number"),
    "declaration_declared": W("на рассмотрении", "awaiting review"),
    "declaration_confirmed": W("потребление подтверждено", "consumption confirmed"),
    "declaration_rejected": W("отклонена", "rejected"),
    "goods_description": W("Описание товаров", "Description of the goods"),
    "hs_code": W("Код ТН ВЭД (4–10 цифр)", "HS code (4–10 digits)"),
    "goods_unit": W("Единица измерения", "Unit of measure"),
    "quantity_imported": W("Количество ввезенное", "Quantity imported"),
    "value_imported": W("Стоимость ввезенных товаров, ₸", "Value imported, ₸"),
    "quantity_consumed": W("Количество потребленное", "Quantity consumed"),
    "consumption": W("Как потреблены", "How consumed"),
    "goods_excisable": W("Подакцизные товары", "Excisable goods"),
    "goods_category": W("Категория товаров (п. 13 Положения)", "Category of goods (Reg. §13)"),
    "goods_category_construction": W(
        "для строительства по проектно-сметной документации",
        "for construction per the design estimates",
    ),
    "goods_category_processing": W(
        "для переработки (кроме подакцизных)", "for processing (not excisable)"
    ),
    "goods_category_production": W(
        "для производства по видам деятельности СЭЗ", "for production in the zone's activities"
    ),
    "goods_category_research": W("для НИОКР", "for research and development"),
    "goods_operation": W("Операция с товарами", "Operation with the goods"),
    "goods_operation_storage": W("хранение", "storage"),
    "goods_operation_processing": W("переработка", "processing"),
    "goods_operation_operation_and_use": W("эксплуатация и использование", "operation and use"),
    "goods_operation_preparation_for_sale_and_transport": W(
        "подготовка к продаже и транспортировке", "preparation for sale and transport"
    ),
    "goods_operation_construction_and_production_technology": W(
        "строительство и технология производства", "construction and production technology"
    ),
    "document_number": W(
        "Номер подтверждения для таможенного органа", "Confirmation number for customs"
    ),
    "rejection_reasons": W("Причины отклонения", "Reasons for rejection"),
    "notices_section": W(
        "Уведомления госорганов и реестр", "Notices to the authorities and the register"
    ),
    "notices_outstanding": W("Ожидаемые уведомления", "Notices outstanding"),
    "authority": W("Госорган", "Authority"),
    "authority_authorized_body": W("Уполномоченный орган", "The authorized body"),
    "authority_tax_authority": W("Орган государственных доходов", "The state revenue authority"),
    "notice_of": W("О чем", "Of"),
    "notice_of_conclusion": W("о заключении договора", "of the conclusion"),
    "notice_of_termination": W("о прекращении договора", "of the termination"),
    "notice_issued_awaiting": W(
        "направлено, ожидается подтверждение", "issued, acknowledgment awaited"
    ),
    "notice_not_issued": W("еще не направлено", "not issued yet"),
    "notice_by_hand": W("направлено не через pit", "sent outside pit"),
    "acknowledged": W("Подтверждение госоргана", "Acknowledged"),
    "acknowledgment_reference": W("Номер подтверждения", "Acknowledgment reference"),
    "acknowledgment_awaited": W(
        "ожидается подтверждение госоргана", "awaiting the authority's acknowledgment"
    ),
    "register": W("Реестр участников СЭЗ", "The register of SEZ participants"),
    "register_entry": W("Запись в реестре", "Register entry"),
    "register_closure": W("Исключение из реестра", "Removal from the register"),
    "register_awaited": W("ожидается до {day}", "expected by {day}"),
    "entered_on": W("Дата внесения в реестр", "Entered in the register on"),
    "closed_on": W("Дата исключения из реестра", "Closed in the register on"),
    "reminders_sent": W("Отправленные напоминания", "Reminders sent"),
    "no_reminders_sent": W("Напоминаний еще не отправлялось.", "No reminders sent yet."),
    "reminder_about": W("О чем", "About"),
    "reminder_stage": W("Вид", "Kind"),
    "stage_before": W("до срока (дней: {days})", "before the due date (days: {days})"),
    "stage_overdue": W("после срока (дней: {days})", "after the due date (days: {days})"),
    "stage_escalation": W("эскалация: срок истек", "escalation: the deadline passed"),
    "annotations": W("Отметки аудитора", "Audit annotations"),
    "annotation_id": W("Номер отметки", "Annotation number"),
    "annotation_text": W("Текст отметки", "Annotation"),
    "refers_to_version": W("К событию №", "Refers to event No."),
    "error_title": W("Что-то пошло не так", "Something went wrong"),
    "not_found": W("Не найдено.", "Not found."),
    "unavailable": W(
        "Сервис временно недоступен, повторите позже.", "The service is unavailable; try later."
    ),
    "back": W("Назад", "Back"),
    "participant_screen": W("Карточка договора", "Agreement"),
    "none": W("—", "—"),
    "field_error": W("Поле «{field}»: {message}", "Field “{field}”: {message}"),
    # The zone's dashboard (/dashboard) and the agreements list's filters.
    "nav_dashboard": W("Показатели СЭЗ", "Zone dashboard"),
    "dashboard_title": W("Показатели СЭЗ", "The zone's indicators"),
    "dashboard_staff_only": W(
        "Показатели зоны доступны сотрудникам управляющей компании и аудиторам.",
        "The zone's figures are for the management company's staff and auditors.",
    ),
    "dashboard_as_of": W("По состоянию на {when} (Алматы).", "As of {when} (Almaty)."),
    "dashboard_intro": W(
        "Фактические показатели складываются только из принятых годовых отчетов участников "
        "[Положение, п. 9.4]; отчет на рассмотрении или на доработке не учитывается.",
        "Actual figures add up the participants' accepted annual reports only [Regulation "
        "§9.4]; a report under review or returned for correction does not count.",
    ),
    "dashboard_participants": W("Участники СЭЗ", "The zone's participants"),
    "dashboard_participants_total": W(
        "Всего участников в реестре: {count}.", "Participants in the register: {count}."
    ),
    "dashboard_no_participants": W("Участников пока нет.", "No participants yet."),
    "dashboard_by_status": W("Участники по статусу договора", "Participants by status"),
    "dashboard_by_oked": W("Участники по разделу ОКЭД", "Participants by OKED section"),
    "dashboard_by_area": W(
        "Участники по приоритетному направлению", "Participants by priority area"
    ),
    "dashboard_participants_count": W("Участников", "Participants"),
    "dashboard_not_known": W("не указано", "not known"),
    "dashboard_actuals": W(
        "Фактические показатели по годам (принятые отчеты)",
        "Actual figures by year (accepted reports)",
    ),
    "dashboard_no_actuals": W(
        "Принятых годовых отчетов пока нет.", "No annual report accepted yet."
    ),
    "dashboard_reports": W("Принято отчетов", "Reports accepted"),
    "dashboard_reporting": W("Отчитавшихся участников", "Participants reporting"),
    "dashboard_investment_total": W("Инвестиции, всего", "Investment, total"),
    "dashboard_kz_content_note": W(
        "Доля казахстанского содержания — в общем объеме производства зоны: доли отчетов "
        "взвешены по объему производства каждого участника.",
        "The Kazakhstani content share is that of the zone's total production: each report's "
        "share is weighted by its production volume.",
    ),
    "dashboard_indicators": W(
        "Целевые индикаторы и критический уровень недостижения",
        "Target indicators and critical levels of failure",
    ),
    "dashboard_indicators_note": W(
        "Факт года сравнивается с уровнем, установленным на этот же год (рубежи приложения к "
        "Указу: 2012, 2015, 2020, 2028, и уровни, заданные с тех пор).",
        "A year's figure is set against the level set for that same year (the annex's "
        "milestones 2012, 2015, 2020, 2028, and any level set since).",
    ),
    "dashboard_no_indicators": W("Уровни индикаторов не заданы.", "No indicator level is set."),
    "dashboard_actual": W("Факт", "Actual"),
    "dashboard_target": W("Цель", "Target"),
    "dashboard_critical": W("Критический уровень", "Critical level"),
    "dashboard_standing": W("Оценка", "Standing"),
    "dashboard_actual_as": W("факт: {standing}", "actual: {standing}"),
    "dashboard_chart_table": W("{what}: данные графика", "{what}: the chart's figures"),
    "standing_at_or_above_target": W("цель достигнута", "target met"),
    "standing_between": W("между критическим уровнем и целью", "between critical level and target"),
    "standing_below_critical": W("ниже критического уровня", "below the critical level"),
    "standing_none": W("не оценивается", "not assessed"),
    "indicator_investment_total": W("Общий объем инвестиций", "Total investment"),
    "indicator_investment_foreign": W("Объем иностранных инвестиций", "Foreign investment"),
    "indicator_investment_domestic": W("Объем отечественных инвестиций", "Domestic investment"),
    "indicator_production": W(
        "Объем производства товаров и услуг (работ)", "Production of goods and services (works)"
    ),
    "indicator_participants": W("Количество участников", "Number of participants"),
    "indicator_jobs": W("Количество рабочих мест", "Number of jobs"),
    "indicator_kz_content_bp": W("Доля казахстанского содержания", "Kazakhstani content share"),
    "indicator_ict_labs_and_departments": W(
        "Лаборатории и кафедры в области ИКТ", "ICT research labs and university departments"
    ),
    "unit_bln_kzt": W("млрд ₸", "bln ₸"),
    "unit_participants": W("участников", "participants"),
    "unit_jobs": W("рабочих мест", "jobs"),
    "unit_percent": W("%", "%"),
    "unit_labs": W("лабораторий и кафедр", "labs and departments"),
    "area_ict": W("ИКТ", "ICT"),
    "area_telecommunications": W("Телекоммуникации", "Telecommunications"),
    "area_electronics_and_instrument_making": W(
        "Электроника и приборостроение", "Electronics and instrument making"
    ),
    "area_renewable_energy_and_resource_saving": W(
        "Возобновляемая энергетика и ресурсосбережение", "Renewable energy and resource saving"
    ),
    "area_materials": W("Материаловедение", "Materials"),
    "area_oil_and_gas_technologies": W(
        "Технологии добычи, транспортировки и переработки нефти и газа",
        "Oil and gas extraction, transport and refining technologies",
    ),
    "oked_section_C": W("C — Обрабатывающая промышленность", "C — Manufacturing"),
    "oked_section_F": W("F — Строительство", "F — Construction"),
    "oked_section_J": W("J — Информация и связь", "J — Information and communication"),
    "oked_section_M": W(
        "M — Профессиональная, научная и техническая деятельность",
        "M — Professional, scientific and technical activities",
    ),
    "filters": W("Отбор", "Filters"),
    "filter_any": W("любой", "any"),
    "filter_overdue_only": W("Только с просроченными сроками", "Overdue only"),
    "filter_apply": W("Показать", "Show"),
    "filter_clear": W("Сбросить отбор", "Clear the filters"),
    "filter_oked_section": W("Раздел ОКЭД", "OKED section"),
    # The zone's report to the authorized body as of a day, on the dashboard [Reg. §9.4].
    "zone_report": W(
        "Отчет уполномоченному органу о результатах СЭЗ",
        "The zone's report to the authorized body",
    ),
    "zone_report_intro": W(
        "Годовые отчеты, принятые к концу выбранного дня (Алматы), и уровни индикаторов, "
        "установленные к тому дню [Положение, п. 9.4]: журнал событий, прочитанный до этой даты, "
        "а не текущие списки, поэтому тот же день всегда дает те же цифры.",
        "The annual reports accepted by the end of the chosen day (Almaty) and the indicator "
        "levels set by then [Regulation §9.4]: the event log read up to that day, not the live "
        "lists, so the same day always gives the same figures.",
    ),
    "zone_report_as_of": W("Отчет на дату", "Report as of"),
    "zone_report_day": W(
        "По состоянию на конец дня {day} (Алматы); принятых годовых отчетов: {reports}.",
        "As of the end of {day} (Almaty); annual reports accepted: {reports}.",
    ),
    "bad_day": W(
        "Дата не распознана: укажите день в формате ГГГГ-ММ-ДД между 2002 и 2100 годами.",
        "The date is not understood: give a day as YYYY-MM-DD between 2002 and 2100.",
    ),
    "zone_report_unreadable": W(
        "Дата не распознана; показан отчет на сегодня.",
        "The date is not understood; the report as of today is shown.",
    ),
    "zone_report_csv": W("Скачать CSV", "Download CSV"),
    "zone_report_pdf": W("Скачать PDF с графиками", "Download PDF with charts"),
    "zone_report_year": W(
        "{year} год: принято отчетов — {reports}, отчитавшихся участников — {participants}",
        "{year}: {reports} reports accepted, {participants} participants reporting",
    ),
    "zone_report_indicator": W("Показатель", "Indicator"),
    "zone_report_empty": W(
        "К этой дате нет ни принятых отчетов, ни уровней индикаторов.",
        "By that day there is neither an accepted report nor an indicator level.",
    ),
    "standing_no_level": W("уровень на год не установлен", "no level set for the year"),
    "standing_no_accepted_report": W("нет принятых отчетов", "no accepted report"),
    "standing_no_figure": W("не определено", "undefined"),
    "standing_not_reported": W(
        "не представляется в годовых отчетах", "not reported in the annual reports"
    ),
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
    "ResubmitAnnualReport": W("Представить исправленный отчет", "Resubmit the corrected report"),
    "DeclareGoodsConsumption": W(
        "Задекларировать потребление товаров СТЗ", "Declare free-zone goods consumed"
    ),
    "ConfirmGoodsConsumption": W("Подтвердить потребление товаров", "Confirm the consumption"),
    "RejectGoodsDeclaration": W("Отклонить декларацию о товарах", "Reject the goods declaration"),
    "RecordSiteVisit": W("Записать выездную проверку", "Record a site visit"),
    "RecordBreachCured": W("Отметить устранение нарушения", "Record the breach cured"),
    "ProposeAmendment": W("Предложить доп. соглашение", "Propose an amendment"),
    "ApproveAmendment": W("Утвердить доп. соглашение", "Approve the amendment"),
    "RejectAmendment": W("Отклонить доп. соглашение", "Reject the amendment"),
    "SignAmendment": W("Подписать доп. соглашение", "Sign the amendment"),
    "ProposeTermination": W("Предложить расторжение договора", "Propose termination"),
    "RequestTermination": W("Просить о расторжении договора", "Request termination"),
    "ConsentToTermination": W("Согласиться на расторжение", "Consent to the termination"),
    "ApproveTermination": W("Утвердить расторжение", "Approve the termination"),
    "RejectTermination": W("Отклонить расторжение", "Reject the termination"),
    "RecordRegisterEntry": W("Отметить внесение в реестр", "Record the register entry"),
    "RecordRegisterEntryClosed": W(
        "Отметить исключение из реестра", "Record the register entry closed"
    ),
    "RecordAuthorityNotified": W(
        "Отметить подтверждение госоргана", "Record an authority's acknowledgment"
    ),
    "AddAuditAnnotation": W("Добавить отметку аудитора", "Add an audit annotation"),
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

    def reason(self, code: str, message: str, field: str | None = None) -> str:
        """A domain rule's reason (a refusal, a screening finding) in this language, by its
        code and with the values its English message carries (api.console.domain_messages)."""
        from api.console.domain_messages import say_reason  # it reads this module's tables

        return say_reason(self.language, code, message, field)

    def reason_text(self, message: str) -> str:
        """A domain reason whose code is lost (the application form's problems), by its words."""
        from api.console.domain_messages import say_text  # it reads this module's tables

        return say_text(self.language, message)
