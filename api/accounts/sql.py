"""The accounts layer's SQL, one statement a constant (tables from migration 0006_accounts)."""

# Names like SET_PASSWORD and REVOKE_TOKEN hold SQL, not secrets.
# ruff: noqa: S105

from __future__ import annotations

INSERT_USER = """
INSERT INTO users (id, display_name, email, role, bin, password_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, display_name, email, role, bin, created_at, disabled_at
"""

GET_USER = """
SELECT id, display_name, email, role, bin, created_at, disabled_at FROM users WHERE id = $1
"""

GET_USER_WITH_HASH = """
SELECT id, display_name, email, role, bin, created_at, disabled_at, password_hash
FROM users WHERE id = $1
"""

LIST_USERS = """
SELECT id, display_name, email, role, bin, created_at, disabled_at FROM users ORDER BY id
"""

# Disabling twice keeps the first time.
DISABLE_USER = """
UPDATE users SET disabled_at = coalesce(disabled_at, $2) WHERE id = $1
RETURNING id, display_name, email, role, bin, created_at, disabled_at
"""

ENABLE_USER = """
UPDATE users SET disabled_at = NULL WHERE id = $1
RETURNING id, display_name, email, role, bin, created_at, disabled_at
"""

SET_PASSWORD = "UPDATE users SET password_hash = $2 WHERE id = $1"

# A rehash after login must not undo a password change made meanwhile.
REHASH_PASSWORD = "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2"

REVOKE_SESSIONS_OF_USER = """
UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL
"""

RECORD_ATTEMPT = """
INSERT INTO login_attempts (login, remote, at) VALUES ($1, $2, $3) RETURNING attempt_id
"""

MARK_ATTEMPT_SUCCEEDED = "UPDATE login_attempts SET succeeded = true WHERE attempt_id = $1"

MARK_ATTEMPT_THROTTLED = "UPDATE login_attempts SET throttled = true WHERE attempt_id = $1"

# The failures that count against a login ($1) since the window's start ($2) or its last
# success, newest first; the row at offset $3 (the limit) exists only when the attempt just
# recorded is one too many, and one more attempt is allowed once that row leaves the window.
LOGIN_FAILURE_OVER_LIMIT = """
SELECT at FROM login_attempts
WHERE login = $1 AND NOT succeeded AND NOT throttled
  AND at > greatest(
      $2::timestamptz,
      (SELECT max(at) FROM login_attempts WHERE login = $1 AND succeeded)
  )
ORDER BY at DESC, attempt_id DESC
OFFSET $3 LIMIT 1
"""

# The same per remote address, where a success starts nothing afresh.
REMOTE_FAILURE_OVER_LIMIT = """
SELECT at FROM login_attempts
WHERE remote = $1 AND NOT succeeded AND NOT throttled AND at > $2
ORDER BY at DESC, attempt_id DESC
OFFSET $3 LIMIT 1
"""

# Only an enabled user gets a token or a session: the guard and the insert are one statement.
INSERT_TOKEN = """
INSERT INTO api_tokens (token_id, user_id, secret_sha256, name, created_at, expires_at)
SELECT $1, id, $3, $4, $5, $6 FROM users WHERE id = $2 AND disabled_at IS NULL
RETURNING token_id
"""

TOKEN_WITH_USER = """
SELECT t.secret_sha256, t.expires_at, t.revoked_at,
    u.id, u.display_name, u.email, u.role, u.bin, u.created_at, u.disabled_at
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_id = $1
"""

# Written at most once a minute per token: a busy script should not write on every request.
TOUCH_TOKEN = """
UPDATE api_tokens SET last_used_at = $2
WHERE token_id = $1
  AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')
"""

REVOKE_TOKEN = """
UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE token_id = $1
RETURNING token_id
"""

INSERT_SESSION = """
INSERT INTO sessions (session_sha256, user_id, created_at, last_seen_at, expires_at)
SELECT $1, id, $3, $3, $4 FROM users WHERE id = $2 AND disabled_at IS NULL
RETURNING user_id
"""

SESSION_WITH_USER = """
SELECT s.last_seen_at, s.expires_at, s.revoked_at,
    u.id, u.display_name, u.email, u.role, u.bin, u.created_at, u.disabled_at
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.session_sha256 = $1
"""

# At most once a minute, as for tokens; the idle timeout is far longer than that.
TOUCH_SESSION = """
UPDATE sessions SET last_seen_at = $2
WHERE session_sha256 = $1 AND last_seen_at < $2::timestamptz - interval '1 minute'
"""

END_SESSION = """
UPDATE sessions SET revoked_at = $2 WHERE session_sha256 = $1 AND revoked_at IS NULL
"""
