-- What this kiosk recorded for people: learners it registered or found, its outbox of intents
-- (dense sequence, unique op id, written in the same transaction as the local row), and the
-- enrollments as last known (provisional until the hub answers).
CREATE TABLE kiosk_identity (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    kiosk_id TEXT NOT NULL
) STRICT;

CREATE TABLE learners (
    id         TEXT PRIMARY KEY,
    mobile     TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    body       TEXT NOT NULL
) STRICT;
CREATE INDEX learners_by_mobile ON learners (mobile, birth_date);

-- Rows are never deleted, so sequence numbers stay dense.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY,
    op_id       TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    outcome     TEXT,
    answered_at TEXT
) STRICT;
CREATE INDEX outbox_unanswered ON outbox (seq) WHERE outcome IS NULL;

-- `status` is the hub's EnrollmentStatus JSON, or NULL while only this kiosk knows the
-- application (접수 대기, 확정 전). `pending_op` is an intent about this row not yet answered.
CREATE TABLE enrollments (
    learner_id  TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    apply_op    TEXT NOT NULL,
    status      TEXT,
    pending_op  TEXT,
    price       TEXT,
    paid        INTEGER NOT NULL DEFAULT 0,
    refunded    INTEGER NOT NULL DEFAULT 0,
    rejected    TEXT,
    applied_at  TEXT NOT NULL,
    hub_as_of   TEXT,
    PRIMARY KEY (learner_id, course_id)
) STRICT;

-- Seats as the hub last reported them, with the time they were true.
CREATE TABLE seats (
    course_id TEXT PRIMARY KEY,
    capacity  INTEGER NOT NULL,
    taken     INTEGER NOT NULL,
    waiting   INTEGER NOT NULL,
    as_of     TEXT NOT NULL
) STRICT;
