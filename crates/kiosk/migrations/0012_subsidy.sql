-- 광명시민 평생학습지원금 at the kiosk: the programmes the hub offers (to explain them offline),
-- this kiosk's learners' applications (`status` is the hub's SubsidyStatus JSON, NULL until the
-- hub answered; `rejected` a RejectReason code when the hub refused the intent) and the years
-- they were selected before (for the pre-check).
CREATE TABLE subsidy_programmes (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE subsidy_applications (
    learner_id   TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    receipt      TEXT,
    status       TEXT,
    rejected     TEXT,
    pending_op   TEXT,
    applied_at   TEXT NOT NULL,
    hub_as_of    TEXT,
    PRIMARY KEY (learner_id, programme_id)
);

CREATE TABLE subsidy_grants (
    learner_id   TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    year         INTEGER NOT NULL,
    PRIMARY KEY (learner_id, programme_id)
);
