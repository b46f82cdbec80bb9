"""API bearer tokens: shown once, stored as a SHA-256 digest, refused when revoked, expired,
wrong or belonging to a disabled user."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import asyncpg
import pytest

from api.accounts import (
    AccountDisabled,
    AccountStore,
    InvalidAccountInput,
    InvalidToken,
    TokenExpired,
    UnknownToken,
    UnknownUser,
)
from tests.accounts.conftest import BIN, STRONG, FakeClock

pytestmark = pytest.mark.postgres


async def test_a_token_acts_as_its_user_and_only_its_secrets_digest_is_stored(
    accounts: AccountStore, superuser: asyncpg.Connection[asyncpg.Record], clock: FakeClock
) -> None:
    user = await accounts.add_user("alatau-software", role="participant", password=STRONG, bin=BIN)
    token_id, bearer = await accounts.issue_token(user, "nightly export", timedelta(days=30))
    assert bearer.startswith(f"pit_{token_id}_")
    secret = bearer.removeprefix(f"pit_{token_id}_")

    clock.advance(minutes=5)
    assert (await accounts.user_for_token(bearer)).actor() == user.actor()

    row = await superuser.fetchrow("SELECT * FROM api_tokens")
    assert row is not None
    assert bytes(row["secret_sha256"]) == hashlib.sha256(secret.encode()).digest()
    assert all(secret not in str(value) for value in row.values())
    assert row["name"] == "nightly export"
    assert row["expires_at"] - row["created_at"] == timedelta(days=30)
    assert row["last_used_at"] == clock.now


async def test_a_wrong_malformed_or_unknown_token_is_refused(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    _, bearer = await accounts.issue_token("reviewer-aliya", "ci", timedelta(days=1))
    wrong_secret = bearer[:-4] + ("AAAA" if not bearer.endswith("AAAA") else "BBBB")
    for presented in (
        wrong_secret,
        f"pit_0123456789abcdef_{bearer.rsplit('_', 1)[-1]}",
        bearer.removeprefix("pit_"),
        "",
        bearer + "x",
    ):
        with pytest.raises(InvalidToken) as refused:
            await accounts.user_for_token(presented)
        assert refused.value.code == "invalid_token"


async def test_a_revoked_token_is_refused(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    token_id, bearer = await accounts.issue_token("reviewer-aliya", "ci", timedelta(days=1))
    await accounts.revoke_token(token_id)
    await accounts.revoke_token(token_id)  # again: no harm
    with pytest.raises(InvalidToken) as refused:
        await accounts.user_for_token(bearer)
    assert refused.value.code == "invalid_token"
    with pytest.raises(UnknownToken):
        await accounts.revoke_token("0123456789abcdef")


async def test_a_token_is_refused_from_its_expiry_on(
    accounts: AccountStore, clock: FakeClock
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    _, bearer = await accounts.issue_token("reviewer-aliya", "ci", timedelta(days=1))
    clock.advance(days=1, seconds=-1)
    assert (await accounts.user_for_token(bearer)).id == "reviewer-aliya"
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired) as refused:
        await accounts.user_for_token(bearer)
    assert refused.value.code == "token_expired"


async def test_a_disabled_users_tokens_are_refused_until_enabled(accounts: AccountStore) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    _, bearer = await accounts.issue_token("reviewer-aliya", "ci", timedelta(days=1))
    await accounts.disable("reviewer-aliya")
    with pytest.raises(AccountDisabled):
        await accounts.user_for_token(bearer)
    with pytest.raises(AccountDisabled):
        await accounts.issue_token("reviewer-aliya", "another", timedelta(days=1))
    await accounts.enable("reviewer-aliya")
    assert (await accounts.user_for_token(bearer)).id == "reviewer-aliya"


async def test_tokens_need_a_name_a_lifetime_of_at_most_a_year_and_a_user(
    accounts: AccountStore,
) -> None:
    await accounts.add_user("reviewer-aliya", role="reviewer", password=STRONG)
    for name, ttl, field in [
        ("", timedelta(days=1), "name"),
        ("ci", timedelta(0), "ttl"),
        ("ci", timedelta(days=367), "ttl"),
    ]:
        with pytest.raises(InvalidAccountInput) as refused:
            await accounts.issue_token("reviewer-aliya", name, ttl)
        assert refused.value.field == field
    with pytest.raises(UnknownUser):
        await accounts.issue_token("nobody-here", "ci", timedelta(days=1))
