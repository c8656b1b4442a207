-- Sessions the hub opens for a person at one kiosk (a learner after her PIN): only the token's
-- digest is kept. `subject` is the learner's id for `kind = 'learner'`.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('learner', 'staff')),
    subject      TEXT NOT NULL,
    kiosk_id     TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Which kiosks know which learner: the one that registered her, and every one she confirmed her
-- PIN at. A kiosk acts (applies, cancels, pays) and refreshes enrollments only for learners it
-- knows, offline too.
CREATE TABLE learner_kiosks (
    learner_id TEXT NOT NULL,
    kiosk_id   TEXT NOT NULL,
    since      TEXT NOT NULL,
    PRIMARY KEY (learner_id, kiosk_id)
) STRICT, WITHOUT ROWID;

-- Learners a kiosk already acted for before this table existed keep working there.
INSERT OR IGNORE INTO learner_kiosks (learner_id, kiosk_id, since)
SELECT e.learner_id, i.kiosk_id, i.received_at FROM enrollments e JOIN kiosk_intents i ON i.op_id = e.op_id;
