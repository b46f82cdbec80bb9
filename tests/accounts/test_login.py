"""Logging in: one answer for a wrong login or password, disabled users refused, failures
limited per login and per address with the window measured on the store's clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Literal

import asyncpg
import pytest
from argon2 import PasswordHasher

from api.accounts import (
    AccountDisabled,
    AccountStore,
    LoginLimits,
    TooManyAttempts,
    UnknownLoginOrPassword,
)
from tests.accounts.conftest import STRONG, FakeClock, cheap_hasher

pytestmark = pytest.mark.postgres

HOME = "10.0.0.7"


async def test_the_right_password_logs_in_and_the_attempt_is_recorded(
    accounts: AccountStore, superuser: asyncpg.Connection[asyncpg.Record], clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    user = await accounts.authenticate(" Reviewer-Aliya ", STRONG, HOME)
    assert user.id == "reviewer-aliya"
    attempts = await superuser.fetch("SELECT login, remote, at, succeeded FROM login_attempts")
    assert [tuple(a) for a in attempts] == [("reviewer-aliya", HOME, clock.now, True)]


async def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(
    accounts: AccountStore, superuser: asyncpg.Connection[asyncpg.Record]
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    refusals = []
    for login, password in [("reviewer-aliya", "wrong password!"), ("nobody-here", STRONG)]:
        with pytest.raises(UnknownLoginOrPassword) as refused:
            await accounts.authenticate(login, password, HOME)
        refusals.append(
            (type(refused.value), refused.value.code, refused.value.field, str(refused.value))
        )
    assert refusals[0] == refusals[1]
    assert refusals[0][1:3] == ("unknown_login_or_password", None)
    failed = await superuser.fetchval("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
    assert failed == 2


class CountingHasher(PasswordHasher):
    """A cheap hasher that counts its verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verified += 1
        return super().verify(hash, password)


async def test_an_unknown_login_costs_a_password_verification_like_a_known_one(
    fresh_dsn: str, clock: FakeClock
) -> None:
    hasher = CountingHasher()
    async with await AccountStore.open(fresh_dsn, clock=clock, hasher=hasher) as accounts:
        await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
        for login in ("reviewer-aliya", "nobody-here", "Not A Login!"):
            before = hasher.verified
            with pytest.raises(UnknownLoginOrPassword):
                await accounts.authenticate(login, "wrong password!", HOME)
            assert hasher.verified == before + 1, login


async def test_a_disabled_user_cannot_log_in_even_with_the_right_password(
    accounts: AccountStore,
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    await accounts.disable("reviewer-aliya")
    with pytest.raises(AccountDisabled) as refused:
        await accounts.authenticate("reviewer-aliya", STRONG, HOME)
    assert refused.value.code == "disabled"
    with pytest.raises(UnknownLoginOrPassword):
        await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)

    await accounts.enable("reviewer-aliya")
    assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"


async def test_five_failures_for_a_login_refuse_it_until_the_window_passes(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    for _ in range(5):
        with pytest.raises(UnknownLoginOrPassword):
            await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
        clock.advance(minutes=1)
    # 5 failures at minutes 0-4; now minute 5: the right password is not even looked at.
    with pytest.raises(TooManyAttempts) as throttled:
        await accounts.authenticate("reviewer-aliya", STRONG, HOME)
    assert throttled.value.code == "too_many_attempts"
    assert throttled.value.retry_after == 10 * 60  # when the first failure leaves the window
    # Another address does not help: the limit is the login's.
    with pytest.raises(TooManyAttempts):
        await accounts.authenticate("reviewer-aliya", STRONG, "10.9.9.9")

    clock.advance(minutes=10)  # minute 15: the first failure is out, four remain
    assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"


async def test_concurrent_guesses_never_get_more_tries_than_the_limit(
    accounts: AccountStore,
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    outcomes = await asyncio.gather(
        *(accounts.authenticate("reviewer-aliya", f"guess number {n}", HOME) for n in range(12)),
        return_exceptions=True,
    )
    checked = [o for o in outcomes if isinstance(o, UnknownLoginOrPassword)]
    throttled = [o for o in outcomes if isinstance(o, TooManyAttempts)]
    assert len(checked) + len(throttled) == 12
    assert len(checked) <= 5


async def test_throttled_attempts_do_not_prolong_the_refusal(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    for _ in range(5):
        with pytest.raises(UnknownLoginOrPassword):
            await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
    for _ in range(14):
        clock.advance(minutes=1)
        with pytest.raises(TooManyAttempts):
            await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
    clock.advance(minutes=1)
    assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"


async def test_a_success_starts_the_logins_count_afresh(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    for _ in range(4):
        with pytest.raises(UnknownLoginOrPassword):
            await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
    clock.advance(seconds=1)
    await accounts.authenticate("reviewer-aliya", STRONG, HOME)
    clock.advance(seconds=1)
    for _ in range(4):
        with pytest.raises(UnknownLoginOrPassword):
            await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
    assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"


async def test_twenty_failures_from_one_address_refuse_it_for_every_login(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    for guess in range(20):  # four logins, five guesses each: no login reaches its own limit
        with pytest.raises(UnknownLoginOrPassword):
            await accounts.authenticate(f"guess-{guess % 4}", "wrong password!", "203.0.113.9")
    with pytest.raises(TooManyAttempts) as throttled:
        await accounts.authenticate("reviewer-aliya", STRONG, "203.0.113.9")
    assert throttled.value.retry_after == 15 * 60
    # The user from elsewhere is not affected.
    assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"
    clock.advance(minutes=15)
    assert (
        await accounts.authenticate("reviewer-aliya", STRONG, "203.0.113.9")
    ).id == "reviewer-aliya"


async def test_the_limits_are_configurable(fresh_dsn: str, clock: FakeClock) -> None:
    limits = LoginLimits(per_login=2, per_remote=3, window=timedelta(minutes=1))
    async with await AccountStore.open(
        fresh_dsn, clock=clock, hasher=cheap_hasher(), limits=limits
    ) as accounts:
        await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
        for _ in range(2):
            with pytest.raises(UnknownLoginOrPassword):
                await accounts.authenticate("reviewer-aliya", "wrong password!", HOME)
        with pytest.raises(TooManyAttempts) as throttled:
            await accounts.authenticate("reviewer-aliya", STRONG, HOME)
        assert throttled.value.retry_after == 60


async def test_a_hash_made_with_older_parameters_is_replaced_at_login(
    fresh_dsn: str, clock: FakeClock, superuser: asyncpg.Connection[asyncpg.Record]
) -> None:
    async with await AccountStore.open(fresh_dsn, clock=clock, hasher=cheap_hasher()) as old:
        await old.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    async with await AccountStore.open(fresh_dsn, clock=clock, hasher=stronger) as accounts:
        await accounts.authenticate("reviewer-aliya", STRONG, HOME)
        stored = await superuser.fetchval("SELECT password_hash FROM users")
        assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
        assert not stronger.check_needs_rehash(stored)
        assert (await accounts.authenticate("reviewer-aliya", STRONG, HOME)).id == "reviewer-aliya"


async def test_a_new_password_replaces_the_old_one(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    await accounts.set_password("reviewer-aliya", "another long passphrase")
    with pytest.raises(UnknownLoginOrPassword):
        await accounts.authenticate("reviewer-aliya", STRONG, HOME)
    assert await accounts.authenticate("reviewer-aliya", "another long passphrase", HOME)
