"""Passwords: the strength rule and argon2id hashing, run off the event loop.

argon2id with RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes: argon2-cffi's
default) costs a guesser about a quarter of a second of a CPU core per guess.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from api.accounts.errors import InvalidAccountInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte per guess would be a cheap denial of service


def check_password(password: str, *, login: str, others: Iterable[str | None] = ()) -> None:
    """Refuse a password that is short, huge, or the user's own login, name or e-mail.

    Raises:
        InvalidAccountInput: ``weak_password`` on field ``password``, saying which rule.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        rule = f"at least {MIN_PASSWORD_LENGTH} characters"
    elif len(password) > MAX_PASSWORD_LENGTH:
        rule = f"at most {MAX_PASSWORD_LENGTH} characters"
    elif password.casefold() in {v.casefold() for v in (login, *others) if v}:
        rule = "not the login, name or e-mail of its user"
    else:
        return
    raise InvalidAccountInput(
        f"the password is too weak: it must be {rule}", code="weak_password", field="password"
    )


class Passwords:
    """argon2id hashing and verification in a worker thread (each takes ~0.25 s of CPU).

    Args:
        hasher: the hasher; the default is argon2-cffi's (RFC 9106 low-memory profile).
            Tests pass a cheap one; a hasher of another argon2 type is refused.
    """

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        if self._hasher.type is not Type.ID:
            raise ValueError("pit stores argon2id hashes only: give a PasswordHasher(type=ID)")
        self._dummy: str | None = None

    async def prepare(self) -> None:
        """Make the dummy hash now, so that the first unknown login is not slower than others."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(32))

    async def hash(self, password: str) -> str:
        """An argon2id PHC string of ``password`` with a fresh salt."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; for an unknown user (None) a dummy hash is verified
        so the answer takes as long as for a known one."""
        if password_hash is None:
            await self.prepare()
            assert self._dummy is not None
            await asyncio.to_thread(self._matches, self._dummy, password)
            return False
        return await asyncio.to_thread(self._matches, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the hasher's."""
        return self._hasher.check_needs_rehash(password_hash)

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
