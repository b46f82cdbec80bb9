-- Signed checkpoints of the whole log (eventstore/checkpoints.py, docs/audit-format.md): the
-- root of the Merkle tree over the first tree_size events in log order (transaction_id,
-- global_position), signed with the zone's Ed25519 key. A checkpoint is a record like an event:
-- never changed, never deleted (the same triggers refuse it), and the application's role may
-- only add and read them.
-- depends: 0007_projections

CREATE TABLE checkpoints (
    tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
    root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
    signed_at timestamptz NOT NULL,
    log_id text COLLATE "C" NOT NULL,
    key_id text COLLATE "C" NOT NULL,
    public_key bytea NOT NULL CHECK (length(public_key) = 32),
    signature bytea NOT NULL CHECK (length(signature) = 64),
    -- The snapshot's xmin when it was made: every event of the tree has a transaction id below.
    boundary xid8 NOT NULL
);

CREATE TRIGGER checkpoints_refuse_update_delete
    BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION pit_refuse_event_change();

CREATE TRIGGER checkpoints_refuse_truncate
    BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION pit_refuse_event_change();

REVOKE ALL ON checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON checkpoints TO pit_app;
-- Log order is the events' primary key, (transaction_id, global_position): no index to add.

