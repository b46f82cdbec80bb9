-- Read models kept by the projector (projections/): lists, the staff's inbox, the participants
-- register and the open deadlines, each rebuilt from the event log alone.
--
-- Unlike events, these tables are disposable: the projector updates and deletes their rows as
-- the log moves on, and a rebuild empties them and projects the log again. So the application's
-- role may SELECT, INSERT, UPDATE and DELETE them; nothing in them is a record of truth (the
-- inbox's claim columns are a convenience the API sets, and a rebuild clears them).
--
-- Past due is a question of the time of asking, not of events: rows keep due instants
-- (``*_due_at``, the end of the due day in Almaty) and queries compare them with their own
-- "now". No stored "overdue" flag, which would go stale without a clock tick; the
-- overdue_deadlines view asks the database's clock.
--
-- Each agreement's rows are written in one transaction, guarded by the stream version they were
-- made from (agreements.version): an event at or below it changes nothing.
-- depends: 0006_accounts

CREATE TABLE agreements (
    agreement_id text COLLATE "C" PRIMARY KEY,
    status text COLLATE "C" NOT NULL,
    bin text COLLATE "C",
    name text,
    -- The name and the number case-folded by the projector, for search whatever the locale.
    name_key text COLLATE "C",
    agreement_number text,
    number_key text COLLATE "C",
    oked_code text COLLATE "C",
    oked_section text COLLATE "C",
    priority_area text COLLATE "C",
    opened_at timestamptz NOT NULL,
    submitted_on date,
    concluded_on date,
    end_date date,
    register_number text,
    -- The soonest open deadline: the agreement is overdue once next_due_at <= now.
    next_due date,
    next_due_at timestamptz,
    version bigint NOT NULL,
    last_event_at timestamptz NOT NULL
);

-- Listing, newest first, page by page: (opened_at, agreement_id) is the cursor.
CREATE INDEX agreements_listing ON agreements (opened_at DESC, agreement_id DESC);
CREATE INDEX agreements_status ON agreements (status);
CREATE INDEX agreements_oked_section ON agreements (oked_section);
CREATE INDEX agreements_priority_area ON agreements (priority_area);
CREATE INDEX agreements_next_due_at ON agreements (next_due_at);
-- "C" collation: a plain B-tree serves prefix search (bin LIKE '9401%').
CREATE INDEX agreements_bin ON agreements (bin);

-- Search by name and number is a substring match (name_key LIKE '%alatau%'). pg_trgm's GIN
-- index serves it where the extension can be installed; the embedded PostgreSQL pit runs
-- locally has no pg_trgm, and there a B-tree serves prefixes and the rest is a scan of a table
-- of one row per agreement. The queries are the same either way.
DO $$
DECLARE
    trgm_schema name;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN insufficient_privilege OR feature_not_supported THEN
            NULL;
        END;
    END IF;
    SELECT n.nspname INTO trgm_schema
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format(
            'CREATE INDEX agreements_name_search ON agreements USING gin (name_key %I.%I)',
            trgm_schema, 'gin_trgm_ops');
        EXECUTE format(
            'CREATE INDEX agreements_number_search ON agreements USING gin (number_key %I.%I)',
            trgm_schema, 'gin_trgm_ops');
    ELSE
        CREATE INDEX agreements_name_search ON agreements (name_key);
        CREATE INDEX agreements_number_search ON agreements (number_key);
    END IF;
END
$$;

-- The participants register: one row per BIN with a concluded agreement, made from that BIN's
-- rows of agreements.
CREATE TABLE participants (
    bin text COLLATE "C" PRIMARY KEY,
    name text,
    name_key text COLLATE "C",
    register_number text,
    status text COLLATE "C" NOT NULL,
    agreement_id text COLLATE "C" NOT NULL,
    agreement_ids text[] NOT NULL
);

CREATE INDEX participants_status ON participants (status);

-- Open tasks, one row per (agreement, kind, matter). roles may act, excluded_actors may not
-- (four-eyes); opens_at: not before (a report on a year not yet over).
CREATE TABLE inbox (
    agreement_id text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    related_id text COLLATE "C" NOT NULL,
    bin text COLLATE "C",
    roles text[] NOT NULL,
    excluded_actors text[] NOT NULL,
    commands text[] NOT NULL,
    due_date date,
    due_at timestamptz,
    opens_at timestamptz,
    legal_basis text[] NOT NULL,
    version bigint NOT NULL,
    -- Set by the API; kept while the projector re-projects the same task.
    claimed_by text,
    claimed_at timestamptz,
    PRIMARY KEY (agreement_id, kind, related_id)
);

CREATE INDEX inbox_roles ON inbox USING gin (roles);
CREATE INDEX inbox_bin ON inbox (bin);
CREATE INDEX inbox_due_at ON inbox (due_at);

-- Every open deadline (missed ones whose matter is still open included); past due once
-- due_at <= now.
CREATE TABLE open_deadlines (
    agreement_id text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    related_id text COLLATE "C" NOT NULL,
    due_date date NOT NULL,
    due_at timestamptz NOT NULL,
    legal_basis text[] NOT NULL,
    missed boolean NOT NULL,
    PRIMARY KEY (agreement_id, kind, related_id)
);

CREATE INDEX open_deadlines_due_at ON open_deadlines (due_at);

-- The staff's monitoring screen by the database's clock (projections/ asks with its own now).
CREATE VIEW overdue_deadlines AS
SELECT d.agreement_id, d.kind, d.related_id, d.due_date, d.due_at, d.legal_basis, d.missed,
       a.bin, a.name, a.agreement_number, a.status
  FROM open_deadlines d
  JOIN agreements a USING (agreement_id)
 WHERE d.due_at <= now();

REVOKE ALL ON agreements, participants, inbox, open_deadlines, overdue_deadlines FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON agreements, participants, inbox, open_deadlines
    TO pit_app;
GRANT SELECT ON overdue_deadlines TO pit_app;
