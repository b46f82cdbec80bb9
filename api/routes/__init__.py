"""The JSON API's routes, all under ``/api``: one module per part of the zone's work."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import actions, agreements, applications, inbox, monitoring, session, zone


def api_router() -> APIRouter:
    """Every route of the JSON API (mount it at ``/api``)."""
    router = APIRouter()
    for part in (session, applications, agreements, actions, inbox, monitoring, zone):
        router.include_router(part.router)
    return router
