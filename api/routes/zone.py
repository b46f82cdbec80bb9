"""The zone: its target indicators and critical levels [Decree 1166 annex, Decree No. 457]."""

from __future__ import annotations

from fastapi import APIRouter

from activities.zone_log import fold_zone
from api.deps import ReadingUser, Services
from api.errors import error_responses
from api.schemas import IndicatorLevelView, ZoneIndicators
from domain.indicators import UNITS
from domain.zone import PIT_CODE, zone_stream_id

router = APIRouter(tags=["zone"])


@router.get("/zone/indicators", response_model=ZoneIndicators, responses=error_responses(401))
async def zone_indicators(user: ReadingUser, services: Services) -> ZoneIndicators:
    """The zone's indicator levels per year (target and critical level of failure), folded
    from the zone's stream: the annex's values the seed keeps and any set since. The actual
    figures come with the zone's report, not here."""
    snapshot = fold_zone(await services.store.read_stream(zone_stream_id(PIT_CODE)))
    state = snapshot.state
    return ZoneIndicators(
        zone_code=state.code or PIT_CODE,
        established=state.established,
        levels=[
            IndicatorLevelView(
                indicator=level.indicator,
                unit=UNITS[level.indicator],
                year=level.year,
                target=level.target,
                critical=level.critical,
            )
            for level in state.indicator_levels
        ],
    )
