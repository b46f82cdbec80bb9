"""Who is using the console: the session cookie the login sets, and the CSRF token its forms carry.

The console shares the API's sessions (``pit_session``, HttpOnly, SameSite=Lax). A page read
needs a live session; every form it posts also carries the session's CSRF token as the hidden
field ``csrf_token`` (the API takes it in a header instead: its rule is not weakened here, the
console only reads the same token from another place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.accounts import CsrfRejected, NotAuthenticated, User, csrf_token_for
from api.console.i18n import LANGUAGE_COOKIE, Words, language_of
from api.deps import SESSION_COOKIE, Services

CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """The page needs a live session: the console answers with the login page's address."""

    def __init__(self, next_path: str, reason: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.reason = reason


class ConsoleRefusal(Exception):
    """A request the console refuses with a page of its own (403, 404, 503)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Viewer:
    """The logged-in user of one request, with the session's CSRF token for the page's forms."""

    user: User
    session_id: str
    words: Words

    @property
    def csrf_token(self) -> str:
        return csrf_token_for(self.session_id)

    @property
    def role(self) -> str:
        return self.user.actor().role.value


def words_for(request: Request) -> Words:
    """The vocabulary in the language the ``pit_lang`` cookie chose (Russian by default)."""
    return Words(language_of(request.cookies.get(LANGUAGE_COOKIE)))


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}" if request.method == "GET" else "/"


async def viewer(request: Request, services: Services) -> Viewer:
    """The user of a page read (GET).

    Raises:
        LoginRequired: no session, or one that has ended.
    """
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise LoginRequired(_here(request))
    try:
        user = await services.accounts.user_for_session(session_id)
    except NotAuthenticated:
        raise LoginRequired(_here(request), "session_ended") from None
    return Viewer(user, session_id, words_for(request))


async def acting_viewer(request: Request, services: Services) -> Viewer:
    """The user of a form post: a live session and, in the form, its CSRF token.

    Raises:
        LoginRequired: no session, or one that has ended.
        ConsoleRefusal: 403 when the form's CSRF token is not the session's.
    """
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise LoginRequired("/")
    form = await request.form()
    token = form.get(CSRF_FIELD)
    words = words_for(request)
    try:
        user = await services.accounts.check_csrf(
            session_id, token if isinstance(token, str) else ""
        )
    except CsrfRejected:
        raise ConsoleRefusal(403, words("csrf_failed")) from None
    except NotAuthenticated:
        raise LoginRequired("/", "session_ended") from None
    return Viewer(user, session_id, words)


Viewing = Annotated[Viewer, Depends(viewer)]
Acting = Annotated[Viewer, Depends(acting_viewer)]
