-- 동영상 강좌 imported through feeds (kept apart from the catalog change log: kiosks fetch the
-- list whole, by digest, beside the catalog) and the ZOOM sessions of courses, whose link and
-- passcode are only ever answered to a confirmed learner's own session.
CREATE TABLE videos (
    id       TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    body     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE live_sessions (
    course_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    join_url  TEXT NOT NULL,
    passcode  TEXT NOT NULL,
    PRIMARY KEY (course_id, date)
) STRICT, WITHOUT ROWID;
