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

# Batches: the arguments are arrays, one element per event in order. Header digests are
# computed set-wise (the timestamp formatted once); only the chain link is sequential, a
# recursion over one array of each event's three digests (no join per step).
_APPEND_MANY_BODY = """,
stamp AS (
    SELECT statement_timestamp() AS recorded_at,
           to_char(statement_timestamp() AT TIME ZONE 'UTC',
                   'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_text
),
input AS (
    SELECT u.*, p.version + u.ord AS version,
           sha256(convert_to(
               '{{"event_id":"' || u.event_id
               || '","recorded_at":"' || s.recorded_text
               || '","schema_version":' || u.schema_version
               || ',"stream_id":"' || $1::text
               || '","stream_version":' || (p.version + u.ord)
               || ',"type":"' || u.type || '"}}', 'UTF8')) AS header_digest
      FROM unnest(${0}::uuid[], ${1}::text[], ${2}::integer[], ${3}::json[], ${4}::json[],
                  ${5}::bytea[], ${6}::bytea[])
           WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata,
                                data_digest, metadata_digest, ord)
     CROSS JOIN previous p
     CROSS JOIN stamp s
),
parts AS MATERIALIZED (
    SELECT array_agg(i.header_digest || i.data_digest || i.metadata_digest ORDER BY i.ord)
           AS digests
      FROM input i
),
chain AS (
    SELECT 0::bigint AS ord, p.hash
      FROM previous p
    UNION ALL
    SELECT c.ord + 1, sha256(c.hash || d.digests[c.ord + 1])
      FROM chain c
     CROSS JOIN parts d
     WHERE c.ord < cardinality(d.digests)
)
INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    recorded_at, header_digest, data_digest, metadata_digest, prev_hash, hash,
                    transaction_id)
SELECT $1, i.version, i.event_id, i.type, i.schema_version, i.data, i.metadata,
       s.recorded_at, i.header_digest, i.data_digest, i.metadata_digest, prior.hash, c.hash,
       pg_current_xact_id()
  FROM input i
  JOIN chain c ON c.ord = i.ord
  JOIN chain prior ON prior.ord = i.ord - 1
 CROSS JOIN stamp s
 ORDER BY i.ord
RETURNING global_position, stream_version
"""

# $1 stream, $2 expected version (0: a new stream), $3..$9 the arrays.
APPEND_MANY_AT_VERSION = """
WITH RECURSIVE previous AS (
    SELECT stream_version AS version, hash
      FROM events
     WHERE stream_id = $1 AND stream_version = $2
    UNION ALL
    SELECT 0, decode(repeat('00', 32), 'hex') WHERE $2 = 0
)""" + _APPEND_MANY_BODY.format(*range(3, 10))  # noqa: S608 (parameter numbers only)

# The same at whatever version the stream is at; $2..$8 are the arrays.
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
)""" + _APPEND_MANY_BODY.format(*range(2, 9))  # noqa: S608 (parameter numbers only)

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
