"""The login the workers and the API connect as: a member of ``pit_app`` and of nothing else.

Migrations run as the database's owner; the processes connect as this login, so a process
that is compromised cannot become the owner (``RESET ROLE`` returns to the login, which holds
only what ``pit_app`` holds, and ``SET ROLE`` to the owner is refused). ``pit db migrate
--app-login ROLE`` calls :func:`ensure_app_login` after the migrations, with the password from
``PIT_APP_DB_PASSWORD``: the role is created the first time and its password set every time
(so changing the variable rotates it), then checked for anything beyond ``pit_app``'s rights.

The password reaches the server only as a SCRAM-SHA-256 verifier computed here (libpq's
``PQencryptPasswordConn``, what ``psql``'s ``\\password`` uses): never in a statement the
server might log.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg import errors, sql

from eventstore.connection import APP_ROLE

PASSWORD_VARIABLE = "PIT_APP_DB_PASSWORD"  # noqa: S105 - a variable's name, no password
"""The environment variable ``pit db migrate --app-login`` reads the login's password from."""

MIN_PASSWORD_LENGTH = 16

_LOGIN_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# It goes into DATABASE_URL as it is: only characters a URL carries unchanged.
_URL_SAFE_PASSWORD = re.compile(r"^[A-Za-z0-9._~-]+$")
_GUARDED_TABLES = ("events", "checkpoints")
_CHANGES = ("UPDATE", "DELETE", "TRUNCATE")

CREATE_LOGIN = sql.SQL(
    "CREATE ROLE {login} LOGIN PASSWORD {verifier}"
    " NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
)
SET_PASSWORD = sql.SQL("ALTER ROLE {login} WITH LOGIN PASSWORD {verifier}")
GRANT_APP_ROLE = sql.SQL("GRANT {app_role} TO {login}")

LOGIN_EXISTS = "SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %(login)s)"

LOGIN_RIGHTS = """
SELECT r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
       r.rolbypassrls,
       pg_has_role(r.oid, %(app_role)s, 'USAGE') AS has_app_role,
       pg_has_role(r.oid, current_user, 'MEMBER') AS may_become_owner,
       ARRAY(SELECT g.rolname::text
               FROM pg_catalog.pg_auth_members m
               JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
              WHERE m.member = r.oid AND g.rolname <> %(app_role)s
              ORDER BY 1) AS other_roles,
       EXISTS (SELECT FROM pg_catalog.pg_class WHERE relowner = r.oid)
           OR EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspowner = r.oid)
           OR EXISTS (SELECT FROM pg_catalog.pg_database
                       WHERE datname = current_database() AND datdba = r.oid) AS owns_something
  FROM pg_catalog.pg_roles r
 WHERE r.rolname = %(login)s
"""

MAY_CHANGE = "SELECT has_table_privilege(%(login)s, %(table)s, %(change)s)"


class AppLoginUnsafe(Exception):
    """The login exists with more than ``pit_app``'s rights; nothing was changed."""


def check_login(login: str, password: str) -> None:
    """Refuse a login name or password ``pit db migrate --app-login`` would not use.

    Raises:
        ValueError: a name that is not a plain lower-case identifier (or is ``pit_app`` or a
            ``pg_`` role), or a password that is short or would need escaping in a URL.
    """
    if _LOGIN_NAME.fullmatch(login) is None or login.startswith("pg_"):
        raise ValueError(f"not a plain lower-case role name: {login!r}")
    if login == APP_ROLE:
        raise ValueError(f"the login must be another role than {APP_ROLE}, a member of it")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"the login's password is shorter than {MIN_PASSWORD_LENGTH} characters"
            " (e.g. openssl rand -hex 32)"
        )
    if _URL_SAFE_PASSWORD.fullmatch(password) is None:
        raise ValueError(
            "the login's password goes into DATABASE_URL unescaped: use letters, digits"
            " and . _ ~ - only (e.g. openssl rand -hex 32)"
        )


def login_problems(connection: psycopg.Connection[Any], login: str) -> list[str]:
    """What ``login`` may do beyond ``pit_app``: empty when it is a plain member of it.

    Raises:
        LookupError: there is no role ``login``.
    """
    rights = connection.execute(LOGIN_RIGHTS, {"login": login, "app_role": APP_ROLE}).fetchone()
    if rights is None:
        raise LookupError(f"there is no role {login}")
    (can_login, superuser, create_db, create_role, replication, bypass_rls) = rights[:6]
    has_app_role, may_become_owner, other_roles, owns_something = rights[6:]
    problems: list[str] = []
    if not can_login:
        problems.append(f"{login} may not log in")
    for held, attribute in (
        (superuser, "SUPERUSER"),
        (create_db, "CREATEDB"),
        (create_role, "CREATEROLE"),
        (replication, "REPLICATION"),
        (bypass_rls, "BYPASSRLS"),
    ):
        if held:
            problems.append(f"{login} has {attribute}")
    if not has_app_role:
        problems.append(f"{login} does not inherit {APP_ROLE}'s privileges")
    if may_become_owner:
        problems.append(f"{login} is a member of the owner that runs the migrations")
    if other_roles:
        problems.append(f"{login} is also a member of {', '.join(other_roles)}")
    if owns_something:
        problems.append(f"{login} owns this database or objects in it")
    for table in _GUARDED_TABLES:
        for change in _CHANGES:
            allowed = connection.execute(
                MAY_CHANGE, {"login": login, "table": table, "change": change}
            ).fetchone()
            if allowed is not None and allowed[0]:
                problems.append(f"{login} may {change} {table}")
    return problems


def ensure_app_login(dsn: str, login: str, password: str) -> bool:
    """Create ``login`` (or set its password), a member of ``pit_app``, and check it.

    Run as the owner that ran the migrations (it must be allowed to create roles and to grant
    ``pit_app``); safe to run again and from several processes. Everything happens in one
    transaction: a login found unsafe keeps its old password.

    Args:
        dsn: a ``postgresql://`` URL of the owner, on a migrated database.
        login: the role the workers and the API will connect as.
        password: its password (also the one in their DATABASE_URL).

    Returns:
        True if the role was created, False if it existed (its password is set anew).

    Raises:
        ValueError: see :func:`check_login`; also a login that is the owner itself.
        AppLoginUnsafe: the login may do more than ``pit_app`` (each problem named).
    """
    check_login(login, password)
    with psycopg.connect(dsn, autocommit=True) as connection:
        owner = connection.execute("SELECT current_user").fetchone()
        if owner is not None and owner[0] == login:
            raise ValueError(f"{login} is the owner that runs the migrations, not a login of pit's")
        verifier = connection.pgconn.encrypt_password(
            password.encode(), login.encode(), b"scram-sha-256"
        ).decode()
        names = {"login": sql.Identifier(login), "verifier": sql.Literal(verifier)}
        with connection.transaction():
            created = False
            exists = connection.execute(LOGIN_EXISTS, {"login": login}).fetchone()
            if exists is not None and not exists[0]:
                try:
                    with connection.transaction():
                        connection.execute(CREATE_LOGIN.format(**names))
                    created = True
                except (errors.DuplicateObject, errors.UniqueViolation):
                    pass  # another migrate on the cluster made it meanwhile: set its password
            if not created:
                connection.execute(SET_PASSWORD.format(**names))
            connection.execute(
                GRANT_APP_ROLE.format(
                    app_role=sql.Identifier(APP_ROLE), login=sql.Identifier(login)
                )
            )
            problems = login_problems(connection, login)
            if problems:
                raise AppLoginUnsafe("; ".join(problems))
        return created
