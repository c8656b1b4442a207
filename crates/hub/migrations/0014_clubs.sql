-- 학습동아리: clubs as their leaders filed them and staff decided, who belongs (the leader,
-- members, people asking to join), the meetings leaders recorded and who came to each (for the
-- members' learning records), and every staff decision.
CREATE TABLE clubs (
    id             TEXT PRIMARY KEY,
    application    TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    leader_id      TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'active', 'rejected')),
    reason         TEXT NOT NULL DEFAULT '',
    filed_at       TEXT NOT NULL,
    approved_on    TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE club_members (
    club_id    TEXT NOT NULL REFERENCES clubs (id),
    learner_id TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('leader', 'member', 'asked')),
    since      TEXT NOT NULL,
    PRIMARY KEY (club_id, learner_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX club_members_by_learner ON club_members (learner_id);

CREATE TABLE club_activities (
    activity_id TEXT PRIMARY KEY,
    club_id     TEXT NOT NULL REFERENCES clubs (id),
    date        TEXT NOT NULL,
    record      TEXT NOT NULL,
    filed_by    TEXT NOT NULL,
    filed_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX club_activities_by_club ON club_activities (club_id, date);

CREATE TABLE club_attendance (
    activity_id TEXT NOT NULL REFERENCES club_activities (activity_id),
    learner_id  TEXT NOT NULL,
    club_id     TEXT NOT NULL,
    date        TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (activity_id, learner_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX club_attendance_by_learner ON club_attendance (learner_id, date);

CREATE TABLE club_actions (
    club_id TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    by_name TEXT NOT NULL,
    reason  TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL
) STRICT;
