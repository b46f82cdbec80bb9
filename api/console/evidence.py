"""The auditor's "Export evidence" (``/agreements/<id>/evidence``): the agreement's evidence
bundle, the very file `pit audit export` writes, downloaded from the timeline.

Auditors and administrators only. A bundle proves its events against the latest signed
checkpoint, so it is refused while the agreement's newest events are not in one yet (the
worker signs one every few minutes) or when the log no longer matches it.
"""

from __future__ import annotations

import re

import structlog
from fastapi import APIRouter
from starlette.responses import Response

from api.console.auth import ConsoleRefusal, Viewing
from api.deps import Services
from api.schemas import AGREEMENT_ID_PATTERN
from domain.actors import Role
from eventstore import PostgresEventStore

router = APIRouter(include_in_schema=False)

EXPORTERS = frozenset({Role.AUDITOR, Role.ADMIN})
_AGREEMENT_ID = re.compile(AGREEMENT_ID_PATTERN)

_log = structlog.get_logger(__name__)


@router.get("/agreements/{agreement_id}/evidence")
async def evidence(agreement_id: str, viewer: Viewing, services: Services) -> Response:
    """The agreement's evidence bundle as a JSON file to save."""
    # Imported on use, as the `pit audit` commands import it: serving the console does not
    # depend on the audit package being installed alongside it.
    from audit.bundle_errors import (
        AgreementNotFound,
        ExportRefused,
        NoCheckpoint,
        NotYetCheckpointed,
    )
    from audit.bundle_export import export_bundle

    actor = viewer.user.actor()
    if actor.role not in EXPORTERS:
        raise ConsoleRefusal(403, viewer.words("evidence_auditors_only"))
    if _AGREEMENT_ID.fullmatch(agreement_id) is None:
        raise ConsoleRefusal(404, viewer.words("not_found"))
    store = services.store
    if not isinstance(store, PostgresEventStore):  # no signed checkpoints without PostgreSQL
        raise ConsoleRefusal(409, viewer.words("evidence_not_signed"))
    try:
        async with store.connection("exporting an agreement's evidence") as connection:
            bundle = await export_bundle(connection, agreement_id, now=services.clock())
    except AgreementNotFound:
        raise ConsoleRefusal(404, viewer.words("not_found")) from None
    except (NoCheckpoint, NotYetCheckpointed):
        raise ConsoleRefusal(409, viewer.words("evidence_not_signed")) from None
    except ExportRefused as refused:
        _log.warning("evidence_refused", agreement_id=agreement_id, reason=str(refused))
        raise ConsoleRefusal(409, viewer.words("evidence_log_broken")) from None
    raw = bundle.encode()
    _log.info(
        "evidence_exported",
        agreement_id=agreement_id,
        actor_id=actor.id,
        events=len(bundle.events),
        tree_size=bundle.checkpoint.tree_size,
    )
    return Response(
        raw,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="pit-evidence-{agreement_id}.json"'},
    )
