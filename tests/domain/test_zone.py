"""The zone's stream ``zone-pit``: given these events, when this command, then these events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import TypeAdapter

from domain.actors import Actor, Role
from domain.errors import InvalidInput, InvalidTransition, NotPermitted, RuleViolation
from domain.indicators import Indicator, IndicatorLevel
from domain.legal_basis import DECREE_ANNEX, LAW, REG_15, REG_16
from domain.oked import parse_oked
from domain.rules import RuleSet, ZoneTerms, allowed_activity, decree_1166_rulebook
from domain.zone import (
    AdoptRegulationAmendment,
    ChangeZoneTerms,
    EstablishZone,
    IndicatorLevelSet,
    RuleSetAdopted,
    SetIndicatorLevel,
    ZoneCommand,
    ZoneEstablished,
    ZoneEvent,
    ZoneState,
    decide_zone,
    evolve_zone,
    initial_zone_state,
    pit_establishment,
    zone_stream_id,
)

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 11:00 in Almaty
ADMIN = Actor(id="admin-1", role=Role.ADMIN)


def fold(events: list[ZoneEvent], state: ZoneState | None = None) -> ZoneState:
    current = initial_zone_state() if state is None else state
    for event in events:
        current = evolve_zone(current, event)
    return current


def established() -> ZoneState:
    return fold(decide_zone(pit_establishment(), initial_zone_state(), actor=ADMIN, now=NOW))


def decide(command: ZoneCommand, state: ZoneState, now: datetime = NOW) -> list[ZoneEvent]:
    return decide_zone(command, state, actor=ADMIN, now=now)


def amendment(
    version: str = "decree-x-2027",
    effective_from: date = date(2027, 6, 1),
    **changes: object,
) -> AdoptRegulationAmendment:
    rule_set = decree_1166_rulebook().latest.model_copy(
        update={
            "version": version,
            "effective_from": effective_from,
            "source": "Decree No. X of the President (hypothetical)",
            "amends": ("item 1",),
            "assumptions": (),
            **changes,
        }
    )
    return AdoptRegulationAmendment(rule_set=RuleSet.model_validate(rule_set.model_dump()))


# --- Establishment ------------------------------------------------------------------------


def test_an_admin_establishes_the_zone_from_decree_1166() -> None:
    (event,) = decide(pit_establishment(), initial_zone_state())

    assert isinstance(event, ZoneEstablished)
    assert event.code == "pit"
    assert zone_stream_id(event.code) == "zone-pit"
    assert event.territory_ha == Decimal("163.02")
    assert event.in_force == date(2003, 10, 1)
    assert [rs.version for rs in event.rule_sets] == [
        "decree-1166-2003",
        "decree-193-2011",
        "decree-457-2012",
        "decree-377-2016",
    ]
    assert event.rule_set_version == "decree-377-2016"
    assert event.occurred_at == NOW
    assert event.actor == ADMIN


def test_the_established_zone_knows_its_rules_by_date_and_its_seed_indicators() -> None:
    state = established()

    assert state.established
    assert state.rules_on(date(2016, 12, 1)).version == "decree-377-2016"
    assert state.rules_on(date(2026, 12, 1)).zone_end == date(2028, 1, 1)
    level = state.level(Indicator.JOBS, 2020)
    assert level is not None
    assert level.target == Decimal(5826)
    assert state.level(Indicator.PRODUCTION, 2020) is None


def test_the_zone_is_established_only_once() -> None:
    with pytest.raises(InvalidTransition) as caught:
        decide(pit_establishment(), established())

    assert caught.value.code == "zone_already_established"


def test_the_first_rules_may_not_precede_the_zones_entry_into_force() -> None:
    with pytest.raises(ValueError, match="may not take effect before the zone does"):
        EstablishZone.model_validate(
            {**pit_establishment().model_dump(), "in_force": date(2004, 1, 1)}
        )


@pytest.mark.parametrize(
    "command",
    [
        amendment(),
        ChangeZoneTerms(
            version="policy-1",
            effective_from=date(2027, 1, 1),
            terms=ZoneTerms(cure_period_days=90),
            source="Board resolution No. 1",
        ),
        SetIndicatorLevel(
            level=IndicatorLevel(indicator=Indicator.PARTICIPANTS, year=2028, target=Decimal(300)),
            source="authorized body letter",
        ),
    ],
)
def test_configuring_a_zone_not_yet_established_is_an_invalid_transition(
    command: ZoneCommand,
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        decide(command, initial_zone_state())

    assert caught.value.code == "zone_not_established"


# --- Who may -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.REVIEWER, Role.APPROVER, Role.AUDITOR, Role.SYSTEM]
)
def test_only_an_admin_may_adopt_a_regulation_amendment(role: Role) -> None:
    actor = Actor(id="someone", role=role, bin="940140000385" if role is Role.APPLICANT else None)

    with pytest.raises(NotPermitted) as caught:
        decide_zone(amendment(), established(), actor=actor, now=NOW)

    assert caught.value.code == "zone_admin_only"
    assert REG_15 in caught.value.legal_basis


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.SYSTEM])
def test_only_an_admin_may_establish_the_zone(role: Role) -> None:
    with pytest.raises(NotPermitted):
        decide_zone(
            pit_establishment(), initial_zone_state(), actor=Actor(id="x", role=role), now=NOW
        )


# --- Regulation amendments ----------------------------------------------------------------


def test_zone_extension_amendment_moves_zone_end() -> None:
    state = established()

    events = decide(amendment(zone_end=date(2033, 1, 1)), state)
    after = fold(events, state)

    (event,) = events
    assert isinstance(event, RuleSetAdopted)
    assert event.kind == "regulation_amendment"
    assert event.legal_basis == (REG_15,)
    assert event.rule_set_version == "decree-377-2016"  # the rules the decision was taken under
    assert after.rules_on(date(2027, 5, 31)).zone_end == date(2028, 1, 1)
    assert after.rules_on(date(2027, 6, 1)).zone_end == date(2033, 1, 1)
    assert after.rules_on(date(2030, 1, 1)).version == "decree-x-2027"


def test_an_amendment_may_change_the_activity_list() -> None:
    state = established()
    education = parse_oked("85.42")
    with pytest.raises(RuleViolation):
        allowed_activity(state.rules_on(date(2027, 6, 1)), education)
    allowed = decree_1166_rulebook().latest.allowed_oked_divisions | {"85"}

    after = fold(decide(amendment(allowed_oked_divisions=allowed), state), state)

    allowed_activity(after.rules_on(date(2027, 6, 1)), education)


def test_an_amendment_recorded_late_takes_effect_from_its_own_date() -> None:
    state = established()

    after = fold(decide(amendment(effective_from=date(2026, 11, 20)), state), state)

    assert after.rules_on(date(2026, 11, 20)).version == "decree-x-2027"
    assert after.rules_on(date(2026, 11, 19)).version == "decree-377-2016"


def test_an_amendment_may_shorten_the_zone_to_a_day_still_ahead() -> None:
    state = established()

    after = fold(decide(amendment(zone_end=date(2027, 7, 1)), state), state)

    assert after.rules_on(date(2027, 6, 1)).zone_end == date(2027, 7, 1)


@pytest.mark.parametrize("zone_end", [date(2026, 11, 30), date(2026, 12, 1)])
def test_an_amendment_may_not_end_the_zone_on_a_day_already_reached(zone_end: date) -> None:
    state = established()

    with pytest.raises(RuleViolation) as caught:
        decide(amendment(effective_from=date(2025, 1, 1), zone_end=zone_end), state)

    assert caught.value.code == "zone_end_not_in_future"
    assert REG_16 in caught.value.legal_basis


def test_an_amendment_may_not_reuse_a_version_id_or_an_effective_day() -> None:
    state = established()

    with pytest.raises(RuleViolation, match="exists already"):
        decide(amendment(version="decree-377-2016"), state)
    with pytest.raises(RuleViolation, match="one version a day"):
        decide(amendment(effective_from=date(2016, 11, 26)), state)


def test_an_amendment_may_not_precede_the_zone() -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(amendment(effective_from=date(2003, 1, 1)), established())

    assert caught.value.code == "amendment_before_zone"


# --- Policy changes -----------------------------------------------------------------------


def change_terms(**kwargs: object) -> ChangeZoneTerms:
    fields: dict[str, object] = {
        "version": "policy-2027-01",
        "effective_from": date(2027, 1, 1),
        "terms": ZoneTerms(cure_period_days=90, decision_day_count="working"),
        "source": "Management board resolution No. 12 of 01.12.2026",
    }
    fields.update(kwargs)
    return ChangeZoneTerms.model_validate(fields)


def test_a_policy_change_is_a_new_version_with_the_new_terms_from_its_date() -> None:
    state = established()

    events = decide(change_terms(), state)
    after = fold(events, state)

    (event,) = events
    assert isinstance(event, RuleSetAdopted)
    assert event.kind == "policy_change"
    assert event.legal_basis[0].startswith("pit policy: ")
    new = after.rules_on(date(2027, 1, 1))
    assert new.terms.cure_period_days == 90
    assert new.terms.basis("decision_days") == (LAW, "pit policy: decision_day_count")
    assert new.allowed_oked_divisions == state.rules_on(date(2026, 12, 1)).allowed_oked_divisions
    assert new.amends == ("zone terms: cure_period_days", "zone terms: decision_day_count")
    assert after.rules_on(date(2026, 12, 31)).terms.cure_period_days == 60


def test_a_policy_change_taking_effect_today_is_allowed() -> None:
    state = established()

    after = fold(decide(change_terms(effective_from=date(2026, 12, 1)), state), state)

    assert after.rules_on(date(2026, 12, 1)).terms.cure_period_days == 90


def test_a_policy_change_is_never_retroactive() -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(change_terms(effective_from=date(2026, 11, 30)), established())

    assert caught.value.code == "policy_change_retroactive"


def test_a_policy_change_must_follow_the_latest_version() -> None:
    state = established()
    state = fold(decide(amendment(effective_from=date(2027, 6, 1)), state), state)

    with pytest.raises(RuleViolation) as caught:
        decide(change_terms(effective_from=date(2027, 1, 1)), state)

    assert caught.value.code == "policy_change_before_latest_version"


def test_a_policy_change_cannot_change_a_term_the_law_fixes() -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(change_terms(terms=ZoneTerms(decision_days=15)), established())

    assert caught.value.code == "law_term_needs_amendment"
    assert "decision_days" in caught.value.message
    assert LAW in caught.value.legal_basis


def test_a_policy_change_that_changes_nothing_is_refused() -> None:
    with pytest.raises(InvalidInput):
        decide(change_terms(terms=ZoneTerms()), established())


def test_no_policy_change_after_the_zones_end() -> None:
    with pytest.raises(RuleViolation) as caught:
        decide(change_terms(effective_from=date(2028, 1, 1)), established())

    assert caught.value.code == "policy_change_after_zone_end"


# --- Indicator levels ---------------------------------------------------------------------


def test_an_admin_sets_a_blank_indicator_level_and_may_replace_it() -> None:
    state = established()
    first = IndicatorLevel(
        indicator=Indicator.PARTICIPANTS, year=2028, target=Decimal(300), critical=Decimal(200)
    )
    second = first.model_copy(update={"target": Decimal(350)})

    events = decide(SetIndicatorLevel(level=first, source="authorized body letter"), state)
    state = fold(events, state)
    state = fold(decide(SetIndicatorLevel(level=second, source="correction"), state), state)

    (event,) = events
    assert isinstance(event, IndicatorLevelSet)
    assert event.legal_basis == (DECREE_ANNEX,)
    assert state.level(Indicator.PARTICIPANTS, 2028) == second
    assert sum(lv.indicator is Indicator.PARTICIPANTS for lv in state.indicator_levels) == 1


# --- Events and commands as data ----------------------------------------------------------


def test_every_zone_event_round_trips_through_json_by_its_type() -> None:
    state = established()
    adapter: TypeAdapter[ZoneEvent] = TypeAdapter(ZoneEvent)
    events = [
        *decide(pit_establishment(), initial_zone_state()),
        *decide(amendment(), state),
        *decide(change_terms(), state),
        *decide(
            SetIndicatorLevel(
                level=IndicatorLevel(indicator=Indicator.JOBS, year=2028, target=Decimal(7000)),
                source="authorized body letter",
            ),
            state,
        ),
    ]

    for event in events:
        assert event.schema_version == 1
        assert adapter.validate_json(event.model_dump_json()) == event
    assert [e.type for e in events] == [
        "zone_established",
        "rule_set_adopted",
        "rule_set_adopted",
        "indicator_level_set",
    ]


def test_commands_are_read_by_their_type() -> None:
    adapter: TypeAdapter[ZoneCommand] = TypeAdapter(ZoneCommand)

    command = adapter.validate_json(change_terms().model_dump_json())

    assert command == change_terms()


def test_a_decision_needs_an_aware_now() -> None:
    with pytest.raises(InvalidInput):
        decide(pit_establishment(), initial_zone_state(), now=datetime(2026, 12, 1))


def test_the_day_of_a_decision_is_the_day_in_almaty() -> None:
    # 19:30 UTC on 30 November is 00:30 on 1 December in Almaty: "today" is 1 December.
    late = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)

    state = established()

    after = fold(decide(change_terms(effective_from=date(2026, 12, 1)), state, now=late), state)

    assert after.rules_on(date(2026, 12, 1)).terms.cure_period_days == 90
