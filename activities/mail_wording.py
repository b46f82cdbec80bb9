"""The words pit's mail uses, in Russian and English: deadlines, events, authorities, grounds.

The templates (activities/templates/*.j2) hold the letters; this module holds the vocabulary
they fill in, so that every kind of deadline or event is worded once, a test can check that
each has both languages, and an unknown kind is refused before anything is sent.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal, NamedTuple

Language = Literal["ru", "en"]


class Wording(NamedTuple):
    """One phrase in both languages; ``{related_id}`` is filled in where a phrase has it."""

    ru: str
    en: str

    def say(self, language: str, related_id: str = "") -> str:
        """The phrase in ``language`` ("ru" or "en").

        Raises:
            ValueError: for another language.
        """
        if language == "ru":
            return self.ru.format(related_id=related_id)
        if language == "en":
            return self.en.format(related_id=related_id)
        raise ValueError(f"pit writes mail in ru and en, not {language!r}")

    @property
    def needs_related_id(self) -> bool:
        """True when the phrase names the related object (a report's year, a notice...)."""
        return "{related_id}" in self.ru


_ESCALATED = Wording(
    "просрочка фиксируется в журнале событий и передается руководству управляющей компании.",
    "the delay is recorded in the event log and escalated to the management company's management.",
)

DEADLINES: dict[str, Wording] = {
    "resubmission": Wording(
        "повторная подача заявки с учетом замечаний управляющей компании",
        "resubmission of the application with the management company's comments addressed",
    ),
    "decision": Wording(
        "решение по заявке на заключение договора об осуществлении деятельности",
        "the decision on the application for an agreement on carrying out activities",
    ),
    "signing": Wording(
        "подписание договора об осуществлении деятельности",
        "signing of the agreement on carrying out activities",
    ),
    "authorized_body_notice": Wording(
        "уведомление уполномоченного органа о заключении или прекращении договора",
        "notifying the authorized body of the agreement's conclusion or termination",
    ),
    "tax_authority_notice": Wording(
        "уведомление органа государственных доходов о заключении или прекращении договора",
        "notifying the state revenue authority of the agreement's conclusion or termination",
    ),
    "register_entry": Wording(
        "внесение участника в реестр участников специальных экономических зон",
        "entering the participant in the register of special economic zone participants",
    ),
    "register_closure": Wording(
        "исключение участника из реестра участников специальных экономических зон",
        "removing the participant from the register of special economic zone participants",
    ),
    "annual_report": Wording(
        "годовой отчет участника СЭЗ за {related_id} год",
        "the participant's annual report for {related_id}",
    ),
    "report_correction": Wording(
        "исправленный годовой отчет участника СЭЗ за {related_id} год",
        "the corrected annual report for {related_id}",
    ),
    "report_escalation": Wording(
        "представление просроченного годового отчета за {related_id} год",
        "submission of the overdue annual report for {related_id}",
    ),
    "cure_period": Wording(
        "устранение нарушения по уведомлению о нарушении № {related_id}",
        "curing the breach stated in breach notice No. {related_id}",
    ),
    "amendment_signing": Wording(
        "подписание дополнительного соглашения № {related_id} к договору",
        "signing of amendment No. {related_id} to the agreement",
    ),
    "agreement_end": Wording(
        "окончание срока действия договора об осуществлении деятельности",
        "the end of the term of the agreement on carrying out activities",
    ),
    "zone_report": Wording(
        "отчет управляющей компании о функционировании СЭЗ за период {related_id}",
        "the management company's report on the zone's operation for {related_id}",
    ),
}
"""What each kind of deadline asks for: a phrase that follows "What is due:"."""

IF_MISSED: dict[str, Wording] = {
    "resubmission": Wording(
        "заявка утрачивает силу, и ее рассмотрение прекращается; чтобы стать участником СЭЗ, "
        "потребуется подать новую заявку.",
        "the application lapses and its review ends; to become a participant, a new "
        "application will be needed.",
    ),
    "decision": Wording(
        "нарушается установленный срок рассмотрения заявки; " + _ESCALATED.ru,
        "the term for deciding on the application is breached; " + _ESCALATED.en,
    ),
    "signing": Wording(
        "решение о заключении договора утрачивает силу, и договор не заключается; "
        "потребуется подать новую заявку.",
        "the decision to conclude the agreement lapses and the agreement is not concluded; "
        "a new application will be needed.",
    ),
    "authorized_body_notice": Wording(
        "нарушается срок уведомления уполномоченного органа; " + _ESCALATED.ru,
        "the term for notifying the authorized body is breached; " + _ESCALATED.en,
    ),
    "tax_authority_notice": Wording(
        "нарушается срок уведомления органа государственных доходов; " + _ESCALATED.ru,
        "the term for notifying the state revenue authority is breached; " + _ESCALATED.en,
    ),
    "register_entry": Wording(
        "просрочка фиксируется в журнале событий, и управляющая компания направляет "
        "повторное обращение в уполномоченный орган.",
        "the delay is recorded in the event log and the management company follows up "
        "with the authorized body.",
    ),
    "register_closure": Wording(
        "просрочка фиксируется в журнале событий, и управляющая компания направляет "
        "повторное обращение в уполномоченный орган.",
        "the delay is recorded in the event log and the management company follows up "
        "with the authorized body.",
    ),
    "annual_report": Wording(
        "отчет считается просроченным; по истечении срока эскалации управляющая компания "
        "вправе направить уведомление о нарушении условий договора, а неустранение нарушения "
        "в установленный срок является основанием для досрочного расторжения договора.",
        "the report becomes overdue; after the escalation term the management company may "
        "issue a notice of breach of the agreement, and a breach not cured in time is a ground "
        "for early termination of the agreement.",
    ),
    "report_correction": Wording(
        "отчет считается непредставленным, с последствиями просроченного годового отчета: "
        "уведомление о нарушении условий договора и, если нарушение не устранено, досрочное "
        "расторжение договора.",
        "the report is treated as not submitted, with the consequences of an overdue annual "
        "report: a notice of breach and, if the breach is not cured, early termination of the "
        "agreement.",
    ),
    "report_escalation": Wording(
        "управляющая компания вправе направить уведомление о нарушении условий договора; "
        "неустранение нарушения в установленный срок является основанием для досрочного "
        "расторжения договора.",
        "the management company may issue a notice of breach of the agreement; a breach not "
        "cured in time is a ground for early termination of the agreement.",
    ),
    "cure_period": Wording(
        "управляющая компания вправе досрочно расторгнуть договор в одностороннем порядке.",
        "the management company may terminate the agreement early and unilaterally.",
    ),
    "amendment_signing": Wording(
        "дополнительное соглашение утрачивает силу, и договор продолжает действовать в "
        "прежней редакции.",
        "the amendment lapses and the agreement stays in force in its current wording.",
    ),
    "agreement_end": Wording(
        "договор прекращает действие, и участник утрачивает статус участника СЭЗ; чтобы "
        "продолжить деятельность в СЭЗ, заблаговременно обратитесь в управляющую компанию.",
        "the agreement expires and the participant loses the status of an SEZ participant; "
        "to continue in the zone, contact the management company in good time.",
    ),
    "zone_report": Wording(
        "нарушается срок представления отчета в уполномоченный орган; " + _ESCALATED.ru,
        "the term for reporting to the authorized body is breached; " + _ESCALATED.en,
    ),
}
"""What follows when a deadline passes: a sentence after "If the deadline is missed:"."""

EVENTS: dict[str, Wording] = {
    "DecisionOverdue": Wording(
        "истек срок принятия решения по заявке",
        "the term for deciding on the application has passed",
    ),
    "AnnualReportOverdue": Wording(
        "годовой отчет не представлен в срок",
        "the annual report was not submitted on time",
    ),
    "AnnualReportEscalated": Wording(
        "просроченный годовой отчет достиг срока эскалации",
        "the overdue annual report has reached the escalation term",
    ),
    "CurePeriodLapsed": Wording(
        "срок устранения нарушения истек, нарушение не устранено",
        "the cure period has lapsed and the breach is not cured",
    ),
    "ApplicationLapsed": Wording(
        "заявка не подана повторно в срок и утратила силу",
        "the application was not resubmitted in time and has lapsed",
    ),
    "SigningLapsed": Wording(
        "договор не подписан в срок",
        "the agreement was not signed in time",
    ),
    "AmendmentLapsed": Wording(
        "дополнительное соглашение не подписано в срок",
        "the amendment was not signed in time",
    ),
    "NoticeOverdue": Wording(
        "уведомление государственного органа не направлено в срок",
        "a notice to a government body was not sent in time",
    ),
    "RegisterEntryOverdue": Wording(
        "участник не внесен в реестр в срок",
        "the participant was not entered in the register in time",
    ),
    "ZoneReportOverdue": Wording(
        "отчет о функционировании СЭЗ не представлен в срок",
        "the zone report was not submitted on time",
    ),
}
"""What happened, for the staff: a phrase that follows "Event:"."""

EVENT_ACTIONS: dict[str, Wording] = {
    "DecisionOverdue": Wording(
        "Примите решение по заявке (заключить договор или отказать) без дальнейшей задержки.",
        "Decide on the application (conclude the agreement or refuse) without further delay.",
    ),
    "AnnualReportOverdue": Wording(
        "Свяжитесь с участником и напомните о представлении отчета; если просрочка "
        "сохранится, подготовьте уведомление о нарушении.",
        "Contact the participant about the report; if it stays overdue, prepare a breach notice.",
    ),
    "AnnualReportEscalated": Wording(
        "Рассмотрите направление участнику уведомления о нарушении условий договора.",
        "Consider issuing the participant a notice of breach of the agreement.",
    ),
    "CurePeriodLapsed": Wording(
        "Предложение о досрочном расторжении договора сформировано; решение принимает "
        "сотрудник, не направлявший уведомление о нарушении (принцип «четырех глаз»).",
        "A proposal to terminate the agreement early has been made; a staff member other than "
        "the one who issued the breach notice decides on it (four-eyes rule).",
    ),
    "ApplicationLapsed": Wording(
        "Убедитесь, что заявитель знает о прекращении рассмотрения; других действий по "
        "заявке не требуется.",
        "Make sure the applicant knows the review has ended; the application needs no "
        "further action.",
    ),
    "SigningLapsed": Wording(
        "Свяжитесь с участником: для заключения договора теперь потребуется новая заявка.",
        "Contact the participant: concluding an agreement now needs a new application.",
    ),
    "AmendmentLapsed": Wording(
        "Договор действует в прежней редакции; при необходимости подготовьте новое "
        "дополнительное соглашение.",
        "The agreement stays in its current wording; prepare a new amendment if it is still "
        "needed.",
    ),
    "NoticeOverdue": Wording(
        "Направьте уведомление в государственный орган незамедлительно.",
        "Send the notice to the government body at once.",
    ),
    "RegisterEntryOverdue": Wording(
        "Направьте в уполномоченный орган повторное обращение о внесении участника в реестр.",
        "Follow up with the authorized body about entering the participant in the register.",
    ),
    "ZoneReportOverdue": Wording(
        "Подготовьте и направьте отчет о функционировании СЭЗ в уполномоченный орган "
        "незамедлительно.",
        "Prepare and send the zone report to the authorized body at once.",
    ),
}
"""What the staff should do about each event."""

AUTHORITIES: dict[str, Wording] = {
    "authorized_body": Wording(
        "Уполномоченному органу в области создания, функционирования и упразднения "
        "специальных экономических и индустриальных зон",
        "To the authorized body for the creation, operation and abolition of special economic "
        "and industrial zones",
    ),
    "tax_authority": Wording(
        "Органу государственных доходов",
        "To the state revenue authority",
    ),
}
"""The addressee line of a notice to each government body."""

NOTICES: dict[str, Wording] = {
    "conclusion": Wording(
        "о заключении договора об осуществлении деятельности",
        "of conclusion of the agreement on carrying out activities",
    ),
    "termination": Wording(
        "о прекращении договора об осуществлении деятельности",
        "of termination of the agreement on carrying out activities",
    ),
}
"""What a notice is of: the words after "Notice"."""

TERMINATION_GROUNDS: dict[str, Wording] = {
    "expiry": Wording("истечение срока действия договора", "expiry of the agreement's term"),
    "zone_end": Wording(
        "прекращение функционирования (упразднение) специальной экономической зоны",
        "the end (abolition) of the special economic zone",
    ),
    "mutual_consent": Wording("соглашение сторон", "mutual consent of the parties"),
    "participant_request": Wording("инициатива участника", "the participant's request"),
    "uncured_breach": Wording(
        "неустранение участником нарушения условий договора (одностороннее расторжение "
        "управляющей компанией)",
        "the participant's failure to cure a breach of the agreement (unilateral termination "
        "by the management company)",
    ),
    "liquidation": Wording("ликвидация участника", "liquidation of the participant"),
    "court_decision": Wording("решение суда", "a court decision"),
}
"""Why an agreement ended, as a notice to a government body states it."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COUNT = re.compile(r"^\d{1,5}$")


def parse_iso_date(value: str) -> date:
    """A date written ``YYYY-MM-DD``.

    Raises:
        ValueError: for anything else (also the compact ``YYYYMMDD`` Python would accept).
    """
    if _ISO_DATE.fullmatch(value) is None:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return date.fromisoformat(value)


def almaty_date(value: str) -> str:
    """An ISO date as Kazakhstan writes dates: "2027-03-31" becomes "31.03.2027"."""
    return parse_iso_date(value).strftime("%d.%m.%Y")


def is_day_count(value: str) -> bool:
    """True for a whole number of days as the contexts carry it ("0", "30")."""
    return _COUNT.fullmatch(value) is not None


def days(count: str, language: str) -> str:
    """A number of days with the noun agreeing: "1 день", "3 дня", "30 дней"; "1 day", "2 days".

    Raises:
        ValueError: when ``count`` is not a whole number, or for a language other than ru/en.
    """
    if not is_day_count(count):
        raise ValueError(f"not a number of days: {count!r}")
    n = int(count)
    if language == "en":
        return f"{n} day" if n == 1 else f"{n} days"
    if language != "ru":
        raise ValueError(f"pit writes mail in ru and en, not {language!r}")
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} дня"
    return f"{n} дней"
