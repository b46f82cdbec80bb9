-- The event log: one row per event, append-only, hash-chained per stream.
-- docs/audit-format.md describes every column an auditor relies on.
-- No CHECK constraints: PostgreSQL re-reads every CHECK expression of a table for each INSERT
-- statement, which cost a quarter of single-event append throughput. Formats (stream ids,
-- types, payload rules, digest lengths) are enforced by the store before it writes, and any
-- row that breaks them fails verification.
-- depends:

DO $$
BEGIN
    -- jsonb must keep every string exactly as the client hashed it.
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'pit needs a UTF8 database, this one is %',
            current_setting('server_encoding');
    END IF;
END
$$;

CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- "C" collation: byte order, the same on every server, and cheap to compare.
    stream_id text COLLATE "C" NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL,
    type text COLLATE "C" NOT NULL,
    schema_version integer NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL,
    header_digest bytea NOT NULL,
    data_digest bytea NOT NULL,
    metadata_digest bytea NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    -- The writing transaction, for catch-up subscriptions (see eventstore/subscription.py).
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_transaction_order ON events (transaction_id, global_position);
