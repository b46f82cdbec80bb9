"""One correlation id per request, carried to everything the request causes: the response's
``X-Correlation-ID``, the API's log line for the request, the workflow update's
``AgreementAction.correlation_id``, the activities' log lines and every stored event's
``metadata.correlation_id``.

A caller may give its own id in ``X-Correlation-ID`` (up to 100 characters of
``A-Z a-z 0-9 . _ : -``, e.g. a portal's request id); otherwise pit makes ``api:<uuid>``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from uuid import uuid4

import structlog
from fastapi import FastAPI, Request, Response

HEADER = "X-Correlation-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_current: ContextVar[str | None] = ContextVar("pit_correlation_id", default=None)
log = structlog.get_logger("api")


def correlation_id() -> str:
    """The current request's correlation id (a fresh one outside a request)."""
    return _current.get() or f"api:{uuid4()}"


def _chosen(request: Request) -> str:
    given = request.headers.get(HEADER, "")
    return given if _VALID.match(given) else f"api:{uuid4()}"


def install_correlation(app: FastAPI) -> None:
    """Give every request its correlation id, bound for its log lines, and log the request."""

    @app.middleware("http")
    async def correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cid = _chosen(request)
        token = _current.set(cid)
        started = time.perf_counter()
        try:
            with structlog.contextvars.bound_contextvars(correlation_id=cid):
                response = await call_next(request)
                log.info(
                    "api_request",
                    correlation_id=cid,
                    method=request.method,
                    path=request.url.path,
                    status=response.status_code,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
        finally:
            _current.reset(token)
        response.headers[HEADER] = cid
        return response
