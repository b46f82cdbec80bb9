"""PostgreSQL errors the store recognises, by SQLSTATE, and the ones that mean "unavailable"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from asyncpg.exceptions._base import InternalClientError

from eventstore.errors import StoreUnavailable

IMMUTABLE_EVENTS = "PT001"
"""Raised by the triggers that refuse UPDATE, DELETE and TRUNCATE of events."""

# Errors after which the same call may succeed against a healthy server: the connection is
# gone (08xxx), the server is shutting down or starting (57P01-57P03), or it is full (53300).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_unavailable(error: BaseException) -> bool:
    """True for errors that mean the database cannot be reached right now."""
    if isinstance(error, OSError | TimeoutError | asyncpg.PostgresConnectionError):
        return True
    if isinstance(error, asyncpg.PostgresError):
        return error.sqlstate in _UNAVAILABLE_SQLSTATES
    # asyncpg reports use of a connection it already knows is closed as an InterfaceError, and
    # use of one whose server just sent FATAL (pg_terminate_backend) as an InternalClientError.
    if isinstance(error, InternalClientError):
        return True
    return isinstance(error, asyncpg.InterfaceError) and "closed" in str(error)


@asynccontextmanager
async def unavailable_as_store_error(what: str) -> AsyncIterator[None]:
    """Re-raise connection-level failures inside the block as :class:`StoreUnavailable`."""
    try:
        yield
    except Exception as error:
        if is_unavailable(error):
            raise StoreUnavailable(f"{what}: database unavailable ({error})") from error
        raise
