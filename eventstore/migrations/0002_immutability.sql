-- Immutability is the database's job: no UPDATE, DELETE or TRUNCATE of events, by anyone
-- who has not first disabled these triggers (which only the table's owner can do).
-- SQLSTATE PT001 marks the refusal.
-- depends: 0001_events

CREATE FUNCTION pit_refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'PT001',
              HINT = 'record a correcting event instead of changing a recorded one';
END
$$;

CREATE TRIGGER events_refuse_update_delete
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION pit_refuse_event_change();

CREATE TRIGGER events_refuse_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION pit_refuse_event_change();
