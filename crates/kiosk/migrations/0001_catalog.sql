-- The kiosk's local copy of the hub catalog. No foreign keys between these tables: the hub's
-- compacted change log may deliver a course before the newest version of its institution, and
-- the kiosk must still store it. Queried columns are copied out of the validated JSON body.
CREATE TABLE institutions (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    dong TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;

CREATE TABLE places (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT;

CREATE TABLE courses (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    place_id       TEXT,
    title          TEXT NOT NULL,
    field          TEXT NOT NULL,
    -- '|middle_aged|senior|' so one LIKE finds a stage without a join table
    life_stages    TEXT NOT NULL,
    first_date     TEXT NOT NULL,
    status         TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT;
CREATE INDEX courses_by_first_date ON courses (first_date);

-- Where the local copy stands. One row. The cursor only moves in the same transaction as the
-- rows it covers, so after a crash it is never ahead of the data.
CREATE TABLE sync_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    hub_url           TEXT,
    epoch             TEXT,
    cursor            INTEGER NOT NULL DEFAULT 0,
    catalog_as_of     TEXT,
    last_attempt_at   TEXT,
    last_success_at   TEXT,
    last_error_code   TEXT,
    last_error_detail TEXT
) STRICT;
INSERT INTO sync_state (id) VALUES (1);
