"""The zone: its target indicators and critical levels [Decree 1166 annex, Decree No. 457], and
its results against them from the accepted annual reports [Reg. §9.4]."""

from __future__ import annotations

from fastapi import APIRouter

from activities.zone_log import ZoneSnapshot, fold_zone
from api.deps import ReadingUser, Services, require_staff_reader
from api.errors import error_responses
from api.schemas import IndicatorLevelView, ZoneDashboard, ZoneIndicators
from api.services import ApiServices
from domain.indicators import UNITS
from domain.zone import PIT_CODE, zone_stream_id
from domain.zone_indicators import standings

router = APIRouter(tags=["zone"])


async def _zone(services: ApiServices) -> ZoneSnapshot:
    return fold_zone(await services.store.read_stream(zone_stream_id(PIT_CODE)))


@router.get("/zone/indicators", response_model=ZoneIndicators, responses=error_responses(401))
async def zone_indicators(user: ReadingUser, services: Services) -> ZoneIndicators:
    """The zone's indicator levels per year (target and critical level of failure), folded
    from the zone's stream: the annex's values the seed keeps and any set since. The actual
    figures are in ``GET /zone/dashboard`` (staff and auditors)."""
    state = (await _zone(services)).state
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


async def zone_dashboard(services: ApiServices) -> ZoneDashboard:
    """The zone's dashboard as of now: the register's counts, the figures per year from the
    accepted annual reports, and each indicator against the level the zone's stream sets for
    the year (the console's dashboard shows the same)."""
    as_of = services.clock()
    state = (await _zone(services)).state
    read_models = services.read_models
    actuals = await read_models.zone_actuals()
    return ZoneDashboard(
        zone_code=state.code or PIT_CODE,
        established=state.established,
        as_of=as_of,
        participants=await read_models.participant_counts(),
        actuals=list(actuals),
        indicators=list(standings(state.indicator_levels, actuals)),
    )


@router.get("/zone/dashboard", response_model=ZoneDashboard, responses=error_responses(401, 403))
async def dashboard(user: ReadingUser, services: Services) -> ZoneDashboard:
    """The zone's results for the management company's report [Decree 1166 Reg. §9.4] (staff
    and auditors): participants by status, OKED section and priority area; the zone's figures
    per year from the accepted annual reports (a read model: a report accepted a moment ago may
    not be in yet); and each indicator against its target and critical level for the year."""
    require_staff_reader(user, "read the zone's results")
    return await zone_dashboard(services)
