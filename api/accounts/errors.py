"""Why an account operation was refused: one root, a typed leaf per answer the API gives.

Every error has a stable ``code`` for clients and the ``field`` at fault when there is one.
Authentication failures never name a field: saying which of login and password was wrong
would tell a guesser which logins exist.
"""

from __future__ import annotations


class AccountError(Exception):
    """Root of every refusal of the accounts layer.

    Attributes:
        code: a stable, machine-readable name (``"weak_password"``).
        message: what a person reads.
        field: the input at fault (``"password"``, ``"bin"``), or None.
    """

    code: str = "account_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} ({self.field})" if self.field else self.message


class InvalidAccountInput(AccountError):
    """Input that breaks a rule of form: a login, a weak password, a BIN for the wrong role."""

    code = "invalid_input"


class LoginTaken(AccountError):
    """A user with this login exists already (logins are never reused, even when disabled)."""

    code = "login_taken"

    def __init__(self, login: str) -> None:
        super().__init__(f"the login {login!r} is taken", field="login")


class UnknownUser(AccountError):
    """An administrator named a login no user has."""

    code = "unknown_user"

    def __init__(self, login: str) -> None:
        super().__init__(f"no user has the login {login!r}", field="login")


class UnknownToken(AccountError):
    """An administrator named a token id no token has."""

    code = "unknown_token"

    def __init__(self, token_id: str) -> None:
        super().__init__(f"no API token has the id {token_id!r}", field="token_id")


class NotAuthenticated(AccountError):
    """Credentials that do not make an authenticated user (the API's 401)."""

    code = "not_authenticated"


class UnknownLoginOrPassword(NotAuthenticated):
    """The login or the password is wrong; deliberately not saying which."""

    code = "unknown_login_or_password"

    def __init__(self) -> None:
        super().__init__("unknown login or wrong password")


class AccountDisabled(NotAuthenticated):
    """The user is disabled: no login, token or session of theirs works until enabled."""

    code = "disabled"

    def __init__(self, login: str) -> None:
        super().__init__(f"the account {login!r} is disabled")


class TooManyAttempts(NotAuthenticated):
    """Too many failed logins for this login or from this address; the API's 429.

    Attributes:
        retry_after: whole seconds until one more attempt is allowed (at least 1).
    """

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed login attempts: try again in {retry_after} s")
        self.retry_after = retry_after


class InvalidToken(NotAuthenticated):
    """A bearer token that is malformed, unknown, wrong or revoked."""

    code = "invalid_token"

    def __init__(self, message: str = "invalid API token") -> None:
        super().__init__(message)


class TokenExpired(InvalidToken):
    """A bearer token past its expiry: the holder needs a new one."""

    code = "token_expired"

    def __init__(self) -> None:
        super().__init__("the API token has expired")


class InvalidSession(NotAuthenticated):
    """A console session that is unknown, ended, idle too long or past its lifetime."""

    code = "invalid_session"

    def __init__(self) -> None:
        super().__init__("no valid session: log in again")


class CsrfRejected(AccountError):
    """A state-changing request without the session's CSRF token (the API's 403)."""

    code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__("missing or wrong CSRF token", field="csrf_token")
