-- A phone payment happens in three steps so the payment provider is called outside the database
-- lock: the attempt is claimed here (one at a time per application, which is what keeps a double
-- tap from charging twice), the provider charges with the application's op id as its reference,
-- and the result is recorded with the payment. While an attempt is open its seat is not released
-- for a missed deadline.
CREATE TABLE payment_attempts (
    op_id       TEXT PRIMARY KEY,
    amount      INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    receipt     TEXT,
    finished_at TEXT
) STRICT;

