"""Who is asking: the API's authentication and the role checks made before anything is done.

A request authenticates with an API token (``Authorization: Bearer pit_...``, for integrations)
or with the console's session cookie. A cookie comes with every request the browser makes, even
one a hostile page starts, so an unsafe request (POST, DELETE) on a cookie session must also
carry the session's CSRF token in ``X-CSRF-Token``; a bearer token is never sent by a browser
on its own and needs none. The actor of every action is the authenticated user's
``User.actor()``, never a field of the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.accounts import CsrfRejected, NotAuthenticated, User
from api.errors import ApiError, not_authenticated
from api.services import ApiServices
from domain.actors import Role
from domain.agreement import allowed_roles
from domain.agreement.permissions import ROLES_BASIS

SESSION_COOKIE = "pit_session"
CSRF_HEADER = "X-CSRF-Token"

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    description="An API token, `pit_<id>_<secret>`, from `pit users token <login>`.",
)
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The session cookie `POST /api/session` sets; unsafe requests also need the "
    f"session's CSRF token in `{CSRF_HEADER}`.",
)

STAFF_READERS = frozenset({Role.REVIEWER, Role.APPROVER, Role.AUDITOR, Role.ADMIN})


def get_services(request: Request) -> ApiServices:
    """The services ``create_app`` was given."""
    return cast(ApiServices, request.app.state.services)


Services = Annotated[ApiServices, Depends(get_services)]


def cookie_session(request: Request) -> str | None:
    """The session id this request was authenticated with, if it was by the cookie."""
    session_id: str | None = getattr(request.state, "session_id", None)
    return session_id


async def _authenticate(
    request: Request,
    services: ApiServices,
    bearer: HTTPAuthorizationCredentials | None,
    session_id: str | None,
    csrf_token: str | None,
    *,
    unsafe: bool,
) -> User:
    accounts = services.accounts
    try:
        if bearer is not None:
            return await accounts.user_for_token(bearer.credentials)
        if session_id:
            if unsafe:
                user = await accounts.check_csrf(session_id, csrf_token or "")
            else:
                user = await accounts.user_for_session(session_id)
            request.state.session_id = session_id
            return user
    except CsrfRejected as refused:
        raise ApiError(
            403,
            refused.code,
            f"{refused.message}: send the session's token in {CSRF_HEADER}",
            field=CSRF_HEADER,
        ) from None
    except NotAuthenticated as refused:
        raise not_authenticated(refused.code, refused.message) from None
    raise not_authenticated(
        "not_authenticated",
        "log in (POST /api/session) or send an API token (Authorization: Bearer pit_...)",
    )


async def reading_user(
    request: Request,
    services: Services,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_id: Annotated[str | None, Depends(_cookie)],
) -> User:
    """The user of a safe request (GET): by API token, else by session cookie.

    Raises:
        ApiError: 401 without valid credentials.
    """
    return await _authenticate(request, services, bearer, session_id, None, unsafe=False)


async def acting_user(
    request: Request,
    services: Services,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_id: Annotated[str | None, Depends(_cookie)],
    csrf_token: Annotated[
        str | None,
        Header(
            alias=CSRF_HEADER,
            max_length=200,
            description="The session's CSRF token (cookie sessions only)",
        ),
    ] = None,
) -> User:
    """The user of an unsafe request (POST, DELETE); a cookie session needs its CSRF token.

    Raises:
        ApiError: 401 without valid credentials; 403 ``csrf_failed``.
    """
    return await _authenticate(request, services, bearer, session_id, csrf_token, unsafe=True)


ReadingUser = Annotated[User, Depends(reading_user)]
ActingUser = Annotated[User, Depends(acting_user)]


def role_refusal(user: User, what: str, allowed: frozenset[Role]) -> ApiError:
    """The 403 for a role that may not ``what``."""
    names = ", ".join(sorted(role.value for role in allowed)) or "nobody"
    return ApiError(
        403,
        "role_not_permitted",
        f"a {user.actor().role.value} may not {what}; allowed: {names}",
        legal_basis=[ROLES_BASIS],
    )


def permitted_to(command_type: str) -> Callable[[User], Awaitable[User]]:
    """A dependency (``Depends(permitted_to(...))``): the acting user, if the domain's
    PERMISSIONS let their role perform ``command_type``. It runs before the input is even read;
    the domain checks again in the workflow.

    Raises:
        ApiError: 403 ``role_not_permitted``.
    """
    allowed = allowed_roles(command_type)

    async def permitted(user: ActingUser) -> User:
        if user.actor().role not in allowed:
            raise role_refusal(user, command_type, allowed - {Role.SYSTEM})
        return user

    return permitted


def require_staff_reader(user: User, what: str) -> None:
    """Refuse a participant what only the management company's staff and auditors read.

    Raises:
        ApiError: 403 ``role_not_permitted``.
    """
    if user.actor().role not in STAFF_READERS:
        raise role_refusal(user, what, STAFF_READERS)
