"""The SMTP catcher of `pit up` keeps mail in a Maildir, and `pit mail` reads it back."""

from __future__ import annotations

import json
import socket
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.activities.caught_mail import caught
from tests.ports import free_port
from workers.mail_catcher import MailCatcher, mail_catcher, mail_server

SUBJECT = "Напоминание: годовой отчет за 2026 год / Reminder: the annual report for 2026"


async def send_one(url_port: int, mail_id: str = "annual_report:2026:before-30") -> None:
    message = EmailMessage()
    message["From"] = "pit@sez-pit.localhost"
    message["To"] = "director@kodeks.kz"
    message["Subject"] = SUBJECT
    message["Date"] = "Mon, 01 Mar 2027 09:30:00 +0500"
    message["X-Pit-Mail-Id"] = mail_id
    message.set_content("Здравствуйте!\n\nDear participant,\n", charset="utf-8")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=url_port, timeout=10)


def port_of(catcher: MailCatcher) -> int:
    return int(catcher.url.rsplit(":", 1)[1])


async def test_the_catcher_keeps_each_message_in_a_maildir_under_pit_home(
    tmp_path: Path,
) -> None:
    with mail_catcher(tmp_path / "home", 0) as catcher:
        assert catcher.url.startswith("smtp://127.0.0.1:")
        assert catcher.maildir == tmp_path / "home" / "mail"
        await send_one(port_of(catcher))
        await send_one(port_of(catcher), "annual_report:2026:before-7")

        messages = caught(catcher.maildir)

    assert [str(m["Subject"]) for m in messages] == [SUBJECT, SUBJECT]
    assert {str(m["X-Pit-Mail-Id"]) for m in messages} == {
        "annual_report:2026:before-30",
        "annual_report:2026:before-7",
    }
    with socket.socket() as probe:  # stopped: nothing listens any more
        assert probe.connect_ex(("127.0.0.1", port_of(catcher))) != 0


def test_a_catcher_on_a_taken_port_says_which_setting_to_change(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match="PIT_SMTP_PORT"), mail_catcher(tmp_path, port):
            pass


def test_with_smtp_url_set_no_catcher_runs_and_the_password_is_not_shown(
    tmp_path: Path,
) -> None:
    port = free_port()
    with mail_server(f"smtp://bot:hunter2@127.0.0.1:{port}", tmp_path, 0) as server:
        assert server.maildir is None
        assert server.url == f"smtp://bot:hunter2@127.0.0.1:{port}"
        assert server.summary == f"smtp://bot@127.0.0.1:{port}"
    assert not (tmp_path / "mail").exists()


def test_a_bad_smtp_url_stops_pit_up_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SMTP_URL"), mail_server("http://mail.kz", tmp_path, 0):
        pass


async def test_pit_mail_lists_the_caught_mail_and_shows_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    with mail_catcher(home, 0) as catcher:
        await send_one(port_of(catcher))
    monkeypatch.setenv("PIT_HOME", str(home))
    runner = CliRunner()

    listed = runner.invoke(app, ["mail", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    (entry,) = json.loads(listed.output)
    assert entry["subject"] == SUBJECT
    assert entry["to"] == "director@kodeks.kz"
    assert entry["date"] == "2027-03-01T09:30:00+05:00"
    assert entry["mail_id"] == "annual_report:2026:before-30"

    table = runner.invoke(app, ["mail", "list"], env={"COLUMNS": "240"})
    assert table.exit_code == 0, table.output
    assert "director@kodeks.kz" in table.output

    for key in (entry["key"], entry["mail_id"]):
        shown = runner.invoke(app, ["mail", "show", key])
        assert shown.exit_code == 0, shown.output
        assert f"Subject: {SUBJECT}" in shown.output
        assert "Здравствуйте!" in shown.output

    missing = runner.invoke(app, ["mail", "show", "no-such-mail"])
    assert missing.exit_code == 1
    assert "pit mail list" in missing.output


def test_pit_mail_list_without_any_mail_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIT_HOME", str(tmp_path))
    runner = CliRunner()

    assert json.loads(runner.invoke(app, ["mail", "list", "--json"]).output) == []
    assert "no mail" in runner.invoke(app, ["mail", "list"]).output
