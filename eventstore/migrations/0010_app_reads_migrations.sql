-- The application's role may read which migrations were applied (`pit status` shows it), not
-- change them: yoyo's own table, made by yoyo before the first migration ran.
-- depends: 0009_checkpoints

GRANT SELECT ON _yoyo_migration TO pit_app;
