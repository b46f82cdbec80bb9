"""Every letter pit sends, in Russian then English, for every kind of deadline and event."""

from __future__ import annotations

import re

import pytest
from jinja2 import meta
from pydantic import ValidationError

from activities.mail import (
    CONTEXT_KEYS,
    LANGUAGE_DIVIDER,
    MailContextError,
    OutgoingMail,
    RenderedMail,
    SmtpSettings,
    _environment,
    message_id_for,
    render,
)
from activities.mail_wording import (
    AUTHORITIES,
    DEADLINES,
    EVENT_ACTIONS,
    EVENTS,
    IF_MISSED,
    NOTICES,
    TERMINATION_GROUNDS,
    days,
)
from domain.agreement.reminders import ESCALATION_EVENTS
from domain.agreement.vocabulary import Authority, DeadlineKind, TerminationGround

REMINDER = {
    "recipient_name": "Айгерим Сапарова",
    "agreement_id": "ag-2025-0042",
    "participant_name": "ТОО «Кодекс Технолоджиз»",
    "bin": "180340021795",
    "deadline": "annual_report",
    "related_id": "2026",
    "due_on": "2027-03-31",
    "days": "30",
    "basis": "Decree 1166 Reg. §9.3",
}

NOTICE = {
    "authority": "authorized_body",
    "of": "conclusion",
    "notice_id": "notice-7",
    "agreement_id": "ag-2025-0042",
    "agreement_number": "ПИТ-42/2025",
    "participant_name": "ТОО «Кодекс Технолоджиз»",
    "bin": "180340021795",
    "effective_date": "2025-01-15",
    "end_date": "2035-01-14",
    "termination_ground": "",
    "issued_on": "2025-01-15",
    "management_company": "АО «Парк инновационных технологий»",
}


def halves(mail: RenderedMail) -> tuple[str, str]:
    """The Russian and the English part of a body, in that order."""
    russian, english = mail.body.split(LANGUAGE_DIVIDER)
    return russian, english


def subject_halves(mail: RenderedMail) -> tuple[str, str]:
    russian, english = mail.subject.split(" / ")
    return russian, english


def cyrillic_beyond(english: str, context: dict[str, str]) -> list[str]:
    """Cyrillic words in the English part other than the names and numbers it was given."""
    for value in context.values():
        english = english.replace(value, "")
    return re.findall(r"\w*[а-яёәғқңөұүһі]\w*", english, flags=re.IGNORECASE)


def test_every_deadline_and_termination_ground_of_the_domain_has_words() -> None:
    assert {kind.value for kind in DeadlineKind} <= DEADLINES.keys()
    assert DEADLINES.keys() == IF_MISSED.keys()
    assert EVENTS.keys() == EVENT_ACTIONS.keys()
    assert {ground.value for ground in TerminationGround} == TERMINATION_GROUNDS.keys()
    assert {authority.value for authority in Authority} == AUTHORITIES.keys()


@pytest.mark.parametrize("template", ["reminder_before", "reminder_overdue"])
@pytest.mark.parametrize("deadline", sorted(DEADLINES))
def test_a_reminder_says_what_is_due_by_when_and_what_follows_in_both_languages(
    template: str, deadline: str
) -> None:
    mail = render(template, REMINDER | {"deadline": deadline})  # type: ignore[arg-type]

    russian, english = halves(mail)
    subject_ru, subject_en = subject_halves(mail)
    label = DEADLINES[deadline]
    assert label.say("ru", "2026") in russian
    assert label.say("ru", "2026") in subject_ru
    assert label.say("en", "2026") in english
    assert label.say("en", "2026") in subject_en
    assert IF_MISSED[deadline].ru in russian
    assert IF_MISSED[deadline].en in english
    assert "31.03.2027" in russian
    assert "31.03.2027" in english
    assert "31.03.2027" in subject_en
    assert "2027-03-31" not in mail.body + mail.subject
    assert "Здравствуйте, Айгерим Сапарова!" in russian
    assert "Dear Айгерим Сапарова," in english
    assert "БИН 180340021795" in russian
    assert "BIN 180340021795" in english
    assert "Decree 1166 Reg. §9.3" in russian
    assert "Decree 1166 Reg. §9.3" in english
    assert not cyrillic_beyond(english, REMINDER)


def test_a_reminder_before_counts_the_days_left_and_an_overdue_one_the_days_late() -> None:
    before = render("reminder_before", REMINDER | {"days": "21"})
    overdue = render("reminder_overdue", REMINDER | {"days": "3"})
    today = render("reminder_before", REMINDER | {"days": "0"})

    assert "через 21 день" in before.body
    assert "in 21 days" in before.body
    assert "просрочка — 3 дня" in overdue.body
    assert "overdue by 3 days" in overdue.body
    assert "(сегодня)" in today.body
    assert "(today)" in today.body


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_a_staff_escalation_names_the_event_and_what_to_do_in_both_languages(
    event: str,
) -> None:
    mail = render("staff_escalation", REMINDER | {"event": event, "days": "5"})

    russian, english = halves(mail)
    subject_ru, subject_en = subject_halves(mail)
    assert EVENTS[event].ru in russian
    assert EVENTS[event].ru in subject_ru
    assert EVENTS[event].en in english
    assert EVENTS[event].en in subject_en
    assert EVENT_ACTIONS[event].ru in russian
    assert EVENT_ACTIONS[event].en in english
    assert "просрочка — 5 дней" in russian
    assert "overdue by 5 days" in english
    assert not cyrillic_beyond(english, REMINDER)
    assert "31.03.2027" in russian
    assert "31.03.2027" in english


def test_every_escalation_the_domain_sends_names_an_event_with_words() -> None:
    assert set(ESCALATION_EVENTS.values()) <= EVENTS.keys()


def test_mail_about_the_zone_itself_names_no_participant() -> None:
    zone = REMINDER | {
        "agreement_id": "zone-PIT",
        "participant_name": "",
        "bin": "",
        "deadline": "zone_report",
    }
    for mail in (
        render("reminder_before", zone),
        render("staff_escalation", zone | {"event": "ZoneReportOverdue"}),
    ):
        assert "Участник СЭЗ" not in mail.body
        assert "SEZ participant" not in mail.body
        assert "БИН" not in mail.subject + mail.body
        assert "zone-PIT" in mail.body


@pytest.mark.parametrize("of", sorted(NOTICES))
@pytest.mark.parametrize("authority", sorted(AUTHORITIES))
def test_a_notice_to_a_government_body_is_a_formal_letter_citing_the_law(
    authority: str, of: str
) -> None:
    ground = "expiry" if of == "termination" else ""
    mail = render(
        "authority_notice",
        NOTICE | {"authority": authority, "of": of, "termination_ground": ground},
    )

    russian, english = halves(mail)
    subject_ru, subject_en = subject_halves(mail)
    assert russian.startswith(AUTHORITIES[authority].ru)
    assert english.strip().startswith(AUTHORITIES[authority].en)
    assert subject_ru.startswith(f"Уведомление {NOTICES[of].ru} № ПИТ-42/2025")
    assert subject_en.startswith(f"Notice {NOTICES[of].en} No. ПИТ-42/2025")
    assert "«О специальных экономических и индустриальных зонах» № 242-VI" in russian
    assert '"On special economic and industrial zones" No. 242-VI' in english
    assert "Исх. № notice-7 от 15.01.2025" in russian
    assert "Ref. No. notice-7 of 15.01.2025" in english
    assert "15.01.2025" in russian
    assert "14.01.2035" in english
    assert "2035-01-14" not in mail.body
    assert not cyrillic_beyond(english, NOTICE)


def test_a_notice_of_termination_states_its_ground_and_the_day_it_ended() -> None:
    for ground, words in TERMINATION_GROUNDS.items():
        mail = render(
            "authority_notice",
            NOTICE | {"of": "termination", "termination_ground": ground, "end_date": "2027-06-30"},
        )
        russian, english = halves(mail)
        assert f"Основание прекращения: {words.ru}" in russian
        assert f"Ground of termination: {words.en}" in english
        assert "Дата прекращения договора: 30.06.2027" in russian
        assert "Agreement terminated on: 30.06.2027" in english

    without = render("authority_notice", NOTICE | {"of": "termination"})
    assert "Основание прекращения" not in without.body
    assert "Ground of termination" not in without.body


@pytest.mark.parametrize(
    ("template", "key"),
    [(template, key) for template, keys in CONTEXT_KEYS.items() for key in sorted(keys)],
)
def test_a_missing_context_key_is_refused_naming_it(template: str, key: str) -> None:
    full = NOTICE if template == "authority_notice" else REMINDER | {"event": "NoticeOverdue"}
    context = {k: v for k, v in full.items() if k != key}

    with pytest.raises(MailContextError, match=rf"missing {key}$"):
        render(template, context)  # type: ignore[arg-type]


@pytest.mark.parametrize("template", sorted(CONTEXT_KEYS))
def test_each_template_uses_only_the_keys_its_context_declares(template: str) -> None:
    environment = _environment()
    assert environment.loader is not None
    source, _, _ = environment.loader.get_source(environment, f"{template}.j2")
    used = meta.find_undeclared_variables(environment.parse(source))
    assert used <= CONTEXT_KEYS[template]  # type: ignore[index]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"due_on": "31.03.2027"}, "due_on"),
        ({"due_on": "20270331"}, "due_on"),
        ({"days": "thirty"}, "days"),
        ({"days": "-1"}, "days"),
        ({"deadline": "annual_reports"}, "deadline"),
        ({"related_id": ""}, "related_id"),
    ],
)
def test_a_context_value_of_the_wrong_kind_is_refused_naming_its_key(
    change: dict[str, str], named: str
) -> None:
    with pytest.raises(MailContextError, match=named):
        render("reminder_before", REMINDER | change)


def test_notices_refuse_unknown_authorities_grounds_and_dates() -> None:
    for change, named in [
        ({"authority": "akimat"}, "authority"),
        ({"of": "amendment"}, "of"),
        ({"termination_ground": "bankruptcy"}, "termination_ground"),
        ({"issued_on": "2025-02-30"}, "issued_on"),
    ]:
        with pytest.raises(MailContextError, match=named):
            render("authority_notice", NOTICE | change)


def test_a_deadline_about_nothing_in_particular_needs_no_related_id() -> None:
    mail = render("reminder_before", REMINDER | {"deadline": "signing", "related_id": ""})
    assert "подписание договора об осуществлении деятельности" in mail.body


@pytest.mark.parametrize(
    ("count", "russian", "english"),
    [
        ("0", "0 дней", "0 days"),
        ("1", "1 день", "1 day"),
        ("2", "2 дня", "2 days"),
        ("4", "4 дня", "4 days"),
        ("5", "5 дней", "5 days"),
        ("11", "11 дней", "11 days"),
        ("14", "14 дней", "14 days"),
        ("21", "21 день", "21 days"),
        ("22", "22 дня", "22 days"),
        ("111", "111 дней", "111 days"),
        ("101", "101 день", "101 days"),
    ],
)
def test_days_agree_with_their_number_in_russian_and_english(
    count: str, russian: str, english: str
) -> None:
    assert days(count, "ru") == russian
    assert days(count, "en") == english


# --- what a mail is ----------------------------------------------------------------------------


def outgoing(**change: object) -> dict[str, object]:
    return {
        "mail_id": "annual_report:2026:2027-03-31:before-30",
        "to": ("director@kodeks.kz", "staff@sez-pit.localhost"),
        "template": "reminder_before",
        "context": REMINDER,
        "stream_id": "agreement-ag-2025-0042",
        "correlation_id": "reminder-annual_report-2026",
    } | change


def test_an_outgoing_mail_is_checked_where_it_is_made() -> None:
    mail = OutgoingMail.model_validate(outgoing())
    assert mail.to == ("director@kodeks.kz", "staff@sez-pit.localhost")

    for change, named in [
        ({"mail_id": "has space"}, "mail_id"),
        ({"mail_id": "x" * 201}, "mail_id"),
        ({"to": ()}, "to"),
        ({"to": tuple(f"p{n}@kodeks.kz" for n in range(21))}, "to"),
        ({"to": ("not-an-address",)}, "not an e-mail address"),
        ({"to": ("a@b@kodeks.kz",)}, "not an e-mail address"),
        ({"template": "newsletter"}, "template"),
        ({"context": {k: v for k, v in REMINDER.items() if k != "bin"}}, "missing bin"),
    ]:
        with pytest.raises(ValidationError, match=named):
            OutgoingMail.model_validate(outgoing(**change))


def test_an_outgoing_mail_is_frozen() -> None:
    mail = OutgoingMail.model_validate(outgoing())
    with pytest.raises(ValidationError):
        mail.mail_id = "another"  # type: ignore[misc]


def test_the_message_id_is_the_same_for_every_attempt_and_valid_in_a_header() -> None:
    first = message_id_for("annual_report:2026:2027-03-31:before-30")

    assert first == message_id_for("annual_report:2026:2027-03-31:before-30")
    # RFC 5322 msg-id: "<" dot-atom-text "@" dot-atom-text ">"
    atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
    assert re.fullmatch(rf"<{atom}(\.{atom})*@{atom}(\.{atom})*>", first), first
    assert first.startswith("<annual_report-2026-2027-03-31-be")
    # Ids that fold to the same slug still get their own Message-ID.
    assert message_id_for("a:b") != message_id_for("a/b")
    assert len(message_id_for("x" * 200)) < 70


# --- where mail goes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.kz", ("mail.example.kz", 25, None, False, None)),
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, None, False, None)),
        ("smtp://u%40x:p%3Ass@mail.kz:587?starttls=true", ("mail.kz", 587, "u@x", False, True)),
        ("smtp://mail.kz?starttls=false", ("mail.kz", 25, None, False, False)),
        ("smtps://bot:secret@mail.kz", ("mail.kz", 465, "bot", True, None)),
        ("SMTPS://mail.kz:2465/", ("mail.kz", 2465, None, True, None)),
    ],
)
def test_smtp_settings_are_read_from_a_url(
    url: str, expected: tuple[str, int, str | None, bool, bool | None]
) -> None:
    smtp = SmtpSettings.from_url(url)
    assert (smtp.host, smtp.port, smtp.username, smtp.implicit_tls, smtp.starttls) == expected


def test_the_smtp_password_is_decoded_and_never_shown() -> None:
    smtp = SmtpSettings.from_url("smtp://u%40x:p%3Ass@mail.kz:587?starttls=true")

    assert smtp.password is not None
    assert smtp.password.get_secret_value() == "p:ss"
    assert "p:ss" not in repr(smtp)
    assert "p%3Ass" not in repr(smtp)
    assert smtp.url == "smtp://u@x@mail.kz:587?starttls=true"


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.kz",
        "mail.kz:25",
        "smtp://:hunter2@:25",
        "smtp://user:hunter2@mail.kz:99999",
        "smtp://user:hunter2@mail.kz:0",
        "smtp://user:hunter2@mail.kz/inbox",
        "smtp://user:hunter2@mail.kz?tls=yes",
        "smtp://user:hunter2@mail.kz?starttls=maybe",
        "smtps://user:hunter2@mail.kz?starttls=true",
    ],
)
def test_a_bad_smtp_url_is_refused_naming_smtp_url_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP_URL") as refused:
        SmtpSettings.from_url(url)
    assert "hunter2" not in str(refused.value)
