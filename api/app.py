"""The JSON API: ``create_app(services)`` builds it; ``api.server`` serves it.

The API lives under ``/api`` (the console will live at ``/``); its OpenAPI document is at
``/openapi.json`` and browsable at ``/docs``; Prometheus scrapes ``/metrics``.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.console import install_console
from api.correlation import install_correlation
from api.errors import install_error_handlers
from api.metrics import ApiMetrics, RequestMetrics
from api.routes import api_router, metrics
from api.services import ApiServices

DESCRIPTION = """
The agreements of the SEZ "Park of Innovative Technologies" (Almaty), from application to
termination, for participants, the management company's staff and auditors.

**Authentication.** An API token (`Authorization: Bearer pit_...`, from `pit users token`), or
the session cookie `POST /api/session` sets; with the cookie, every POST and DELETE also sends
the session's CSRF token in `X-CSRF-Token`.

**Actions** go to the agreement's workflow, which decides with the zone's rules and records the
events (refused attempts too). The actor is always the authenticated user.

**Consistency.** An agreement's detail and timeline fold its event stream when asked: they
show every action that has been answered. Lists, the inbox, the overdue deadlines and the
participants register are projections kept from the event log by a subscription, so right after
an action they may show the agreement as it was a moment before.

**Errors** always have the shape `{code, message, field, legal_basis}`: 401 no credentials,
403 a role that may not, 404 an unknown (or, for a participant, another BIN's) agreement,
409 an action the agreement refused now (the domain's code and legal basis), 422 input that
breaks a rule of form (`field` names it), 429 too many failed logins (`Retry-After`), 503
PostgreSQL or Temporal unreachable.
"""


def create_app(services: ApiServices) -> FastAPI:
    """The API on these services (opened and closed by the caller: no lifespan of its own)."""
    app = FastAPI(
        title="pit: agreements of the SEZ Park of Innovative Technologies",
        version="1",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        # Operation ids are the routes' names (``list_agreements``, ``act_ApproveConclusion``).
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.services = services
    app.state.metrics = ApiMetrics()
    install_error_handlers(app)
    install_correlation(app)
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    app.include_router(api_router(), prefix="/api")
    app.include_router(metrics.router)  # GET /metrics, where Prometheus looks by default
    install_console(app)
    app.state.metrics.learn_routes(app.routes)
    return app
