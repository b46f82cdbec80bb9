"""The zone's rules as its stream has them, for agreements that start or resume.

An agreement decides with the rule book of its zone: the Decree's rule sets and every amendment
adopted since. The zone's workflow tells open agreements of each change (a signal); an agreement
that starts reads the book from the zone's stream here, so it never decides on stale rules.
"""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field
from temporalio import activity

from activities.event_log import domain_codec
from domain.rules import RuleBook, decree_1166_rulebook
from domain.zone import ZoneCode, ZoneEvent, evolve_zone, initial_zone_state, zone_stream_id
from eventstore import EventStore


class ZoneRules(BaseModel):
    """A zone's rule book as of a version of its stream (0: the zone has no stream yet, and the
    book is the Decree's own)."""

    model_config = ConfigDict(frozen=True)

    zone_code: ZoneCode
    zone_version: int = Field(ge=0)
    rule_book: RuleBook


class ZoneRulesActivities:
    """Reads of the zone's stream; one instance per worker, sharing its store."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    @activity.defn(name="zone_rules")
    async def zone_rules(self, zone_code: str) -> ZoneRules:
        """The zone's rule book: folded from ``zone-<code>``, else Decree 1166's."""
        codec = domain_codec()
        state = initial_zone_state()
        recorded = await self._store.read_stream(zone_stream_id(zone_code))
        for event in recorded:
            state = evolve_zone(state, cast(ZoneEvent, codec.decode(event)))
        book = state.rule_book if state.rule_book is not None else decree_1166_rulebook()
        return ZoneRules(zone_code=zone_code, zone_version=len(recorded), rule_book=book)
