-- 광명시민 평생학습지원금: the yearly programmes as the city configured them, one application per
-- person per programme, the people selected in any year (the subsidy is once in a lifetime) and
-- each programme's recorded selection.
CREATE TABLE subsidy_programmes (
    id        TEXT PRIMARY KEY,
    body      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- `status` is the SubsidyStatus JSON; `first_taken` whether the applicant's birth year is taken
-- before the draw. `residence` is the person's own declaration, `residence_confirmed` set when
-- staff or the platform checked it.
CREATE TABLE subsidy_applications (
    programme_id        TEXT NOT NULL REFERENCES subsidy_programmes (id),
    learner_id          TEXT NOT NULL,
    receipt             TEXT NOT NULL UNIQUE,
    first_taken         INTEGER NOT NULL CHECK (first_taken IN (0, 1)),
    residence           TEXT NOT NULL,
    residence_confirmed TEXT,
    status              TEXT NOT NULL,
    op_id               TEXT NOT NULL,
    arrival             INTEGER NOT NULL,
    applied_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (programme_id, learner_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subsidy_applications_by_learner ON subsidy_applications (learner_id);

-- People selected (by a draw here, or listed from the city's records of earlier years).
CREATE TABLE subsidy_grants (
    learner_id   TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    year         INTEGER NOT NULL,
    PRIMARY KEY (learner_id, programme_id)
) STRICT, WITHOUT ROWID;

-- One selection per programme, as published (DrawRecord JSON).
CREATE TABLE subsidy_draws (
    programme_id TEXT PRIMARY KEY REFERENCES subsidy_programmes (id),
    record       TEXT NOT NULL,
    drawn_at     TEXT NOT NULL
) STRICT, WITHOUT ROWID;
