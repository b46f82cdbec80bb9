"""The SQL the PostgreSQL store runs, one named statement each."""

from __future__ import annotations

# READ_STREAM, READ_ALL and SUBSCRIPTION_BATCH select the columns of a RecordedEvent in this
# order (eventstore.postgres.row_to_recorded reads them by index).

# Appends: one statement each, so one round trip and its own transaction. The header object is
# built character for character as docs/audit-format.md and eventstore.chain.header_json build
# it (stream ids, types and uuids never need JSON escaping). No lock is taken: a concurrent
# append at the same version makes the unique key (stream_id, stream_version) refuse one of
# them. An exact expected version beyond the stream's end inserts nothing (no rows returned).
# transaction_id is given explicitly so the column default is not evaluated per statement.

# $1 stream, $2 expected version (>= 1), $3 event id, $4 type, $5 schema version, $6 data,
# $7 metadata, $8 data digest, $9 metadata digest.
APPEND_ONE_AT_VERSION = """
WITH link AS (
    SELECT e.stream_version + 1 AS version, e.hash AS prev_hash,
           sha256(convert_to(
               '{"event_id":"' || $3::uuid
               || '","recorded_at":"' || to_char(statement_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               || '","schema_version":' || $5::integer
               || ',"stream_id":"' || $1::text
               || '","stream_version":' || (e.stream_version + 1)
               || ',"type":"' || $4::text || '"}', 'UTF8')) AS header_digest
      FROM events e
     WHERE e.stream_id = $1 AND e.stream_version = $2
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, l.version, $3, $4, $5, $6, $7, statement_timestamp(), l.header_digest, $8, $9,
       l.prev_hash, sha256(l.prev_hash || l.header_digest || $8::bytea || $9::bytea),
       pg_current_xact_id()
  FROM link l
RETURNING global_position, stream_version
"""

# The first event of a new stream: $2 is the event id, and so on.
APPEND_ONE_NEW_STREAM = """
WITH link AS (
    SELECT decode(repeat('00', 32), 'hex') AS prev_hash,
           sha256(convert_to(
               '{"event_id":"' || $2::uuid
               || '","recorded_at":"' || to_char(statement_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               || '","schema_version":' || $4::integer
               || ',"stream_id":"' || $1::text
               || '","stream_version":1,"type":"' || $3::text || '"}', 'UTF8')) AS header_digest
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, 1, $2, $3, $4, $5, $6, statement_timestamp(), l.header_digest, $7, $8,
       l.prev_hash, sha256(l.prev_hash || l.header_digest || $7::bytea || $8::bytea),
       pg_current_xact_id()
  FROM link l
RETURNING global_position, stream_version
"""

# The same at whatever version the stream is at: $2 is the event id, and so on.
APPEND_ONE_AT_END = """
WITH previous AS (
    SELECT version, hash
      FROM ((SELECT stream_version AS version, hash
               FROM events
              WHERE stream_id = $1
              ORDER BY stream_version DESC
              LIMIT 1)
            UNION ALL
            SELECT 0, decode(repeat('00', 32), 'hex')) AS candidates
     ORDER BY version DESC
     LIMIT 1
),
link AS (
    SELECT p.version + 1 AS version, p.hash AS prev_hash,
           sha256(convert_to(
               '{"event_id":"' || $2::uuid
               || '","recorded_at":"' || to_char(statement_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               || '","schema_version":' || $4::integer
               || ',"stream_id":"' || $1::text
               || '","stream_version":' || (p.version + 1)
               || ',"type":"' || $3::text || '"}', 'UTF8')) AS header_digest
      FROM previous p
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, l.version, $2, $3, $4, $5, $6, statement_timestamp(), l.header_digest, $7, $8,
       l.prev_hash, sha256(l.prev_hash || l.header_digest || $7::bytea || $8::bytea),
       pg_current_xact_id()
  FROM link l
RETURNING global_position, stream_version
"""

# Batches: the arguments are arrays, one element per event in order; the chain is a
# recursive walk over them. $1 stream, $2 expected version, $3.. arrays as above.
APPEND_MANY_AT_VERSION = """
WITH RECURSIVE previous AS (
    SELECT stream_version AS version, hash
      FROM events
     WHERE stream_id = $1 AND stream_version = $2
    UNION ALL
    SELECT 0, decode(repeat('00', 32), 'hex') WHERE $2 = 0
),
input AS (
    SELECT *
      FROM unnest($3::uuid[], $4::text[], $5::integer[], $6::json[], $7::json[],
                  $8::bytea[], $9::bytea[])
           WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata,
                                data_digest, metadata_digest, ord)
),
chain AS (
    SELECT 0::bigint AS ord, p.version, NULL::bytea AS prev_hash,
           NULL::bytea AS header_digest, p.hash
      FROM previous p
    UNION ALL
    SELECT c.ord + 1, c.version + 1, c.hash, h.digest,
           sha256(c.hash || h.digest || i.data_digest || i.metadata_digest)
      FROM chain c
      JOIN input i ON i.ord = c.ord + 1
     CROSS JOIN LATERAL (
           SELECT sha256(convert_to(
               '{"event_id":"' || i.event_id
               || '","recorded_at":"' || to_char(statement_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               || '","schema_version":' || i.schema_version
               || ',"stream_id":"' || $1::text
               || '","stream_version":' || (c.version + 1)
               || ',"type":"' || i.type || '"}', 'UTF8')) AS digest) h
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, c.version, i.event_id, i.type, i.schema_version, i.data, i.metadata,
       statement_timestamp(), c.header_digest, i.data_digest, i.metadata_digest, c.prev_hash,
       c.hash, pg_current_xact_id()
  FROM chain c
  JOIN input i ON i.ord = c.ord
 ORDER BY c.ord
RETURNING global_position, stream_version
"""

# The same at whatever version the stream is at; $2.. are the arrays.
APPEND_MANY_AT_END = """
WITH RECURSIVE previous AS (
    SELECT version, hash
      FROM ((SELECT stream_version AS version, hash
               FROM events
              WHERE stream_id = $1
              ORDER BY stream_version DESC
              LIMIT 1)
            UNION ALL
            SELECT 0, decode(repeat('00', 32), 'hex')) AS candidates
     ORDER BY version DESC
     LIMIT 1
),
input AS (
    SELECT *
      FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::json[], $6::json[],
                  $7::bytea[], $8::bytea[])
           WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata,
                                data_digest, metadata_digest, ord)
),
chain AS (
    SELECT 0::bigint AS ord, p.version, NULL::bytea AS prev_hash,
           NULL::bytea AS header_digest, p.hash
      FROM previous p
    UNION ALL
    SELECT c.ord + 1, c.version + 1, c.hash, h.digest,
           sha256(c.hash || h.digest || i.data_digest || i.metadata_digest)
      FROM chain c
      JOIN input i ON i.ord = c.ord + 1
     CROSS JOIN LATERAL (
           SELECT sha256(convert_to(
               '{"event_id":"' || i.event_id
               || '","recorded_at":"' || to_char(statement_timestamp() AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
               || '","schema_version":' || i.schema_version
               || ',"stream_id":"' || $1::text
               || '","stream_version":' || (c.version + 1)
               || ',"type":"' || i.type || '"}', 'UTF8')) AS digest) h
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, c.version, i.event_id, i.type, i.schema_version, i.data, i.metadata,
       statement_timestamp(), c.header_digest, i.data_digest, i.metadata_digest, c.prev_hash,
       c.hash, pg_current_xact_id()
  FROM chain c
  JOIN input i ON i.ord = c.ord
 ORDER BY c.ord
RETURNING global_position, stream_version
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

READ_ALL = """
SELECT global_position, stream_id, stream_version, event_id, type, schema_version, data,
       metadata, recorded_at, prev_hash, hash
  FROM events
 WHERE global_position >= $1
 ORDER BY global_position
 LIMIT $2
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
