"""The SQL the PostgreSQL store runs, one named statement each."""

from __future__ import annotations

# READ_STREAM, READ_ALL and SUBSCRIPTION_BATCH select the columns of a RecordedEvent in this
# order (eventstore.postgres.row_to_recorded reads them by index).

# Appends: the writer chains the events (eventstore.chain.chain_events) and the statement only
# stores them, one round trip that is its own transaction. No lock is taken: a concurrent
# append at the same version makes the unique key (stream_id, stream_version) refuse one of
# them. transaction_id is given explicitly so the column default is not evaluated per row.

# $1 stream, $2 version, $3 event id, $4 type, $5 schema version, $6 data, $7 metadata,
# $8 recorded_at, $9 header digest, $10 data digest, $11 metadata digest, $12 prev hash, $13 hash.
INSERT_ONE = """
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, pg_current_xact_id())
RETURNING global_position, stream_version
"""

# The same for a batch: $1 stream, $2 recorded_at, $3.. one array per column, in order.
INSERT_MANY = """
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, u.stream_version, u.event_id, u.type, u.schema_version, u.data, u.metadata, $2,
       u.header_digest, u.data_digest, u.metadata_digest, u.prev_hash, u.hash,
       pg_current_xact_id()
  FROM unnest($3::bigint[], $4::uuid[], $5::text[], $6::integer[], $7::json[], $8::json[],
              $9::bytea[], $10::bytea[], $11::bytea[], $12::bytea[], $13::bytea[])
       WITH ORDINALITY AS u(stream_version, event_id, type, schema_version, data, metadata,
                            header_digest, data_digest, metadata_digest, prev_hash, hash, ord)
 ORDER BY u.ord
RETURNING global_position, stream_version
"""

# The hash of one version of a stream: what an append at that expected version chains to.
HASH_AT_VERSION = "SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2"

# The stream's last event, for an append at whatever version the stream is at.
STREAM_HEAD = """
SELECT stream_version, hash
  FROM events
 WHERE stream_id = $1
 ORDER BY stream_version DESC
 LIMIT 1
"""

CURRENT_VERSION = "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1"

PRIOR_RECORDS = """
SELECT event_id, stream_id, stream_version, global_position, type, schema_version,
       data_digest, metadata_digest
  FROM events
 WHERE event_id = ANY($1::uuid[])
"""

READ_STREAM = """
SELECT global_position, stream_id, stream_version, event_id, type, schema_version, data,
       metadata, recorded_at, prev_hash, hash
  FROM events
 WHERE stream_id = $1
   AND stream_version >= $2
   AND ($3::timestamptz IS NULL OR (metadata->>'occurred_at')::timestamptz <= $3)
   AND ($4::timestamptz IS NULL OR recorded_at <= $4)
 ORDER BY stream_version
"""

# list_streams: a loose index scan ("skip scan") over the unique index on (stream_id,
# stream_version), which already orders every stream id: each step of the recursion is one
# index probe for the first id above the previous one, so a page of $3 ids costs $3 probes
# however many events each stream holds (a DISTINCT would read every event of the page's
# streams). $1 the lower bound (inclusive in LIST_STREAMS_FROM, exclusive in
# LIST_STREAMS_AFTER), $2 the exclusive upper bound, $3 the page size.
_LIST_STREAMS = """
WITH RECURSIVE listed (stream_id, n) AS (
    (SELECT stream_id, 1
       FROM events
      WHERE stream_id {lower} $1 AND stream_id < $2
      ORDER BY stream_id
      LIMIT 1)
    UNION ALL
    SELECT next.stream_id, listed.n + 1
      FROM listed
      CROSS JOIN LATERAL (
          SELECT stream_id
            FROM events
           WHERE stream_id > listed.stream_id AND stream_id < $2
           ORDER BY stream_id
           LIMIT 1
      ) AS next
     WHERE listed.n < $3
)
SELECT stream_id FROM listed ORDER BY stream_id
"""
LIST_STREAMS_FROM = _LIST_STREAMS.format(lower=">=")
LIST_STREAMS_AFTER = _LIST_STREAMS.format(lower=">")

# read_all scans one window of positions [$1, $2) through the BRIN index at a time.
LAST_POSITION = "SELECT last_value FROM events_global_position_seq"

READ_ALL = """
SELECT global_position, stream_id, stream_version, event_id, type, schema_version, data,
       metadata, recorded_at, prev_hash, hash
  FROM events
 WHERE global_position >= $1 AND global_position < $2
 ORDER BY global_position
 LIMIT $3
"""

VERIFY_CHUNK = """
SELECT stream_id, stream_version, event_id, type, schema_version, data, metadata,
       recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash
  FROM events
 WHERE (stream_id, stream_version) > ($1, $2)
   AND stream_id < $3
 ORDER BY stream_id, stream_version
 LIMIT $4
"""

VERIFY_CHUNK_TO_END = """
SELECT stream_id, stream_version, event_id, type, schema_version, data, metadata,
       recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash
  FROM events
 WHERE (stream_id, stream_version) > ($1, $2)
 ORDER BY stream_id, stream_version
 LIMIT $3
"""

MAY_SET_ROLE = """
SELECT to_regrole($1) IS NOT NULL AND pg_has_role(current_user, $1, 'MEMBER')
"""

NOTIFY = "SELECT pg_notify($1, '')"

SUBSCRIPTION_BATCH = """
SELECT transaction_id::text,
       global_position, stream_id, stream_version, event_id, type, schema_version, data,
       metadata, recorded_at, prev_hash, hash
  FROM events
 WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id, global_position
 LIMIT $3
"""

LOAD_CHECKPOINT = """
SELECT transaction_id::text, global_position
  FROM subscription_checkpoints
 WHERE subscription_id = $1
"""

SAVE_CHECKPOINT = """
INSERT INTO subscription_checkpoints (subscription_id, transaction_id, global_position)
VALUES ($1, $2::text::xid8, $3)
ON CONFLICT (subscription_id) DO UPDATE
   SET transaction_id = excluded.transaction_id,
       global_position = excluded.global_position,
       updated_at = now()
"""
