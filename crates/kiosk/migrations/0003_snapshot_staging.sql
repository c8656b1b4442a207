-- A snapshot being downloaded in chunks. Chunks land here, not in the live tables, so the kiosk
-- keeps showing its old catalog until the last chunk has arrived; then one transaction swaps
-- them in. Progress survives a crash: the next sync resumes after the last stored chunk.
CREATE TABLE snapshot_staging (
    key  TEXT PRIMARY KEY,
    body TEXT NOT NULL
) STRICT;

CREATE TABLE snapshot_progress (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url     TEXT NOT NULL,
    epoch       TEXT NOT NULL,
    -- The hub's head when the first chunk was read: changes after it replay whatever changed
    -- while the chunks were downloading.
    base_cursor INTEGER NOT NULL,
    next_key    TEXT,
    chunks      INTEGER NOT NULL DEFAULT 0
) STRICT;
