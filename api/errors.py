"""Errors are part of the API's contract: one JSON shape for every refusal, one status per kind.

Every error body is :class:`ErrorBody` (``code``, ``message``, ``field``, ``legal_basis``):

- 401 ``not_authenticated`` (and the accounts' finer codes): no or bad credentials;
- 403 ``role_not_permitted``, ``csrf_failed``: the user's role may not, or a cookie session's
  unsafe request came without its CSRF token;
- 404 ``agreement_not_found``, ``task_not_found``, ``not_found``: unknown ids (and another BIN's
  agreement, for a participant: pit does not say whether it exists);
- 409 the domain's own code (``four_eyes``, ``invalid_transition``...) with its legal basis: an
  action the agreement's workflow refused now, and recorded as refused;
- 422 ``invalid_input`` with the field's path: input that breaks a rule of form;
- 429 ``too_many_attempts`` with ``Retry-After``: login attempts over the limit;
- 503 ``unavailable``: PostgreSQL or Temporal cannot be reached (the request may be retried).

``message`` is English. A request whose ``Accept-Language`` prefers Russian (``ru``) gets the
Russian wording of a refusal whose code and message the console words
(api.console.domain_messages), with ``Content-Language: ru``; ``code`` never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from eventstore import StoreUnavailable
from projections import InvalidQuery

_log = structlog.get_logger(__name__)


class ErrorBody(BaseModel):
    """Why a request was refused.

    Attributes:
        code: a stable, machine-readable name of the rule (``four_eyes``, ``invalid_input``).
        message: what a person reads: what was refused and why.
        field: the input at fault (``form.bin``, ``planned_obligations[0].jobs``), if one is.
        legal_basis: the tags of the law or policy the refusal rests on (empty when none).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    message: str
    field: str | None = None
    legal_basis: list[str] = Field(default_factory=list)


class ApiError(Exception):
    """A refusal the API answers with ``status`` and an :class:`ErrorBody`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        legal_basis: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(
            code=code, message=message, field=field, legal_basis=list(legal_basis)
        )
        self.headers = dict(headers or {})


def not_authenticated(code: str, message: str) -> ApiError:
    """A 401 that tells the client how to authenticate."""
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="pit"'})


def agreement_not_found(agreement_id: str) -> ApiError:
    """The 404 for an agreement that does not exist, or that the user may not see."""
    return ApiError(
        404,
        "agreement_not_found",
        f"no agreement {agreement_id!r} that you may see",
        field="agreement_id",
    )


def field_path(location: Sequence[int | str]) -> str | None:
    """A validation error's location as a field path.

    ``("body", "form", "planned_obligations", 0, "jobs")`` is
    ``form.planned_obligations[0].jobs``: the first element (``body``, ``query``...) says where
    the input was, not what it was, and is dropped.
    """
    parts = list(location[1:]) if location and location[0] in _LOCATIONS else list(location)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or None


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def invalid_input(errors: Sequence[Mapping[str, Any]]) -> ApiError:
    """The 422 of pydantic's errors: the first one's field, every one in the message."""
    problems = [
        f"{field_path(error.get('loc', ())) or 'the request'}: {error.get('msg', 'is invalid')} "
        f"({error.get('type', 'invalid')})"
        for error in errors
    ]
    first = errors[0] if errors else {}
    return ApiError(
        422,
        "invalid_input",
        "; ".join(problems[:20]) or "the request is invalid",
        field=field_path(first.get("loc", ())),
    )


def _response(error: ApiError) -> JSONResponse:
    return JSONResponse(
        error.body.model_dump(mode="json"), status_code=error.status, headers=error.headers
    )


def prefers_russian(accept_language: str) -> bool:
    """Whether an ``Accept-Language`` header ranks Russian above English (English if neither)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, parameters = item.partition(";")
        language = tag.strip().lower().split("-")[0]
        name, _, value = parameters.strip().partition("=")
        try:
            weight = float(value) if name.strip() == "q" else 1.0
        except ValueError:
            weight = 0.0
        if language in ("ru", "en") and weight > 0:
            ranked.append((-weight, position, language))
    return bool(ranked) and min(ranked)[2] == "ru"


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    if prefers_russian(request.headers.get("accept-language", "")):
        # Imported here: the console's package imports this module.
        from api.console.domain_messages import translate

        russian = translate(error.body.code, error.body.message)
        if russian is not None:
            body = error.body.model_copy(update={"message": russian})
            headers = {**error.headers, "Content-Language": "ru"}
            return JSONResponse(
                body.model_dump(mode="json"), status_code=error.status, headers=headers
            )
    return _response(error)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError | ValidationError)
    return _response(invalid_input(list(error.errors())))


async def _invalid_query(request: Request, error: Exception) -> JSONResponse:
    return _response(ApiError(422, "invalid_input", str(error)))


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
        return _response(ApiError(422, "invalid_input", f"the body cannot be read: {error.detail}"))
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(error.status_code, "http_error")
    headers = dict(error.headers or {})
    return _response(ApiError(error.status_code, code, str(error.detail), headers=headers))


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    _log.warning("store_unavailable", path=request.url.path, error=str(error))
    return _response(
        ApiError(
            503,
            "unavailable",
            "the database cannot be reached now; try again",
            headers={"Retry-After": "5"},
        )
    )


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # Never expected: the fuzzer's job is to keep this unreachable. Said in the shape anyway.
    _log.exception("unexpected_error", path=request.url.path)
    return _response(ApiError(500, "internal_error", "pit failed to answer; this is a bug"))


def install_error_handlers(app: FastAPI) -> None:
    """Answer every refusal with an :class:`ErrorBody`."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(InvalidQuery, _invalid_query)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StoreUnavailable, _unavailable)
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of the errors an operation may answer with."""
    said = {
        401: "No or invalid credentials",
        403: "The user's role may not do this (or a cookie session's CSRF token is missing)",
        404: "Unknown id, or an agreement the user may not see",
        409: "The agreement's workflow refused the action now (recorded), with its legal basis",
        422: "Input that breaks a rule of form; `field` names it",
        429: "Too many failed logins; see Retry-After",
        503: "PostgreSQL or Temporal cannot be reached now",
    }
    return {
        status: {"model": ErrorBody, "description": said[status]}
        for status in sorted({*statuses, 422, 503})
    }
