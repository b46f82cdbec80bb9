"""Accounts and roles (issue 4, §3): who may use pit, and as which domain actor.

Nothing runs on import. Typical use by the API::

    from api.accounts import AccountStore

    async with await AccountStore.open(dsn) as accounts:
        user = await accounts.authenticate(login, password, remote=request.client.host)
        session_id, csrf_token = await accounts.start_session(user)
        ...
        actor = (await accounts.user_for_session(session_id)).actor()

The actor of every event is ``user.actor()`` of the authenticated user, never a field the
client sends.
"""

from api.accounts.credentials import csrf_token_for
from api.accounts.errors import (
    AccountDisabled,
    AccountError,
    CsrfRejected,
    InvalidAccountInput,
    InvalidSession,
    InvalidToken,
    LoginTaken,
    NotAuthenticated,
    TokenExpired,
    TooManyAttempts,
    UnknownLoginOrPassword,
    UnknownToken,
    UnknownUser,
)
from api.accounts.passwords import MIN_PASSWORD_LENGTH, check_password
from api.accounts.policy import MAX_TOKEN_TTL, LoginLimits, SessionPolicy
from api.accounts.store import AccountStore, Clock, IssuedToken, NewSession
from api.accounts.users import LOGIN_PATTERN, AccountRole, User

__all__ = [
    "LOGIN_PATTERN",
    "MAX_TOKEN_TTL",
    "MIN_PASSWORD_LENGTH",
    "AccountDisabled",
    "AccountError",
    "AccountRole",
    "AccountStore",
    "Clock",
    "CsrfRejected",
    "InvalidAccountInput",
    "InvalidSession",
    "InvalidToken",
    "IssuedToken",
    "LoginLimits",
    "LoginTaken",
    "NewSession",
    "NotAuthenticated",
    "SessionPolicy",
    "TokenExpired",
    "TooManyAttempts",
    "UnknownLoginOrPassword",
    "UnknownToken",
    "UnknownUser",
    "User",
    "check_password",
    "csrf_token_for",
]
