"""How the store's connections are set up: JSON codecs and the application's role."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any, TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from eventstore import sql
from eventstore.pg_errors import unavailable_as_store_error

APP_ROLE = "pit_app"
"""The role with INSERT and SELECT only on events (created by the migrations)."""

Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
"""A connection of its own or one borrowed from the pool; both run the same queries."""

InitCallback: TypeAlias = Callable[
    ["asyncpg.Connection[asyncpg.Record]"], Coroutine[Any, Any, None]
]

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _encode_json(value: Any) -> bytes:
    # The store passes canonical JSON bytes it has already hashed: send exactly those.
    if isinstance(value, bytes):
        return value
    return orjson.dumps(value)


def _raw_bytes(value: bytes) -> bytes:
    return value


async def set_codecs(connection: Connection) -> None:
    """Make json travel as canonical bytes out and as Python objects (via orjson) in.

    The binary form of PostgreSQL's ``json`` is its text as stored, so what goes out is what
    was hashed and what comes back is byte for byte what is stored.
    """
    await connection.set_type_codec(
        "json", encoder=_encode_json, decoder=orjson.loads, schema="pg_catalog", format="binary"
    )


async def set_raw_json_codecs(connection: Connection) -> None:
    """Make json come back as the stored bytes, undecoded: what verification hashes."""
    await connection.set_type_codec(
        "json", encoder=_encode_json, decoder=_raw_bytes, schema="pg_catalog", format="binary"
    )


def connection_setup(app_role: str | None) -> InitCallback:
    """The pool's ``init``: codecs, then ``SET ROLE app_role`` when the login may assume it.

    Running as the application role means the database itself refuses any UPDATE, DELETE
    or TRUNCATE the code might attempt, whatever login the operator configured.

    Args:
        app_role: the role to assume, or None to stay the login user.

    Raises:
        ValueError: for a role name that is not a plain lower-case identifier.
    """
    if app_role is not None and _ROLE_NAME.fullmatch(app_role) is None:
        raise ValueError(f"not a plain role name: {app_role!r}")

    async def init(connection: asyncpg.Connection[asyncpg.Record]) -> None:
        await set_codecs(connection)
        if app_role is not None and await connection.fetchval(sql.MAY_SET_ROLE, app_role):
            await connection.execute(f"SET ROLE {app_role}")

    return init


async def keep_session(connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """The pool's ``reset``: nothing beyond what asyncpg always does on release.

    asyncpg always rolls back an open transaction and drops listener callbacks when a
    connection returns to the pool; its default reset adds a round trip (``RESET ALL``,
    ``UNLISTEN *``...) that would double the cost of a single-statement append. The store
    changes no session state after ``init`` (and must keep its ``SET ROLE``).
    """


async def open_app_pool(
    dsn: str,
    *,
    what: str,
    app_role: str | None,
    min_size: int = 1,
    max_size: int = 4,
    connect_timeout: float = 10.0,
    server_settings: dict[str, str] | None = None,
) -> asyncpg.Pool[asyncpg.Record]:
    """A pool on ``dsn`` as every part of pit opens one: the store's codecs, ``SET ROLE
    app_role`` (when the login may), and a reset that keeps that role.

    Args:
        what: what the pool is for, named in the error if the database cannot be reached.

    Raises:
        StoreUnavailable: the database cannot be reached.
    """
    async with unavailable_as_store_error(f"opening {what}"):
        pool: asyncpg.Pool[asyncpg.Record] = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            init=connection_setup(app_role),
            # asyncpg's default reset (RESET ALL) would undo the SET ROLE.
            reset=keep_session,
            timeout=connect_timeout,
            server_settings=server_settings,
        )
    return pool
