-- 학습동아리 at the kiosk: the hub's board of active clubs and its rules (replaced whole each
-- exchange), each of this kiosk's learners' clubs as the hub last said (`body`, NULL while only
-- this kiosk knows of it) with what this kiosk filed and the hub has not answered (`local`,
-- `pending_op`) or refused (`refusal`), and activity records on their way.
CREATE TABLE club_board (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    body     TEXT NOT NULL
) STRICT;

CREATE TABLE club_views (
    learner_id TEXT NOT NULL,
    club_id    TEXT NOT NULL,
    body       TEXT,
    local      TEXT,
    pending_op TEXT,
    refusal    TEXT,
    PRIMARY KEY (learner_id, club_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE club_pending_activities (
    activity_id TEXT PRIMARY KEY,
    club_id     TEXT NOT NULL,
    leader_id   TEXT NOT NULL,
    record      TEXT NOT NULL,
    op_id       TEXT NOT NULL,
    refusal     TEXT
) STRICT, WITHOUT ROWID;
