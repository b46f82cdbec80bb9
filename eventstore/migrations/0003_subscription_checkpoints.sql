-- Where each catch-up subscription has got to: the (transaction id, global position) of the
-- last event it handled. Unlike events, checkpoints are updated in place.
-- depends: 0002_immutability

CREATE TABLE subscription_checkpoints (
    subscription_id text COLLATE "C" PRIMARY KEY,
    transaction_id xid8 NOT NULL,
    global_position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
