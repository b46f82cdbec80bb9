-- The application's role: it may read and append events, never change them.
-- Roles belong to the whole cluster, so several databases (parallel test runs) may try to
-- create it at the same moment: the loser's duplicate is ignored.
-- depends: 0003_subscription_checkpoints

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pit_app') THEN
        BEGIN
            CREATE ROLE pit_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

REVOKE ALL ON events FROM PUBLIC;
GRANT SELECT, INSERT ON events TO pit_app;
-- SELECT on a sequence reads its last value (read_all's end); it never allows nextval.
GRANT SELECT ON SEQUENCE events_global_position_seq TO pit_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON subscription_checkpoints TO pit_app;
