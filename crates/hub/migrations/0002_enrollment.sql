-- Learners, kiosk intents and the enrollments they decide. The hub is the only place a seat is
-- given: `kiosk_intents` makes every intent apply once (replays return the stored outcome), and
-- `arrival` is the hub's own order, the only order that decides anything.
CREATE TABLE learners (
    id           TEXT PRIMARY KEY,
    mobile       TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    body         TEXT NOT NULL,
    pin_failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
) STRICT;
CREATE INDEX learners_by_mobile ON learners (mobile, birth_date);

CREATE TABLE kiosk_intents (
    kiosk_id    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    op_id       TEXT NOT NULL UNIQUE,
    body_sha256 TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    arrival     INTEGER NOT NULL UNIQUE,
    received_at TEXT NOT NULL,
    PRIMARY KEY (kiosk_id, seq)
) STRICT, WITHOUT ROWID;

-- One row per learner and course. `state` is the status tag (see EnrollmentStatus); `queue` orders
-- the waitlist (arrival for 선착순, ticket order for 추첨), so positions are always contiguous.
CREATE TABLE enrollments (
    learner_id     TEXT NOT NULL REFERENCES learners (id),
    course_id      TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    term           TEXT NOT NULL,
    state          TEXT NOT NULL,
    due_at         TEXT,
    queue          INTEGER NOT NULL,
    arrival        INTEGER NOT NULL,
    op_id          TEXT NOT NULL,
    tuition        INTEGER NOT NULL,
    materials      INTEGER NOT NULL,
    paid           INTEGER NOT NULL DEFAULT 0,
    refunded       INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (learner_id, course_id)
) STRICT;
CREATE INDEX enrollments_by_course ON enrollments (course_id, state, queue);
CREATE INDEX enrollments_due ON enrollments (due_at) WHERE state = 'awaiting_payment';

-- Money in and out, append-only.
CREATE TABLE payments (
    id         INTEGER PRIMARY KEY,
    learner_id TEXT NOT NULL,
    course_id  TEXT NOT NULL,
    method     TEXT NOT NULL,
    receipt    TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    op_id      TEXT,
    paid_at    TEXT NOT NULL
) STRICT;

CREATE TABLE refunds (
    id         INTEGER PRIMARY KEY,
    learner_id TEXT NOT NULL,
    course_id  TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    cause      TEXT NOT NULL,
    refunded_at TEXT NOT NULL
) STRICT;

-- Every 추첨 with what is needed to re-run it.
CREATE TABLE lottery_draws (
    course_id TEXT PRIMARY KEY,
    seed      TEXT NOT NULL,
    entrants  TEXT NOT NULL,
    winners   TEXT NOT NULL,
    waitlist  TEXT NOT NULL,
    drawn_at  TEXT NOT NULL
) STRICT;

-- Programme rules: scope is `default`, `institution:<id>` or `course:<id>`.
CREATE TABLE programme_rules (
    scope TEXT PRIMARY KEY,
    body  TEXT NOT NULL
) STRICT;

-- Courses whose minimum-enrolment check has run (so 폐강 is decided once).
CREATE TABLE enrolment_checks (
    course_id  TEXT PRIMARY KEY,
    outcome    TEXT NOT NULL,
    checked_at TEXT NOT NULL
) STRICT;
