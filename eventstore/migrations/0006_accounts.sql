-- The people who use pit (api/accounts/): users, their API tokens, console sessions and login
-- attempts. No secret is stored in the clear: passwords as argon2id PHC strings, token secrets
-- and session ids as SHA-256 digests (they are 256-bit random values, so a fast hash suffices).
-- All times come from the application's clock, never now(), so tests can move time.
-- The application's role may read, add and change the columns the code changes; it may never
-- DELETE: a user is disabled, a token revoked, a session ended, and every row stays as the
-- record of who could act when (events name users as their actors).
-- depends: 0005_mail_deliveries

-- A BIN's form and check digit (domain/bin.py's parse_bin, without its eligibility rules), for
-- the users table's CHECK: the database refuses a participant bound to a malformed BIN even
-- if some code path forgets to validate.
CREATE FUNCTION pit_bin_is_valid(value text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
DECLARE
    first_sum integer := 0;
    second_sum integer := 0;
    digit integer;
    expected integer;
BEGIN
    -- Two IFs: SQL does not promise to evaluate OR left to right, and the casts need digits.
    IF value !~ '^[0-9]{12}$' THEN
        RETURN false;
    END IF;
    IF substr(value, 3, 2)::integer NOT BETWEEN 1 AND 12
        OR substr(value, 5, 1) NOT IN ('4', '5', '6')
        OR substr(value, 6, 1) NOT IN ('0', '1', '2', '3')
    THEN
        RETURN false;
    END IF;
    FOR i IN 1..11 LOOP
        digit := substr(value, i, 1)::integer;
        first_sum := first_sum + digit * i;
        -- The second weights: 3, 4, ..., 11, 1, 2.
        second_sum := second_sum + digit * (CASE WHEN i <= 9 THEN i + 2 ELSE i - 9 END);
    END LOOP;
    expected := first_sum % 11;
    IF expected = 10 THEN
        expected := second_sum % 11;
    END IF;
    RETURN expected <> 10 AND expected = substr(value, 12, 1)::integer;
END
$$;

CREATE TABLE users (
    id text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    email text CHECK (length(email) BETWEEN 3 AND 254),
    -- Never 'system': that is pit itself, which no one can log in as.
    role text COLLATE "C" NOT NULL
        CHECK (role IN ('participant', 'reviewer', 'approver', 'auditor', 'admin')),
    bin text COLLATE "C",
    password_hash text COLLATE "C" NOT NULL CHECK (password_hash ~ '^[$]argon2id[$]'),
    created_at timestamptz NOT NULL,
    disabled_at timestamptz,
    -- A participant acts for exactly one legal entity; staff act for the management company.
    CONSTRAINT users_bin_matches_role CHECK (
        CASE WHEN role = 'participant'
            THEN bin IS NOT NULL AND pit_bin_is_valid(bin)
            ELSE bin IS NULL
        END
    )
);

CREATE TABLE api_tokens (
    token_id text COLLATE "C" PRIMARY KEY CHECK (token_id ~ '^[0-9a-f]{16}$'),
    user_id text COLLATE "C" NOT NULL REFERENCES users (id),
    secret_sha256 bytea NOT NULL CHECK (length(secret_sha256) = 32),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- The CSRF token is derived from the session id (HMAC-SHA256 keyed by it), so the session id
-- is its only derivation input and nothing more needs storing.
CREATE TABLE sessions (
    session_sha256 bytea PRIMARY KEY CHECK (length(session_sha256) = 32),
    user_id text COLLATE "C" NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    revoked_at timestamptz
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Every login attempt, for rate limiting and as a security log. ``login`` is the name as
-- given (it may name no user). An attempt is written as a failure before the password is
-- checked, then marked as succeeded (or throttled, when a limit refused it unchecked): two
-- concurrent guesses can never both slip under a limit.
CREATE TABLE login_attempts (
    attempt_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login text COLLATE "C" NOT NULL CHECK (length(login) <= 100),
    remote text COLLATE "C" NOT NULL CHECK (length(remote) <= 100),
    at timestamptz NOT NULL,
    succeeded boolean NOT NULL DEFAULT false,
    throttled boolean NOT NULL DEFAULT false,
    CHECK (NOT (succeeded AND throttled))
);
CREATE INDEX login_attempts_login_at ON login_attempts (login, at);
CREATE INDEX login_attempts_remote_at ON login_attempts (remote, at);

REVOKE ALL ON users, api_tokens, sessions, login_attempts FROM PUBLIC;
GRANT SELECT, INSERT ON users, api_tokens, sessions, login_attempts TO pit_app;
-- Only the columns the code changes: a user's id, role and BIN are fixed once added.
GRANT UPDATE (display_name, email, password_hash, disabled_at) ON users TO pit_app;
GRANT UPDATE (last_used_at, revoked_at) ON api_tokens TO pit_app;
GRANT UPDATE (last_seen_at, revoked_at) ON sessions TO pit_app;
GRANT UPDATE (succeeded, throttled) ON login_attempts TO pit_app;
