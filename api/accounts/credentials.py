"""The secrets users hold: API bearer tokens, session ids and CSRF tokens, and their digests.

Each is 256 bits from :mod:`secrets`; the store keeps only SHA-256 digests, which are enough
for values that random (no salt or slow hash needed) and useless to whoever reads the table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_PREFIX = "pit_"  # noqa: S105 - a prefix, not a secret
_BEARER = re.compile(r"^pit_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_CSRF_CONTEXT = b"pit console csrf v1"


def new_token() -> tuple[str, str]:
    """A fresh token id (16 hex digits, shown in listings) and secret (43 URL-safe chars)."""
    return secrets.token_hex(8), secrets.token_urlsafe(32)


def bearer(token_id: str, secret: str) -> str:
    """What a client sends as ``Authorization: Bearer ...``: ``pit_<id>_<secret>``."""
    return f"{TOKEN_PREFIX}{token_id}_{secret}"


def parse_bearer(value: str) -> tuple[str, str] | None:
    """The token id and secret of a bearer string, or None when it is not one of pit's."""
    match = _BEARER.fullmatch(value)
    return (match[1], match[2]) if match else None


def digest(secret: str) -> bytes:
    """SHA-256 of a secret, as stored."""
    return hashlib.sha256(secret.encode()).digest()


def same_digest(stored: bytes, secret: str) -> bool:
    """Whether ``secret`` hashes to ``stored``, compared in constant time."""
    return hmac.compare_digest(stored, digest(secret))


def new_session_id() -> str:
    """A fresh session id for the console's HttpOnly cookie."""
    return secrets.token_urlsafe(32)


def csrf_token_for(session_id: str) -> str:
    """The CSRF token of a session: HMAC-SHA256 keyed by the session id.

    The console can derive it again for every form it renders, a cross-site page can neither
    read the HttpOnly cookie nor compute the token, and the token reveals nothing of the id.
    """
    mac = hmac.new(session_id.encode(), _CSRF_CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def csrf_matches(session_id: str, token: str) -> bool:
    """Whether ``token`` is the session's CSRF token, compared in constant time."""
    return hmac.compare_digest(csrf_token_for(session_id).encode(), token.encode())
