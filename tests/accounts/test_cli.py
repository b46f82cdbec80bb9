"""`pit users`, as an operator runs it: passwords from a prompt or stdin, never arguments; exit
code 0 done, 1 refused, 2 usage or settings."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from api.accounts import AccountRole, AccountStore
from cli.main import app
from cli.users import ROLES
from tests.accounts.conftest import BIN, STRONG

pytestmark = pytest.mark.postgres


@pytest.fixture
def pit(fresh_dsn: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`pit` against the test's own migrated database."""
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    return CliRunner()


def listed(pit: CliRunner) -> list[dict[str, object]]:
    result = pit.invoke(app, ["users", "list", "--json"])
    assert result.exit_code == 0, result.output
    users: list[dict[str, object]] = json.loads(result.stdout)
    return users


def test_users_are_added_with_passwords_from_stdin_or_a_prompt_and_listed(
    pit: CliRunner,
) -> None:
    added = pit.invoke(
        app,
        [
            *["users", "add", "alatau-software", "--role", "participant", "--bin", BIN],
            *["--name", "ТОО «Алатау Софт»", "--email", "office@alatau.test", "--password-stdin"],
        ],
        input=f"{STRONG}\n",
    )
    assert added.exit_code == 0, added.output
    assert "added alatau-software (participant, BIN 940140000385)" in added.stdout

    prompted = pit.invoke(
        app, ["users", "add", "reviewer-aliya", "--role", "reviewer"], input=f"{STRONG}\n" * 2
    )
    assert prompted.exit_code == 0, prompted.output
    assert STRONG not in prompted.output  # the prompt does not echo it

    assert [(u["id"], u["role"], u["bin"], u["display_name"]) for u in listed(pit)] == [
        ("alatau-software", "participant", BIN, "ТОО «Алатау Софт»"),
        ("reviewer-aliya", "reviewer", None, "reviewer-aliya"),
    ]
    table = pit.invoke(app, ["users", "list"])
    assert table.exit_code == 0
    assert "alatau-software" in table.stdout
    assert "active" in table.stdout


def test_refusals_exit_1_and_say_why(pit: CliRunner) -> None:
    def add(*args: str, password: str = STRONG) -> tuple[int, str]:
        result = pit.invoke(app, ["users", "add", *args, "--password-stdin"], input=password)
        return result.exit_code, result.stderr

    assert add("reviewer-aliya", "--role", "reviewer")[0] == 0
    code, said = add("reviewer-aliya", "--role", "admin")
    assert (code, "taken" in said) == (1, True)
    code, said = add("approver-dana", "--role", "approver", password="too short")
    assert (code, "(password)" in said, "at least 12 characters" in said) == (1, True, True)
    code, said = add("alatau-software", "--role", "participant")
    assert (code, "(bin)" in said) == (1, True)
    code, said = add("approver-dana", "--role", "approver", "--bin", BIN)
    assert (code, "(bin)" in said) == (1, True)
    assert [u["id"] for u in listed(pit)] == ["reviewer-aliya"]

    assert pit.invoke(app, ["users", "disable", "nobody-here"]).exit_code == 1


def test_disable_and_enable(pit: CliRunner) -> None:
    pit.invoke(
        app,
        ["users", "add", "reviewer-aliya", "--role", "reviewer", "--password-stdin"],
        input=STRONG,
    )
    assert pit.invoke(app, ["users", "disable", "reviewer-aliya"]).exit_code == 0
    assert listed(pit)[0]["disabled_at"] is not None
    assert "disabled" in pit.invoke(app, ["users", "list"]).stdout
    assert pit.invoke(app, ["users", "enable", "reviewer-aliya"]).exit_code == 0
    assert listed(pit)[0]["disabled_at"] is None


def test_a_token_is_printed_once_alone_on_stdout_and_works(pit: CliRunner, fresh_dsn: str) -> None:
    pit.invoke(
        app,
        ["users", "add", "auditor-erlan", "--role", "auditor", "--password-stdin"],
        input=STRONG,
    )
    issued = pit.invoke(app, ["users", "token", "auditor-erlan", "--name", "export", "--days", "7"])
    assert issued.exit_code == 0, issued.output
    bearer = issued.stdout.strip()
    assert "shown only now" in issued.stderr

    async def holder() -> str:
        async with await AccountStore.open(fresh_dsn) as accounts:
            return (await accounts.user_for_token(bearer)).id

    assert asyncio.run(holder()) == "auditor-erlan"

    token_id = bearer.split("_")[1]
    assert pit.invoke(app, ["users", "revoke-token", token_id]).exit_code == 0
    assert pit.invoke(app, ["users", "token", "nobody-here", "--name", "x"]).exit_code == 1


def test_usage_and_settings_errors_exit_2(pit: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown_role = pit.invoke(app, ["users", "add", "pit", "--role", "system"], input=STRONG)
    assert unknown_role.exit_code == 2
    too_long = pit.invoke(app, ["users", "token", "someone", "--name", "x", "--days", "400"])
    assert too_long.exit_code == 2

    monkeypatch.delenv("DATABASE_URL")
    for command in (["list"], ["disable", "someone"], ["add", "someone", "--role", "admin"]):
        result = pit.invoke(app, ["users", *command], input=STRONG)
        assert result.exit_code == 2
        assert "DATABASE_URL" in result.stderr


def test_the_cli_offers_exactly_the_account_roles() -> None:
    assert tuple(role.value for role in AccountRole) == ROLES
