-- Print jobs: the document, where it goes and how far it got. A job is sent to the printer named
-- by its id (job-name), so after a crash the kiosk can ask the printer whether it already has it
-- instead of printing twice.
CREATE TABLE print_jobs (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    printer_uri TEXT NOT NULL,
    document    BLOB NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'submitted', 'printed', 'failed')),
    ipp_job_id  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX print_jobs_open ON print_jobs (seq) WHERE state IN ('queued', 'sending', 'submitted');
