-- A snapshot being downloaded in chunks. Chunks land in staged_* tables shaped exactly like the
-- live ones, so the kiosk keeps showing its old catalog until the last chunk has arrived; then
-- one transaction copies them over in SQL. Progress survives a crash: the next sync resumes
-- after the last stored chunk.
CREATE TABLE staged_institutions (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    dong TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;

CREATE TABLE staged_places (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT;

CREATE TABLE staged_courses (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    place_id       TEXT,
    title          TEXT NOT NULL,
    field          TEXT NOT NULL,
    life_stages    TEXT NOT NULL,
    first_date     TEXT NOT NULL,
    status         TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT;

CREATE TABLE snapshot_progress (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url     TEXT NOT NULL,
    epoch       TEXT NOT NULL,
    -- The hub's head when the first chunk was read: changes after it replay whatever changed
    -- while the chunks were downloading.
    base_cursor INTEGER NOT NULL,
    next_key    TEXT,
    chunks      INTEGER NOT NULL DEFAULT 0,
    -- When the hub produced the chunks (its clock), for "as of".
    as_of       TEXT NOT NULL
) STRICT;
