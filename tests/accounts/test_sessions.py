"""Console sessions: only the id's digest is stored; they end on logout, when idle too long, at
their lifetime, when the user is disabled or changes password; unsafe requests need the CSRF
token derived from the session."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import asyncpg
import pytest

from api.accounts import (
    AccountDisabled,
    AccountStore,
    CsrfRejected,
    InvalidSession,
    SessionPolicy,
    csrf_token_for,
)
from tests.accounts.conftest import STRONG, FakeClock, cheap_hasher

pytestmark = pytest.mark.postgres


async def test_a_session_knows_its_user_and_stores_only_a_digest(
    accounts: AccountStore, superuser: asyncpg.Connection[asyncpg.Record]
) -> None:
    user = await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    session_id, csrf_token = await accounts.start_session(user)
    assert await accounts.user_for_session(session_id) == user
    assert csrf_token == csrf_token_for(session_id) == accounts.csrf_token(session_id)
    assert csrf_token != session_id

    row = await superuser.fetchrow("SELECT * FROM sessions")
    assert row is not None
    assert bytes(row["session_sha256"]) == hashlib.sha256(session_id.encode()).digest()
    assert all(
        session_id not in str(value) and csrf_token not in str(value) for value in row.values()
    )


async def test_logging_out_ends_the_session(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    session_id, _ = await accounts.start_session("reviewer-aliya")
    other_id, _ = await accounts.start_session("reviewer-aliya")
    await accounts.end_session(session_id)
    await accounts.end_session(session_id)
    await accounts.end_session("never-issued")
    with pytest.raises(InvalidSession) as refused:
        await accounts.user_for_session(session_id)
    assert refused.value.code == "invalid_session"
    assert (await accounts.user_for_session(other_id)).id == "reviewer-aliya"


async def test_a_session_ends_when_idle_too_long_and_at_its_lifetime_anyway(
    fresh_dsn: str, clock: FakeClock
) -> None:
    policy = SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=3))
    async with await AccountStore.open(
        fresh_dsn, clock=clock, hasher=cheap_hasher(), sessions=policy
    ) as accounts:
        await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
        busy, _ = await accounts.start_session("reviewer-aliya")
        idle, _ = await accounts.start_session("reviewer-aliya")
        clock.advance(minutes=50)
        assert (await accounts.user_for_session(busy)).id == "reviewer-aliya"
        clock.advance(minutes=50)  # busy was seen 50 min ago, idle 100 min ago
        assert (await accounts.user_for_session(busy)).id == "reviewer-aliya"
        with pytest.raises(InvalidSession):
            await accounts.user_for_session(idle)
        for minutes in (50, 29):  # 2 h 59 since the start, never idle for an hour
            clock.advance(minutes=minutes)
            assert (await accounts.user_for_session(busy)).id == "reviewer-aliya"
        clock.advance(minutes=1)  # 3 h: the absolute lifetime is over
        with pytest.raises(InvalidSession):
            await accounts.user_for_session(busy)


async def test_the_default_session_lasts_a_working_day(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    session_id, _ = await accounts.start_session("reviewer-aliya")
    clock.advance(hours=7, minutes=59)
    assert (await accounts.user_for_session(session_id)).id == "reviewer-aliya"
    clock.advance(minutes=1)
    with pytest.raises(InvalidSession):
        await accounts.user_for_session(session_id)


async def test_unsafe_requests_need_the_sessions_own_csrf_token(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    await accounts.add_user("approver-dana", role="approver", password=STRONG)
    session_id, csrf_token = await accounts.start_session("reviewer-aliya")
    _, others_token = await accounts.start_session("approver-dana")

    assert (await accounts.check_csrf(session_id, csrf_token)).id == "reviewer-aliya"
    for wrong in ("", others_token, csrf_token[:-1], session_id):
        with pytest.raises(CsrfRejected) as refused:
            await accounts.check_csrf(session_id, wrong)
        assert (refused.value.code, refused.value.field) == ("csrf_failed", "csrf_token")

    await accounts.end_session(session_id)
    with pytest.raises(InvalidSession):
        await accounts.check_csrf(session_id, csrf_token)


async def test_disabling_a_user_ends_their_sessions_and_refuses_new_ones(
    accounts: AccountStore,
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    session_id, _ = await accounts.start_session("reviewer-aliya")
    await accounts.disable("reviewer-aliya")
    with pytest.raises(InvalidSession):
        await accounts.user_for_session(session_id)
    with pytest.raises(AccountDisabled):
        await accounts.start_session("reviewer-aliya")
    await accounts.enable("reviewer-aliya")
    with pytest.raises(InvalidSession):  # enabling again does not bring old sessions back
        await accounts.user_for_session(session_id)


async def test_a_new_password_ends_every_session(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    session_id, _ = await accounts.start_session("reviewer-aliya")
    await accounts.set_password("reviewer-aliya", "another long passphrase")
    with pytest.raises(InvalidSession):
        await accounts.user_for_session(session_id)


def test_a_sessions_idle_timeout_cannot_exceed_its_lifetime() -> None:
    with pytest.raises(ValueError, match="idle"):
        SessionPolicy(idle=timedelta(hours=9), absolute=timedelta(hours=8))
