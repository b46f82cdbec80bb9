"""Adding, listing, disabling and enabling users; what the database refuses by itself."""

from __future__ import annotations

import random

import asyncpg
import pytest
from argon2 import PasswordHasher

from api.accounts import (
    AccountRole,
    AccountStore,
    InvalidAccountInput,
    LoginTaken,
    UnknownUser,
)
from domain.actors import Actor, Role
from domain.bin import parse_bin
from domain.errors import InvalidInput
from tests.accounts.conftest import BIN, BRANCH_BIN, STRONG, FakeClock

pytestmark = pytest.mark.postgres


async def test_added_users_are_listed_by_login_and_disabling_and_enabling_shows(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user(
        "reviewer-aliya", role="reviewer", password=STRONG, display_name="Алия Серикова"
    )
    participant = await accounts.add_user(
        "alatau-software",
        role=AccountRole.PARTICIPANT,
        password=STRONG,
        email="office@alatau.test",
        bin=BIN,
    )
    assert participant.display_name == "alatau-software"  # the login when no name is given
    assert participant.created_at == clock.now

    users = await accounts.list_users()
    assert [(u.id, u.role, u.bin) for u in users] == [
        ("alatau-software", AccountRole.PARTICIPANT, BIN),
        ("reviewer-aliya", AccountRole.REVIEWER, None),
    ]

    clock.advance(hours=1)
    disabled = await accounts.disable("reviewer-aliya")
    assert disabled.disabled
    assert disabled.disabled_at == clock.now
    clock.advance(hours=1)
    assert (await accounts.disable("reviewer-aliya")).disabled_at == disabled.disabled_at
    assert (await accounts.get("reviewer-aliya")).disabled

    assert not (await accounts.enable("reviewer-aliya")).disabled


async def test_a_login_is_never_given_twice(accounts: AccountStore) -> None:
    await accounts.add_user("approver-dana", role="approver", password=STRONG)
    await accounts.disable("approver-dana")
    with pytest.raises(LoginTaken) as taken:
        await accounts.add_user("approver-dana", role="admin", password=STRONG)
    assert (taken.value.code, taken.value.field) == ("login_taken", "login")


async def test_unknown_logins_are_named_when_an_administrator_acts_on_them(
    accounts: AccountStore,
) -> None:
    for action in (accounts.get, accounts.disable, accounts.enable):
        with pytest.raises(UnknownUser) as unknown:
            await action("nobody-here")
        assert (unknown.value.code, unknown.value.field) == ("unknown_user", "login")


async def test_only_an_argon2id_hash_is_stored_never_the_password(
    fresh_dsn: str, superuser: asyncpg.Connection[asyncpg.Record]
) -> None:
    # The production hasher, once: what an operator's `pit users add` stores.
    async with await AccountStore.open(fresh_dsn) as accounts:
        await accounts.add_user("auditor-erlan", role="auditor", password=STRONG)
    row = await superuser.fetchrow("SELECT * FROM users WHERE id = 'auditor-erlan'")
    assert row is not None
    stored = row["password_hash"]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify(stored, STRONG)
    assert all(STRONG not in str(value) for value in row.values())


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short-pass1", "at least 12 characters"),
        ("reviewer-aliya", "not the login"),
        ("REVIEWER-ALIYA", "not the login"),
        ("Aliya Serikova", "not the login, name"),
        ("x" * 1025, "at most 1024 characters"),
    ],
)
async def test_weak_passwords_are_refused_naming_the_field_and_rule(
    accounts: AccountStore, password: str, rule: str
) -> None:
    with pytest.raises(InvalidAccountInput) as weak:
        await accounts.add_user(
            "reviewer-aliya", role="reviewer", password=password, display_name="Aliya Serikova"
        )
    assert (weak.value.code, weak.value.field) == ("weak_password", "password")
    assert rule in str(weak.value)
    assert await accounts.list_users() == []


@pytest.mark.parametrize(
    ("role", "bin_", "code"),
    [
        ("participant", None, "bin_required"),
        ("participant", "940140000386", "invalid_bin"),  # wrong check digit
        ("participant", "94014000038", "invalid_bin"),
        ("participant", BRANCH_BIN, "bin_not_head_office"),
        ("reviewer", BIN, "bin_not_allowed"),
        ("admin", BIN, "bin_not_allowed"),
    ],
)
async def test_a_bin_is_required_of_participants_valid_and_refused_for_staff(
    accounts: AccountStore, role: str, bin_: str | None, code: str
) -> None:
    with pytest.raises(InvalidAccountInput) as refused:
        await accounts.add_user("someone", role=role, password=STRONG, bin=bin_)
    assert (refused.value.code, refused.value.field) == (code, "bin")


@pytest.mark.parametrize(
    ("login", "role", "field", "code"),
    [
        ("Reviewer", "reviewer", "login", "invalid_login"),
        ("ab", "reviewer", "login", "invalid_login"),
        ("-dash-first", "reviewer", "login", "invalid_login"),
        ("pit-itself", "system", "role", "invalid_role"),
    ],
)
async def test_malformed_logins_and_the_system_role_are_refused(
    accounts: AccountStore, login: str, role: str, field: str, code: str
) -> None:
    with pytest.raises(InvalidAccountInput) as refused:
        await accounts.add_user(login, role=role, password=STRONG)
    assert (refused.value.field, refused.value.code) == (field, code)


async def test_a_malformed_email_is_refused(accounts: AccountStore) -> None:
    with pytest.raises(InvalidAccountInput) as refused:
        await accounts.add_user("admin-marat", role="admin", password=STRONG, email="not mail")
    assert (refused.value.field, refused.value.code) == ("email", "invalid_email")


async def test_a_user_acts_as_the_domain_actor_of_its_role_and_bin(
    accounts: AccountStore,
) -> None:
    participant = await accounts.add_user(
        "alatau-software", role="participant", password=STRONG, bin=BIN
    )
    reviewer = await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    assert participant.actor() == Actor(id="alatau-software", role=Role.APPLICANT, bin=BIN)
    assert reviewer.actor() == Actor(id="reviewer-aliya", role=Role.REVIEWER)


async def test_the_database_refuses_a_participant_without_a_valid_bin_and_staff_with_one(
    superuser: asyncpg.Connection[asyncpg.Record],
) -> None:
    insert = (
        "INSERT INTO users (id, display_name, role, bin, password_hash, created_at) "
        "VALUES ($1, $1, $2, $3, '$argon2id$v=19$m=1024,t=1,p=1$x$y', now())"
    )
    for role, bin_ in [
        ("participant", None),
        ("participant", "940140000386"),
        ("reviewer", BIN),
    ]:
        with pytest.raises(asyncpg.CheckViolationError):
            await superuser.execute(insert, "someone", role, bin_)
    with pytest.raises(asyncpg.CheckViolationError):
        await superuser.execute(insert, "pit-itself", "system", None)
    await superuser.execute(insert, "alatau-software", "participant", BIN)


async def test_the_databases_bin_check_agrees_with_the_domains(
    superuser: asyncpg.Connection[asyncpg.Record],
) -> None:
    draw = random.Random(20260302)
    candidates = [
        f"{draw.randrange(100):02d}{draw.randint(0, 13):02d}{draw.choice('3456')}"
        f"{draw.choice('01234')}{draw.randrange(10**6):06d}"
        for _ in range(5000)
    ] + ["", "abc", "94014000038x", "9401400003855", "９４０１４０００００３８５"]
    rows = await superuser.fetch(
        "SELECT value, pit_bin_is_valid(value) AS valid FROM unnest($1::text[]) AS value",
        candidates,
    )

    def domain_says(value: str) -> bool:
        try:
            parse_bin(value)
        except InvalidInput:
            return False
        return True

    disagreements = [r["value"] for r in rows if r["valid"] != domain_says(r["value"])]
    assert disagreements == []
    assert sum(r["valid"] for r in rows) > 100  # the sample holds valid BINs too


async def test_the_application_role_can_neither_delete_users_nor_change_their_role(
    accounts: AccountStore, superuser: asyncpg.Connection[asyncpg.Record]
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    await superuser.execute("SET ROLE pit_app")
    for statement in (
        "DELETE FROM users",
        "DELETE FROM api_tokens",
        "DELETE FROM sessions",
        "DELETE FROM login_attempts",
        "UPDATE users SET role = 'admin'",
        "UPDATE api_tokens SET secret_sha256 = '\\x00'",
        "TRUNCATE users CASCADE",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await superuser.execute(statement)
    assert [u.id for u in await accounts.list_users()] == ["reviewer-aliya"]
