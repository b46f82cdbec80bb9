"""Every word the console shows exists in Russian and English: statuses, tasks, actions, the
labels of every form field, and the deadlines (worded once, with the mail)."""

from __future__ import annotations

from api.console.actions import ACTION_FIELDS, REFUSAL_GROUNDS
from api.console.applying import FIELD_LABELS
from api.console.i18n import COMMANDS, STATUSES, TASKS, UI, Words
from domain.agreement import DeadlineKind, Status
from projections import TaskKind


def test_every_status_task_and_action_has_both_languages() -> None:
    assert {s.value for s in Status} <= STATUSES.keys()
    assert {k.value for k in TaskKind} <= TASKS.keys()
    assert set(ACTION_FIELDS) <= COMMANDS.keys()
    for wording in (*STATUSES.values(), *TASKS.values(), *COMMANDS.values(), *UI.values()):
        assert wording.ru
        assert wording.en


def test_every_form_label_is_a_phrase_of_the_interface() -> None:
    labels = {f.label for fields in ACTION_FIELDS.values() for f in fields}
    assert labels | set(FIELD_LABELS.values()) <= UI.keys()
    russian, english = Words("ru"), Words("en")
    assert all(russian.ground(g) != g and english.ground(g) != g for g in REFUSAL_GROUNDS)


def test_deadlines_are_worded_as_the_mail_words_them() -> None:
    russian, english = Words("ru"), Words("en")
    assert russian.deadline("annual_report", "2026") == "годовой отчет участника СЭЗ за 2026 год"
    assert english.deadline("annual_report", "2026") == "the participant's annual report for 2026"
    assert all(russian.deadline(kind.value, "1") != kind.value for kind in DeadlineKind)
    assert english("no_such_phrase") == "[no_such_phrase]"
