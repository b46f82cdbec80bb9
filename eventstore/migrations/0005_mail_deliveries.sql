-- Outbound mail, one row per mail id: the key that makes a delivery happen at most once.
-- activities/mail.py inserts the row and sends in one transaction, so a row means the SMTP
-- server accepted the message (or the sender is still in the middle of sending it).
-- The application's role may insert and read rows, never change or remove them: a removed
-- row would let a retried reminder go out a second time.
-- depends: 0004_app_role

CREATE TABLE mail_deliveries (
    mail_id text COLLATE "C" PRIMARY KEY,
    recipients text[] NOT NULL,
    template text COLLATE "C" NOT NULL,
    subject text NOT NULL,
    message_id text COLLATE "C" NOT NULL,
    stream_id text COLLATE "C" NOT NULL,
    correlation_id text COLLATE "C" NOT NULL,
    sent_at timestamptz NOT NULL
);

REVOKE ALL ON mail_deliveries FROM PUBLIC;
GRANT SELECT, INSERT ON mail_deliveries TO pit_app;
