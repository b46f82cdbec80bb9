"""Replaying a bundle's events with pit's own codec and domain: the state they fold to.

The events are decoded from their stored type, schema version and data exactly as the
workflows and projections decode them (``activities.event_log.domain_codec``, older schema
versions lifted by its upcasters) and folded by the domain's ``evolve``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast, get_args

import orjson
from pydantic import BaseModel

from activities.event_log import domain_codec
from audit.bundle import BundleEvent
from domain.agreement import AgreementEvent, AgreementState, fold
from eventstore.errors import UnknownEventType, UpcastError

# AgreementEvent is Annotated[A | B | ..., Field(discriminator="type")].
_AGREEMENT_EVENTS = cast(tuple[type[BaseModel], ...], get_args(get_args(AgreementEvent)[0]))


class ReplayError(Exception):
    """An event that pit's codec cannot read as an agreement's event.

    Attributes:
        stream_version: the event.
        detail: why.
    """

    def __init__(self, stream_version: int, detail: str) -> None:
        super().__init__(f"v{stream_version}: {detail}")
        self.stream_version = stream_version
        self.detail = detail


def decode(event: BundleEvent) -> AgreementEvent:
    """The domain event of one bundled event.

    Raises:
        ReplayError: not JSON, a type this pit does not know, a schema version it cannot lift,
            or an event of another kind than an agreement's.
    """
    try:
        data = orjson.loads(event.data)
        model = domain_codec().decode_data(event.type, event.schema_version, data)
    except orjson.JSONDecodeError as error:
        raise ReplayError(event.stream_version, f"data is not JSON: {error}") from None
    except UnknownEventType:
        raise ReplayError(
            event.stream_version,
            f"this pit does not know the event type {event.type!r} (is it older than the "
            "bundle's code version?)",
        ) from None
    except UpcastError as error:
        raise ReplayError(event.stream_version, str(error)) from None
    if not isinstance(model, _AGREEMENT_EVENTS):
        raise ReplayError(event.stream_version, f"{event.type} is no agreement event")
    return cast(AgreementEvent, model)


def replay(events: Sequence[BundleEvent]) -> AgreementState:
    """The agreement's state after all the events, in stream order.

    Raises:
        ReplayError: naming the first event that cannot be decoded.
    """
    return fold(decode(event) for event in events)


def state_summary(state: AgreementState) -> dict[str, Any]:
    """What a person reads of a replayed state: its status, number, dates, reports, breach and
    termination (JSON values)."""
    return {
        "agreement_id": state.agreement_id,
        "status": state.status.value,
        "events": state.version,
        "bin": state.bin,
        "name": state.form.name if state.form is not None else None,
        "agreement_number": state.agreement_number,
        "concluded_on": _day(state.concluded_on),
        "effective_date": _day(state.effective_date),
        "end_date": _day(state.end_date),
        "register_number": state.register_number,
        "reports": [
            {"year": year, "status": report.status.value, "report_id": report.report_id}
            for year, report in sorted(state.reports.items())
        ],
        "breach_notice": (
            {
                "notice_id": state.breach.notice_id,
                "grounds": [ground.model_dump(mode="json") for ground in state.breach.grounds],
                "cure_due": state.breach.cure_due.on.isoformat(),
            }
            if state.breach is not None
            else None
        ),
        "termination": (
            {
                "ground": state.termination.ground.value,
                "terminated_on": state.termination.terminated_on.isoformat(),
            }
            if state.termination is not None
            else None
        ),
    }


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
