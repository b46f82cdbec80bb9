"""The SQL of the read models, one named statement each (tables: migrations 0007_projections and
0008_accepted_reports)."""

from __future__ import annotations

# --- Writing one agreement's rows (projections/writer.py), all in one transaction -------------

# The row as it stands, locked until the transaction ends; its version guards the write.
LOCK_AGREEMENT = "SELECT bin, version FROM agreements WHERE agreement_id = $1 FOR UPDATE"

# Written only over an older version: a concurrent writer of a newer one wins (nothing returned).
UPSERT_AGREEMENT = """
INSERT INTO agreements (agreement_id, status, bin, name, name_key, agreement_number, number_key,
                        oked_code, oked_section, priority_area, opened_at, submitted_on,
                        concluded_on, end_date, register_number, next_due, next_due_at, version,
                        last_event_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
ON CONFLICT (agreement_id) DO UPDATE
   SET status = excluded.status, bin = excluded.bin, name = excluded.name,
       name_key = excluded.name_key, agreement_number = excluded.agreement_number,
       number_key = excluded.number_key, oked_code = excluded.oked_code,
       oked_section = excluded.oked_section, priority_area = excluded.priority_area,
       opened_at = excluded.opened_at, submitted_on = excluded.submitted_on,
       concluded_on = excluded.concluded_on, end_date = excluded.end_date,
       register_number = excluded.register_number, next_due = excluded.next_due,
       next_due_at = excluded.next_due_at, version = excluded.version,
       last_event_at = excluded.last_event_at
 WHERE agreements.version < excluded.version
RETURNING true
"""

DELETE_DEADLINES = "DELETE FROM open_deadlines WHERE agreement_id = $1"

INSERT_DEADLINE = """
INSERT INTO open_deadlines (agreement_id, kind, related_id, due_date, due_at, legal_basis, missed)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

# The tasks of the agreement that are no longer open ($2, $3: the open ones' kinds and ids).
DELETE_SETTLED_TASKS = """
DELETE FROM inbox
 WHERE agreement_id = $1
   AND (kind, related_id) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))
"""

# A task still open keeps its claim.
UPSERT_TASK = """
INSERT INTO inbox (agreement_id, kind, related_id, bin, roles, excluded_actors, commands,
                   due_date, due_at, opens_at, legal_basis, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (agreement_id, kind, related_id) DO UPDATE
   SET bin = excluded.bin, roles = excluded.roles, excluded_actors = excluded.excluded_actors,
       commands = excluded.commands, due_date = excluded.due_date, due_at = excluded.due_at,
       opens_at = excluded.opens_at, legal_basis = excluded.legal_basis,
       version = excluded.version
"""

# Serialises the recomputation of one BIN's entry (two agreements of one BIN, two writers).
LOCK_PARTICIPANT = "SELECT pg_advisory_xact_lock(hashtextextended('pit.participant:' || $1, 0))"

CONCLUDED_OF_BIN = """
SELECT agreement_id, status, name, register_number, concluded_on
  FROM agreements
 WHERE bin = $1 AND concluded_on IS NOT NULL
"""

UPSERT_PARTICIPANT = """
INSERT INTO participants (bin, name, name_key, register_number, status, agreement_id,
                          agreement_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (bin) DO UPDATE
   SET name = excluded.name, name_key = excluded.name_key,
       register_number = excluded.register_number, status = excluded.status,
       agreement_id = excluded.agreement_id, agreement_ids = excluded.agreement_ids
"""

DELETE_PARTICIPANT = "DELETE FROM participants WHERE bin = $1"

DELETE_ACCEPTED_REPORTS = "DELETE FROM accepted_reports WHERE agreement_id = $1"

INSERT_ACCEPTED_REPORT = """
INSERT INTO accepted_reports (agreement_id, year, report_id, bin, investment_foreign_kzt,
                              investment_domestic_kzt, production_volume_kzt, jobs,
                              kz_content_bp, imported_goods_consumed_kzt, accepted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
"""

# --- Rebuilding (projections/rebuild.py) -----------------------------------------------------

# Held by the rebuild's writing transaction from before its snapshot is taken until it commits:
# a live projector elsewhere cannot commit rows the rebuild would then overwrite with older
# ones (its writes wait; readers do not). agreements first, as every live write takes it first.
LOCK_READ_MODELS = """
LOCK TABLE agreements, participants, inbox, open_deadlines, accepted_reports IN EXCLUSIVE MODE
"""

# Every read model emptied, in the transaction that writes them again.
RESET = (
    "DELETE FROM accepted_reports",
    "DELETE FROM inbox",
    "DELETE FROM open_deadlines",
    "DELETE FROM participants",
    "DELETE FROM agreements",
)
FORGET_CHECKPOINT = "DELETE FROM subscription_checkpoints WHERE subscription_id = $1"

# The rebuild's snapshot (for worker processes to share) and its xmin: every transaction below
# it has ended, so the events below it are all there is below it, ever (the subscription's
# line, eventstore/subscription.py).
EXPORT_SNAPSHOT = """
SELECT pg_export_snapshot(), pg_snapshot_xmin(pg_current_snapshot())::text
"""

# The subscription's position after every event below the xmin ($1): its last one in
# (transaction id, position) order, through the primary key backwards.
LAST_EVENT_BELOW = """
SELECT transaction_id::text, global_position
  FROM events
 WHERE transaction_id < $1::text::xid8
 ORDER BY transaction_id DESC, global_position DESC
 LIMIT 1
"""

# The events of the agreement streams ($1 <= stream_id < $2), for the progress bar's total.
COUNT_EVENTS_OF_STREAMS = "SELECT count(*) FROM events WHERE stream_id >= $1 AND stream_id < $2"

# About how many events the log holds, always current (the planner's count may be days old):
# the last position handed out (a transaction that aborted leaves a gap).
ESTIMATE_EVENTS = "SELECT last_value FROM events_global_position_seq"

# Stream ids of a sample of about $1 percent of the table's pages, within [$2, $3): where to
# split the streams between worker processes.
SAMPLE_STREAM_IDS = """
SELECT stream_id FROM events TABLESAMPLE SYSTEM ($1) WHERE stream_id >= $2 AND stream_id < $3
"""

# A chunk of events in (stream_id, stream_version) order through the unique index on them:
# after ($1, $2), below stream $3, at most $4 (projections/replay.py). The columns a rebuild
# decodes, and no more: agreement events are decoded from type, schema version and data.
AGREEMENT_EVENTS_AFTER = """
SELECT stream_id, stream_version, type, schema_version, data
  FROM events
 WHERE (stream_id, stream_version) > ($1, $2)
   AND stream_id < $3
 ORDER BY stream_id, stream_version
 LIMIT $4
"""

# --- Queries (projections/queries.py) ---------------------------------------------------------

AGREEMENT_COLUMNS = """
agreement_id, status, bin, name, agreement_number, oked_code, oked_section, priority_area,
opened_at, submitted_on, concluded_on, end_date, register_number, next_due, next_due_at,
version, last_event_at
"""

# $1 now; filters, each skipped when NULL: $2 statuses, $3 OKED section, $4 priority area,
# $5 overdue (true/false), $6 BIN; $7 search (LIKE-escaped, case-folded): a BIN prefix or a
# part of the name or number; $8, $9 the cursor (the last row's opened_at and id); $10 limit.
LIST_AGREEMENTS = f"""
SELECT {AGREEMENT_COLUMNS}, coalesce(next_due_at <= $1, false) AS overdue
  FROM agreements
 WHERE ($2::text[] IS NULL OR status = ANY($2::text[]))
   AND ($3::text IS NULL OR oked_section = $3::text)
   AND ($4::text IS NULL OR priority_area = $4::text)
   AND ($5::boolean IS NULL
        OR ($5::boolean AND next_due_at <= $1)
        OR (NOT $5::boolean AND (next_due_at IS NULL OR next_due_at > $1)))
   AND ($6::text IS NULL OR bin = $6::text)
   AND ($7::text IS NULL
        OR bin LIKE $7::text || '%'
        OR name_key LIKE '%' || $7::text || '%'
        OR number_key LIKE '%' || $7::text || '%')
   AND ($8::timestamptz IS NULL OR (opened_at, agreement_id) < ($8::timestamptz, $9::text))
 ORDER BY opened_at DESC, agreement_id DESC
 LIMIT $10
"""  # noqa: S608 (a constant: the column list above, no input)

GET_AGREEMENT = f"""
SELECT {AGREEMENT_COLUMNS}, coalesce(next_due_at <= $2, false) AS overdue
  FROM agreements
 WHERE agreement_id = $1
"""  # noqa: S608 (a constant: the column list above, no input)

# $1 role, $2 actor id, $3 now, $4 BIN (NULL: any), $5 agreement (NULL: any), $6 limit.
INBOX = """
SELECT i.agreement_id, i.kind, i.related_id, i.bin, a.name, a.agreement_number, a.status,
       i.roles, i.excluded_actors, i.commands, i.due_date, i.due_at, i.opens_at,
       i.legal_basis, coalesce(i.due_at <= $3, false) AS overdue, i.claimed_by, i.claimed_at
  FROM inbox i
  JOIN agreements a USING (agreement_id)
 WHERE i.roles @> ARRAY[$1::text]
   AND NOT ($2::text = ANY(i.excluded_actors))
   AND (i.opens_at IS NULL OR i.opens_at <= $3)
   AND ($4::text IS NULL OR i.bin = $4::text)
   AND ($5::text IS NULL OR i.agreement_id = $5::text)
 ORDER BY i.due_at NULLS LAST, i.agreement_id, i.kind, i.related_id
 LIMIT $6
"""

# A task is claimed by one actor at a time, never by one the four-eyes rule excludes.
CLAIM_TASK = """
UPDATE inbox SET claimed_by = $4, claimed_at = $5
 WHERE agreement_id = $1 AND kind = $2 AND related_id = $3
   AND (claimed_by IS NULL OR claimed_by = $4)
   AND NOT ($4 = ANY(excluded_actors))
RETURNING true
"""

RELEASE_TASK = """
UPDATE inbox SET claimed_by = NULL, claimed_at = NULL
 WHERE agreement_id = $1 AND kind = $2 AND related_id = $3 AND claimed_by = $4
RETURNING true
"""

# $1 now, $2 limit.
OVERDUE = """
SELECT d.agreement_id, d.kind, d.related_id, d.due_date, d.due_at, d.legal_basis, d.missed,
       a.bin, a.name, a.agreement_number, a.status
  FROM open_deadlines d
  JOIN agreements a USING (agreement_id)
 WHERE d.due_at <= $1
 ORDER BY d.due_at, d.agreement_id, d.kind, d.related_id
 LIMIT $2
"""

# $1 search (LIKE-escaped, case-folded: a BIN prefix or a part of the name), $2 status,
# $3 the cursor (the last BIN), $4 limit.
PARTICIPANTS = """
SELECT bin, name, register_number, status, agreement_id, agreement_ids
  FROM participants
 WHERE ($1::text IS NULL OR bin LIKE $1::text || '%' OR name_key LIKE '%' || $1::text || '%')
   AND ($2::text IS NULL OR status = $2::text)
   AND ($3::text IS NULL OR bin > $3::text)
 ORDER BY bin
 LIMIT $4
"""

# The accepted annual reports, by year then agreement; $1 the year (NULL: every year).
ACCEPTED_REPORTS = """
SELECT agreement_id, year, report_id, bin, investment_foreign_kzt, investment_domestic_kzt,
       production_volume_kzt, jobs, kz_content_bp, imported_goods_consumed_kzt, accepted_at
  FROM accepted_reports
 WHERE ($1::integer IS NULL OR year = $1::integer)
 ORDER BY year, agreement_id
"""

# The participants register counted by the current agreement's status, OKED section and
# priority area (one grouping set each; ``dimension`` says which, NULL a value not known).
PARTICIPANT_COUNTS = """
SELECT CASE WHEN GROUPING(p.status) = 0 THEN 'status'
            WHEN GROUPING(a.oked_section) = 0 THEN 'oked_section'
            ELSE 'priority_area' END AS dimension,
       coalesce(p.status, a.oked_section, a.priority_area) AS value,
       count(*) AS participants
  FROM participants p
  LEFT JOIN agreements a ON a.agreement_id = p.agreement_id
 GROUP BY GROUPING SETS ((p.status), (a.oked_section), (a.priority_area))
 ORDER BY dimension, value NULLS LAST
"""

# --- How far the projector has got (projections/status.py) -------------------------------------

CHECKPOINT_OF = """
SELECT transaction_id::text, global_position, updated_at
  FROM subscription_checkpoints
 WHERE subscription_id = $1
"""

# The events after a checkpoint ($1, $2) in the subscription's order, and how many of them it
# may deliver now (the rest wait for transactions still running elsewhere).
EVENTS_AFTER_CHECKPOINT = """
SELECT count(*),
       count(*) FILTER (WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()))
  FROM events
 WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
"""

READ_MODEL_ROWS = """
SELECT (SELECT count(*) FROM agreements),
       (SELECT count(*) FROM participants),
       (SELECT count(*) FROM inbox),
       (SELECT count(*) FROM open_deadlines),
       (SELECT count(*) FROM accepted_reports)
"""

# --- What an operator watches (projections/gauges.py, the API's /metrics) ----------------------

# The transaction's statements are cancelled after $1 ('1500ms').
LOCAL_STATEMENT_TIMEOUT = "SELECT set_config('statement_timeout', $1, true)"

# (gauge, label, value) rows: agreements not in a final status ($2) by status; open deadlines
# past due at $1 by kind; the staff's open tasks (no $3, the participant's role, among their
# roles) past due at $1 by kind. Each through its index (status, due_at).
GAUGE_COUNTS = """
SELECT 'open_agreements' AS gauge, status AS label, count(*) AS value
  FROM agreements
 WHERE status <> ALL($2::text[])
 GROUP BY status
UNION ALL
SELECT 'overdue_deadlines', kind, count(*)
  FROM open_deadlines
 WHERE due_at <= $1
 GROUP BY kind
UNION ALL
SELECT 'sla_breaches', kind, count(*)
  FROM inbox
 WHERE due_at <= $1 AND NOT ($3::text = ANY(roles))
 GROUP BY kind
"""

# The latest signed checkpoint; the oldest event it does not cover (every event of a
# transaction at or above its boundary, in log order, through the primary key); and the events
# after the subscription $1's checkpoint, counted up to $2.
GAUGE_LOG = """
WITH signed AS (
    SELECT tree_size, signed_at, boundary FROM checkpoints ORDER BY tree_size DESC LIMIT 1
), projected AS (
    SELECT transaction_id, global_position
      FROM subscription_checkpoints
     WHERE subscription_id = $1
)
SELECT (SELECT tree_size FROM signed) AS tree_size,
       (SELECT signed_at FROM signed) AS signed_at,
       (SELECT recorded_at
          FROM events
         WHERE transaction_id >= coalesce((SELECT boundary FROM signed), '0'::xid8)
         ORDER BY transaction_id, global_position
         LIMIT 1) AS oldest_unsigned_at,
       (SELECT count(*)
          FROM (SELECT
                  FROM events
                 WHERE (transaction_id, global_position)
                       > (coalesce((SELECT transaction_id FROM projected), '0'::xid8),
                          coalesce((SELECT global_position FROM projected), 0))
                 LIMIT $2) AS behind) AS projection_lag
"""
