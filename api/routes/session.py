"""Logging in and out of a console session (integrations use API tokens instead)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.accounts import NotAuthenticated, TooManyAttempts, csrf_token_for
from api.deps import SESSION_COOKIE, ActingUser, ReadingUser, Services, cookie_session
from api.errors import ApiError, error_responses, not_authenticated
from api.schemas import Health, LoginRequest, SessionView, UserView

router = APIRouter(tags=["session"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Whether the API answers (no credentials needed)."""
    return Health(status="ok")


@router.post("/session", response_model=SessionView, responses=error_responses(401, 429))
async def log_in(
    credentials: LoginRequest, request: Request, response: Response, services: Services
) -> SessionView:
    """Log in: sets the HttpOnly session cookie and returns the session's CSRF token.

    Send the token in ``X-CSRF-Token`` with every POST and DELETE made with the cookie. Failed
    attempts are limited per login and per address: over the limit the answer is 429 with
    ``Retry-After`` (seconds), whatever the password.
    """
    remote = request.client.host if request.client else "unknown"
    accounts = services.accounts
    try:
        user = await accounts.authenticate(credentials.login, credentials.password, remote)
        session = await accounts.start_session(user)
    except TooManyAttempts as refused:
        raise ApiError(
            429, refused.code, refused.message, headers={"Retry-After": str(refused.retry_after)}
        ) from None
    except NotAuthenticated as refused:
        raise not_authenticated(refused.code, refused.message) from None
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        max_age=int(accounts.session_policy.absolute.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return SessionView(user=UserView.of(user), csrf_token=session.csrf_token)


@router.get("/session", response_model=SessionView, responses=error_responses(401))
async def who_am_i(user: ReadingUser, request: Request) -> SessionView:
    """The authenticated user; for a cookie session, its CSRF token too."""
    session_id = cookie_session(request)
    return SessionView(
        user=UserView.of(user), csrf_token=csrf_token_for(session_id) if session_id else None
    )


@router.delete(
    "/session", status_code=204, response_class=Response, responses=error_responses(401, 403)
)
async def log_out(user: ActingUser, request: Request, services: Services) -> Response:
    """Log out: the session is ended and its cookie cleared (API tokens are revoked with
    `pit users revoke-token`)."""
    session_id = cookie_session(request)
    if session_id:
        await services.accounts.end_session(session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
