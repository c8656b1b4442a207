-- Offline (provisional) certificates. The device key's secret half is in the OS keyring, never
-- here; this row only says which key it is and whether the hub has endorsed it.
CREATE TABLE device_key (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    key_id     TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    endorsed   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One per learner and course; the hub's answer is the outcome of the outbox entry `op_id`.
CREATE TABLE provisional_certificates (
    serial     TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL,
    course_id  TEXT NOT NULL,
    qr_text    TEXT NOT NULL,
    op_id      TEXT NOT NULL,
    issued_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX provisional_once ON provisional_certificates (learner_id, course_id);
