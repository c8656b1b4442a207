-- 동영상 강좌 as the hub last listed them (replaced whole when its digest changes), and each
-- learner's 나중에 볼 강좌 at this kiosk (personal: purged with the learner).
CREATE TABLE videos (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE video_list (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    digest   TEXT NOT NULL
) STRICT;

CREATE TABLE watch_later (
    learner_id TEXT NOT NULL,
    video_id   TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (learner_id, video_id)
) STRICT, WITHOUT ROWID;
