"""Users, API tokens, console sessions and login attempts in PostgreSQL.

The store runs as ``pit_app`` like the event store, so the database itself refuses to delete
a user or to change a user's id, role or BIN. Every time it writes comes from its clock.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import NamedTuple, Self

import asyncpg
from argon2 import PasswordHasher
from asyncpg.pool import PoolConnectionProxy

from api.accounts import credentials, sql
from api.accounts.errors import (
    AccountDisabled,
    CsrfRejected,
    InvalidAccountInput,
    InvalidSession,
    InvalidToken,
    LoginTaken,
    TokenExpired,
    TooManyAttempts,
    UnknownLoginOrPassword,
    UnknownToken,
    UnknownUser,
)
from api.accounts.passwords import Passwords, check_password
from api.accounts.policy import MAX_TOKEN_TTL, LoginLimits, SessionPolicy
from api.accounts.users import (
    AccountRole,
    User,
    check_bin_for_role,
    check_display_name,
    check_email,
    check_login,
    check_role,
)
from eventstore.connection import APP_ROLE, open_app_pool
from eventstore.pg_errors import unavailable_as_store_error

Clock = Callable[[], datetime]

_MAX_RECORDED = 100  # longest login or remote address kept in login_attempts


class IssuedToken(NamedTuple):
    """A new API token: its id (for listings and revocation) and the bearer, shown once."""

    token_id: str
    bearer: str


class NewSession(NamedTuple):
    """A new console session: the id for the HttpOnly cookie and its CSRF token for forms."""

    session_id: str
    csrf_token: str


def _now() -> datetime:
    return datetime.now(UTC)


def _user(row: asyncpg.Record) -> User:
    return User(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        role=AccountRole(row["role"]),
        bin=row["bin"],
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
    )


class AccountStore:
    """Accounts for the API, the console and `pit users`; one per process, with its own pool.

    Open it with ``await AccountStore.open(dsn)`` and close it on shutdown.
    """

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        *,
        clock: Clock = _now,
        hasher: PasswordHasher | None = None,
        limits: LoginLimits | None = None,
        sessions: SessionPolicy | None = None,
    ) -> None:
        """Use an open pool set up by ``eventstore.connection.connection_setup``.

        Prefer :meth:`open`, which builds the pool.
        """
        self._pool = pool
        self._clock = clock
        self._passwords = Passwords(hasher)
        self.limits = limits or LoginLimits()
        self.session_policy = sessions or SessionPolicy()

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        clock: Clock = _now,
        hasher: PasswordHasher | None = None,
        limits: LoginLimits | None = None,
        sessions: SessionPolicy | None = None,
        max_size: int = 4,
        app_role: str | None = APP_ROLE,
        connect_timeout: float = 10.0,
    ) -> Self:
        """Connect a pool as the event store does (``SET ROLE pit_app``) and return the store.

        Args:
            dsn: a ``postgresql://`` URL of a database migrated to ``0006_accounts``.
            clock: the time of every row written and of every expiry check.
            hasher: argon2id parameters (default: argon2-cffi's RFC 9106 low-memory profile).
            limits: failed logins tolerated (default: 5 per login, 20 per address, 15 min).
            sessions: console session lifetime (default: 8 h idle, 8 h absolute).
            max_size: most connections at once.
            app_role: role to ``SET ROLE`` to when the login may (None: stay the login).
            connect_timeout: seconds to wait for a connection.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        pool = await open_app_pool(
            dsn,
            what="the accounts",
            app_role=app_role,
            max_size=max_size,
            connect_timeout=connect_timeout,
        )
        try:
            store = cls(pool, clock=clock, hasher=hasher, limits=limits, sessions=sessions)
            await store._passwords.prepare()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def _connection(self, what: str) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        async with unavailable_as_store_error(what), self._pool.acquire() as connection:
            yield connection

    # --- users ---------------------------------------------------------------------------

    async def add_user(
        self,
        login: str,
        *,
        role: AccountRole | str,
        password: str,
        display_name: str | None = None,
        email: str | None = None,
        bin: str | None = None,
    ) -> User:
        """Add a user; the password is stored only as an argon2id hash.

        Args:
            login: the user's id (``reviewer-aliya``), fixed for ever.
            role: one of :class:`AccountRole` (never ``system``).
            password: at least 12 characters, not the login, name or e-mail.
            display_name: the name shown (default: the login).
            email: where pit may write to the user, or None.
            bin: a participant's BIN (required for participants, refused for staff).

        Raises:
            InvalidAccountInput: naming the field and rule broken.
            LoginTaken: a user with this login exists (disabled ones included).
        """
        login = check_login(login)
        checked_role = check_role(role)
        checked_bin = check_bin_for_role(checked_role, bin)
        name = check_display_name(display_name if display_name is not None else login)
        checked_email = check_email(email)
        check_password(password, login=login, others=(name, checked_email))
        password_hash = await self._passwords.hash(password)
        async with self._connection("adding a user") as connection:
            try:
                row = await connection.fetchrow(
                    sql.INSERT_USER,
                    login,
                    name,
                    checked_email,
                    checked_role.value,
                    checked_bin,
                    password_hash,
                    self._clock(),
                )
            except asyncpg.UniqueViolationError:
                raise LoginTaken(login) from None
        assert row is not None
        return _user(row)

    async def get(self, login: str) -> User:
        """The user with this login.

        Raises:
            UnknownUser: no user has it.
        """
        async with self._connection("reading a user") as connection:
            row = await connection.fetchrow(sql.GET_USER, login)
        if row is None:
            raise UnknownUser(login)
        return _user(row)

    async def list_users(self) -> list[User]:
        """Every user, disabled ones included, by login."""
        async with self._connection("listing users") as connection:
            rows = await connection.fetch(sql.LIST_USERS)
        return [_user(row) for row in rows]

    async def disable(self, login: str) -> User:
        """Refuse the user any login, token or session from now on; ends their sessions.

        Their tokens are kept but refused while disabled. Disabling twice keeps the first time.

        Raises:
            UnknownUser: no user has this login.
        """
        now = self._clock()
        async with self._connection("disabling a user") as connection, connection.transaction():
            row = await connection.fetchrow(sql.DISABLE_USER, login, now)
            if row is None:
                raise UnknownUser(login)
            await connection.execute(sql.REVOKE_SESSIONS_OF_USER, login, now)
        return _user(row)

    async def enable(self, login: str) -> User:
        """Let a disabled user log in again (their old sessions stay ended).

        Raises:
            UnknownUser: no user has this login.
        """
        async with self._connection("enabling a user") as connection:
            row = await connection.fetchrow(sql.ENABLE_USER, login)
        if row is None:
            raise UnknownUser(login)
        return _user(row)

    async def set_password(self, login: str, password: str) -> None:
        """Replace a user's password and end all their sessions.

        Raises:
            UnknownUser: no user has this login.
            InvalidAccountInput: ``weak_password``.
        """
        user = await self.get(login)
        check_password(password, login=login, others=(user.display_name, user.email))
        password_hash = await self._passwords.hash(password)
        async with (
            self._connection("changing a password") as connection,
            connection.transaction(),
        ):
            await connection.execute(sql.SET_PASSWORD, login, password_hash)
            await connection.execute(sql.REVOKE_SESSIONS_OF_USER, login, self._clock())

    # --- logging in ----------------------------------------------------------------------

    async def authenticate(self, login: str, password: str, remote: str) -> User:
        """The user whose login and password these are.

        The attempt is recorded as a failure before anything is checked, then counted: if it
        is one too many for the login or for ``remote`` it is marked throttled and refused
        without looking at the password. An unknown login is verified against a dummy hash, so
        it takes as long as a wrong password. A hash made with older parameters is replaced.

        Args:
            login: as typed (surrounding spaces and upper case are forgiven).
            password: as typed.
            remote: the client's address, as the API sees it.

        Raises:
            TooManyAttempts: too many recent failures; ``retry_after`` says when to try again.
            UnknownLoginOrPassword: either was wrong (never saying which).
            AccountDisabled: the password is right but the user is disabled.
        """
        login = login.strip().lower()[:_MAX_RECORDED]
        remote = remote[:_MAX_RECORDED]
        now = self._clock()
        async with self._connection("checking a login") as connection:
            attempt = await connection.fetchval(sql.RECORD_ATTEMPT, login, remote, now)
            retry_after = await self._retry_after(connection, login, remote, now)
            if retry_after is not None:
                await connection.execute(sql.MARK_ATTEMPT_THROTTLED, attempt)
                raise TooManyAttempts(retry_after)
            row = await connection.fetchrow(sql.GET_USER_WITH_HASH, login)
        # The connection goes back to the pool while argon2 works.
        stored_hash: str | None = row["password_hash"] if row is not None else None
        # Verified even for an unknown login (against the dummy hash): the same time either way.
        matches = await self._passwords.verify(stored_hash, password)
        if row is None or not matches:
            raise UnknownLoginOrPassword()
        user = _user(row)
        if user.disabled:
            raise AccountDisabled(login)
        async with self._connection("recording a login") as connection:
            if stored_hash is not None and self._passwords.needs_rehash(stored_hash):
                new_hash = await self._passwords.hash(password)
                await connection.execute(sql.REHASH_PASSWORD, login, stored_hash, new_hash)
            await connection.execute(sql.MARK_ATTEMPT_SUCCEEDED, attempt)
        return user

    async def _retry_after(
        self,
        connection: PoolConnectionProxy[asyncpg.Record],
        login: str,
        remote: str,
        now: datetime,
    ) -> int | None:
        """Seconds until the attempt just recorded would be allowed, or None if it is."""
        since = now - self.limits.window
        blocked_by = [
            await connection.fetchval(
                sql.LOGIN_FAILURE_OVER_LIMIT, login, since, self.limits.per_login
            ),
            await connection.fetchval(
                sql.REMOTE_FAILURE_OVER_LIMIT, remote, since, self.limits.per_remote
            ),
        ]
        waits = [
            (failed_at + self.limits.window - now).total_seconds()
            for failed_at in blocked_by
            if failed_at is not None
        ]
        return max(1, math.ceil(max(waits))) if waits else None

    # --- API tokens ----------------------------------------------------------------------

    async def issue_token(self, user: User | str, name: str, ttl: timedelta) -> IssuedToken:
        """A new bearer token for an enabled user; only the SHA-256 of its secret is stored.

        Args:
            user: the user (or login) the token acts as.
            name: what it is for (``"nightly export"``), 1-100 characters.
            ttl: how long it lives, up to a year.

        Raises:
            InvalidAccountInput: ``invalid_token_name`` or ``invalid_ttl``.
            UnknownUser: no user has this login.
            AccountDisabled: the user is disabled.
        """
        login = user.id if isinstance(user, User) else user
        name = name.strip()
        if not 1 <= len(name) <= 100 or not name.isprintable():
            raise InvalidAccountInput(
                "a token's name has 1 to 100 printable characters",
                code="invalid_token_name",
                field="name",
            )
        if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
            raise InvalidAccountInput(
                f"a token lives more than nothing and at most {MAX_TOKEN_TTL.days} days",
                code="invalid_ttl",
                field="ttl",
            )
        token_id, secret = credentials.new_token()
        now = self._clock()
        async with self._connection("issuing a token") as connection:
            issued = await connection.fetchval(
                sql.INSERT_TOKEN,
                token_id,
                login,
                credentials.digest(secret),
                name,
                now,
                now + ttl,
            )
        if issued is None:
            await self.get(login)  # raises UnknownUser
            raise AccountDisabled(login)
        return IssuedToken(token_id, credentials.bearer(token_id, secret))

    async def user_for_token(self, bearer: str) -> User:
        """The user a bearer token acts as; marks the token used.

        Raises:
            InvalidToken: malformed, unknown, wrong secret or revoked.
            TokenExpired: past its expiry.
            AccountDisabled: its user is disabled.
        """
        parsed = credentials.parse_bearer(bearer)
        if parsed is None:
            raise InvalidToken()
        token_id, secret = parsed
        now = self._clock()
        async with self._connection("checking a token") as connection:
            row = await connection.fetchrow(sql.TOKEN_WITH_USER, token_id)
            if row is None or not credentials.same_digest(row["secret_sha256"], secret):
                raise InvalidToken()
            if row["revoked_at"] is not None:
                raise InvalidToken("the API token has been revoked")
            if row["expires_at"] <= now:
                raise TokenExpired()
            user = _user(row)
            if user.disabled:
                raise AccountDisabled(user.id)
            await connection.execute(sql.TOUCH_TOKEN, token_id, now)
        return user

    async def revoke_token(self, token_id: str) -> None:
        """Refuse a token from now on (revoking twice keeps the first time).

        Raises:
            UnknownToken: no token has this id.
        """
        async with self._connection("revoking a token") as connection:
            revoked = await connection.fetchval(sql.REVOKE_TOKEN, token_id, self._clock())
        if revoked is None:
            raise UnknownToken(token_id)

    # --- console sessions ----------------------------------------------------------------

    async def start_session(self, user: User | str) -> NewSession:
        """A new console session for an enabled user; only its id's SHA-256 is stored.

        Raises:
            UnknownUser: no user has this login.
            AccountDisabled: the user is disabled.
        """
        login = user.id if isinstance(user, User) else user
        session_id = credentials.new_session_id()
        now = self._clock()
        async with self._connection("starting a session") as connection:
            started = await connection.fetchval(
                sql.INSERT_SESSION,
                credentials.digest(session_id),
                login,
                now,
                now + self.session_policy.absolute,
            )
        if started is None:
            await self.get(login)  # raises UnknownUser
            raise AccountDisabled(login)
        return NewSession(session_id, credentials.csrf_token_for(session_id))

    async def user_for_session(self, session_id: str) -> User:
        """The user of a live session; counts as activity for the idle timeout.

        Raises:
            InvalidSession: unknown, ended, idle too long or past its lifetime.
            AccountDisabled: its user is disabled.
        """
        now = self._clock()
        key = credentials.digest(session_id)
        async with self._connection("checking a session") as connection:
            row = await connection.fetchrow(sql.SESSION_WITH_USER, key)
            if (
                row is None
                or row["revoked_at"] is not None
                or row["expires_at"] <= now
                or row["last_seen_at"] + self.session_policy.idle <= now
            ):
                raise InvalidSession()
            user = _user(row)
            if user.disabled:
                raise AccountDisabled(user.id)
            await connection.execute(sql.TOUCH_SESSION, key, now)
        return user

    async def end_session(self, session_id: str) -> None:
        """Log out: the session is refused from now on (unknown or ended ones are ignored)."""
        async with self._connection("ending a session") as connection:
            await connection.execute(sql.END_SESSION, credentials.digest(session_id), self._clock())

    async def check_csrf(self, session_id: str, token: str) -> User:
        """The user of a live session whose CSRF token ``token`` is; for every unsafe request.

        Raises:
            CsrfRejected: ``token`` is not the session's CSRF token.
            InvalidSession: as :meth:`user_for_session`.
            AccountDisabled: as :meth:`user_for_session`.
        """
        if not credentials.csrf_matches(session_id, token):
            raise CsrfRejected()
        return await self.user_for_session(session_id)

    @staticmethod
    def csrf_token(session_id: str) -> str:
        """The CSRF token of a session, for the forms the console renders."""
        return credentials.csrf_token_for(session_id)
