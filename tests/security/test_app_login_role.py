"""The workers and the API connect as a login that is a member of ``pit_app`` and of nothing
else, made by ``pit db migrate --app-login`` (what the compose file's ``migrate`` runs), while
the migrations run as the owner. Connected as that login, not as a superuser who SETs ROLE, pit's
real store appends and reads, and nothing changes or removes an event: not UPDATE, DELETE or
TRUNCATE, not RESET ROLE first, not becoming the owner, not a migration.

The test server trusts loopback logins, so the password in the login's URL is not checked at
connection here: the stored SCRAM verifier is checked against it instead (RFC 5802).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import psycopg
import pytest
import pytest_asyncio
from typer.testing import CliRunner, Result

from cli.main import app
from cli.status import _postgres as postgres_status
from eventstore import PostgresEventStore
from eventstore.app_login import PASSWORD_VARIABLE, login_problems
from eventstore.connection import APP_ROLE
from eventstore.integrity import guard_problems
from eventstore.migrations import apply_migrations
from tests.eventstore.builders import event, new_stream
from tests.eventstore.conftest import with_database

pytestmark = pytest.mark.postgres


def as_login(dsn: str, login: str, password: str) -> str:
    """The same server and database, logging in as ``login``."""
    parts = urlsplit(dsn)
    host = parts.netloc.rpartition("@")[2]  # empty for a socket given as ?host=
    return urlunsplit(parts._replace(netloc=f"{login}:{password}@{host}"))


def migrate(owner_dsn: str, *arguments: str, password: str | None = None) -> Result:
    """``pit db migrate ARGUMENTS`` as the owner, as compose's ``migrate`` service runs it."""
    env = {"DATABASE_URL": owner_dsn, PASSWORD_VARIABLE: password}
    return CliRunner().invoke(app, ["db", "migrate", *arguments], env=env)


def verifies(verifier: str, password: str) -> bool:
    """Whether a stored ``SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`` is
    ``password``'s (RFC 5802; an ASCII password is its own SASLprep)."""
    mechanism, rest = verifier.split("$", 1)
    parameters, keys = rest.split("$")
    iterations, salt = parameters.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    return (
        mechanism == "SCRAM-SHA-256"
        and hmac.compare_digest(hashlib.sha256(client_key).digest(), stored_key)
        and hmac.compare_digest(hmac.digest(salted, b"Server Key", "sha256"), server_key)
    )


@dataclass
class Cluster:
    """Databases and roles made for one test, dropped at its end (roles are cluster-wide)."""

    admin_dsn: str
    run: str = field(default_factory=lambda: secrets.token_hex(4))
    databases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    async def database(self) -> str:
        name = f"pit_test_login_{self.run}_{len(self.databases)}"
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.databases.append(name)
        return with_database(self.admin_dsn, name)

    def role(self, what: str) -> str:
        name = f"pit_test_{what}_{self.run}"
        self.roles.append(name)
        return name

    async def drop(self) -> None:
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            for name in self.databases:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for name in self.roles:
                await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
        finally:
            await admin.close()


@dataclass(frozen=True)
class Deployed:
    owner_dsn: str
    owner: str
    login: str
    password: str

    @property
    def login_dsn(self) -> str:
        return as_login(self.owner_dsn, self.login, self.password)


@pytest_asyncio.fixture
async def cluster(admin_database_url: str) -> AsyncIterator[Cluster]:
    made = Cluster(admin_database_url)
    try:
        yield made
    finally:
        await made.drop()


@pytest_asyncio.fixture
async def deployed(cluster: Cluster) -> Deployed:
    """A fresh database migrated by its owner, with the app's login made as compose makes it."""
    owner_dsn = await cluster.database()
    login, password = cluster.role("app_login"), secrets.token_hex(16)
    made = migrate(owner_dsn, "--app-login", login, password=password)
    assert made.exit_code == 0, made.output
    assert f"created the login {login}, a member of {APP_ROLE} only" in made.output
    owner = await asyncpg.connect(owner_dsn)
    try:
        owner_name = await owner.fetchval(
            "SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()"
        )
    finally:
        await owner.close()
    return Deployed(owner_dsn, owner_name, login, password)


def stored_verifier(deployed: Deployed) -> str:
    with psycopg.connect(deployed.owner_dsn) as owner:
        row = owner.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (deployed.login,)
        ).fetchone()
    assert row is not None
    verifier: str = row[0]
    return verifier


async def test_migrate_makes_the_login_a_member_of_pit_app_and_of_nothing_else(
    deployed: Deployed,
) -> None:
    with psycopg.connect(deployed.owner_dsn) as owner:
        assert login_problems(owner, deployed.login) == []
        memberships = owner.execute(
            "SELECT roleid::regrole::text FROM pg_auth_members WHERE member = %s::regrole",
            (deployed.login,),
        ).fetchall()
        attributes = owner.execute(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication,"
            " rolbypassrls FROM pg_roles WHERE rolname = %s",
            (deployed.login,),
        ).fetchone()
    assert memberships == [(APP_ROLE,)]
    assert attributes == (True, False, False, False, False, False)
    verifier = stored_verifier(deployed)
    assert deployed.password not in verifier
    assert verifies(verifier, deployed.password)


async def test_migrate_again_rotates_the_password_and_keeps_the_login(deployed: Deployed) -> None:
    before = stored_verifier(deployed)
    new_password = secrets.token_hex(16)
    again = migrate(deployed.owner_dsn, "--app-login", deployed.login, password=new_password)
    assert again.exit_code == 0, again.output
    assert "the event store schema is up to date" in again.output
    assert f"set the password of the login {deployed.login}" in again.output
    after = stored_verifier(deployed)
    assert after != before
    assert verifies(after, new_password)
    assert not verifies(after, deployed.password)


async def test_the_login_runs_pits_store_as_pit_app(deployed: Deployed) -> None:
    stream = new_stream()
    async with await PostgresEventStore.open(deployed.login_dsn) as store:
        appended = await store.append(stream, [event(), event()], 0)
        assert appended.stream_version == 2
        assert [e.stream_version for e in await store.read_stream(stream)] == [1, 2]
        assert [e.stream_id for e in await store.read_all()] == [stream, stream]
        assert (await store.verify()).ok
        async with store.connection("checking the role") as connection:
            roles = await connection.fetchrow("SELECT session_user, current_user")
            assert tuple(roles) == (deployed.login, APP_ROLE)
    # An auditor's own connection (no SET ROLE) reads the guard with the login's rights.
    connection = await asyncpg.connect(deployed.login_dsn)
    try:
        assert await guard_problems(connection) == []
    finally:
        await connection.close()


UPDATE = "UPDATE events SET data = '{}'::json"
# What a compromised process might try: statements that succeed first, then the one refused.
ATTEMPTS: dict[str, tuple[list[str], str]] = {
    "update": ([], UPDATE),
    "delete": ([], "DELETE FROM events"),
    "truncate": ([], "TRUNCATE events"),
    "reset role, then update": (["RESET ROLE"], UPDATE),
    "reset role, then delete": (["RESET ROLE"], "DELETE FROM events"),
    "reset role, then truncate": (["RESET ROLE"], "TRUNCATE events"),
    "set role to the owner": ([], "SET ROLE <owner>"),
    "reset role, then set role to the owner": (["RESET ROLE"], "SET ROLE <owner>"),
    "set session authorization to the owner": ([], "SET SESSION AUTHORIZATION <owner>"),
    "disable the guard triggers": ([], "ALTER TABLE events DISABLE TRIGGER USER"),
    "drop the events": ([], "DROP TABLE events"),
    "migrate: create a table": (["RESET ROLE"], "CREATE TABLE events_copy (LIKE events)"),
    "make itself superuser": (["RESET ROLE"], "ALTER ROLE CURRENT_USER SUPERUSER"),
    "make a role": (["RESET ROLE"], "CREATE ROLE pit_test_intruder LOGIN"),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS), ids=list(ATTEMPTS))
async def test_the_login_can_neither_change_events_nor_become_the_owner(
    deployed: Deployed, attempt: str
) -> None:
    setup, attempted = ATTEMPTS[attempt]
    refused = attempted.replace("<owner>", deployed.owner)
    stream = new_stream()
    async with await PostgresEventStore.open(deployed.login_dsn, notify=False) as store:
        await store.append(stream, [event()], 0)
        before = await store.read_stream(stream)
        # The store's own connection (SET ROLE pit_app done), as a compromised process holds it.
        async with store.connection("trying to change the log") as connection:
            for statement in setup:
                await connection.execute(statement)
            assert await connection.fetchval("SELECT current_user") in (deployed.login, APP_ROLE)
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(refused)
            assert await connection.fetchval("SELECT session_user") == deployed.login
        assert await store.read_stream(stream) == before
        assert (await store.verify()).ok


async def test_the_login_cannot_run_the_migrations(cluster: Cluster, deployed: Deployed) -> None:
    empty = await cluster.database()
    with pytest.raises(psycopg.errors.ProgrammingError):  # yoyo's own tables refused first
        apply_migrations(as_login(empty, deployed.login, deployed.password))
    with psycopg.connect(empty) as owner:
        made = owner.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public'"
        ).fetchone()
    assert made == (0,)


async def test_migrate_refuses_a_login_with_more_than_pit_apps_rights(cluster: Cluster) -> None:
    owner_dsn = await cluster.database()
    login = cluster.role("too_strong")
    admin = await asyncpg.connect(owner_dsn)
    try:
        await admin.execute(f"CREATE ROLE {login} LOGIN CREATEDB")
    finally:
        await admin.close()

    refused = migrate(owner_dsn, "--app-login", login, password=secrets.token_hex(16))

    assert refused.exit_code == 1, refused.output
    assert f"{login} has CREATEDB" in refused.output
    with psycopg.connect(owner_dsn) as owner:
        row = owner.execute(
            "SELECT rolpassword, pg_has_role(%s, %s, 'MEMBER') FROM pg_authid WHERE rolname = %s",
            (login, APP_ROLE, login),
        ).fetchone()
    assert row == (None, False)  # nothing changed: no password, not made a member


async def test_migrate_refuses_the_owner_as_the_login(deployed: Deployed) -> None:
    refused = migrate(
        deployed.owner_dsn, "--app-login", deployed.owner, password=secrets.token_hex(16)
    )
    assert refused.exit_code == 2, refused.output
    assert "is the owner that runs the migrations" in refused.output


@pytest.mark.parametrize(
    ("password", "said"),
    [
        (None, f"{PASSWORD_VARIABLE} is not set"),
        ("short", "shorter than 16 characters"),
        ("p@ss/word:needs%escaping", "goes into DATABASE_URL unescaped"),
    ],
)
def test_migrate_refuses_a_missing_or_unusable_password_before_connecting(
    password: str | None, said: str
) -> None:
    unreachable = "postgresql://pit@127.0.0.1:1/none"
    refused = migrate(unreachable, "--app-login", "pit_app_login", password=password)
    assert refused.exit_code == 2, refused.output
    assert said in refused.output


async def test_pit_status_reads_everything_it_shows_as_the_login(deployed: Deployed) -> None:
    found = await postgres_status(deployed.login_dsn, datetime.now(UTC))

    assert found["up"] is True
    assert found["migrations"]["pending"] == []
    assert found["migrations"]["applied"] == found["migrations"]["available"]
    assert {"projections", "signed_checkpoint", "agreements_by_status", "mail"} <= set(found)
