-- Attendance per session (marked by staff on a kiosk) and the certificates the hub signed.
CREATE TABLE attendance (
    learner_id  TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    session     TEXT NOT NULL,
    present     INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (learner_id, course_id, session)
) STRICT;

-- One row per serial. A reissue supersedes the old serial; a revocation is recorded with who,
-- when and why. Nothing is deleted.
CREATE TABLE certificates (
    serial            TEXT PRIMARY KEY,
    learner_id        TEXT NOT NULL,
    course_id         TEXT NOT NULL,
    qr_text           TEXT NOT NULL,
    verification_code TEXT NOT NULL UNIQUE,
    issued_at         TEXT NOT NULL,
    superseded_by     TEXT,
    revoked_at        TEXT,
    revoked_by        TEXT,
    revoke_reason     TEXT,
    reissued_by       TEXT
) STRICT;
CREATE INDEX certificates_by_learner ON certificates (learner_id, course_id);
