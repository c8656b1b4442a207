-- Catalog: one row per record with its validated JSON body, plus a change log that kiosks
-- follow with a cursor. The log keeps only the newest entry per record (compacted), so
-- "changes after N" never replays superseded versions.
CREATE TABLE hub_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL CHECK (entity IN ('institution', 'place', 'course')),
    entity_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
) STRICT;
CREATE UNIQUE INDEX catalog_log_one_per_record ON catalog_log (entity, entity_id);

CREATE TABLE institutions (
    id          TEXT PRIMARY KEY,
    body        TEXT NOT NULL,
    updated_seq INTEGER NOT NULL
) STRICT;

CREATE TABLE places (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    body           TEXT NOT NULL,
    updated_seq    INTEGER NOT NULL
) STRICT;

CREATE TABLE courses (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    place_id       TEXT REFERENCES places (id),
    body           TEXT NOT NULL,
    updated_seq    INTEGER NOT NULL
) STRICT;
CREATE INDEX courses_by_institution ON courses (institution_id);
