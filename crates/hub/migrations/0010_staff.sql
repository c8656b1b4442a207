-- Staff accounts. `pin_hash` is an Argon2id wrap keyed with the hub's pepper (see pins.rs), the
-- same form as learners' PINs. A disabled account signs in nowhere, and its sessions stop.
CREATE TABLE staff (
    staff_number   TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('system_admin', 'institution_officer', 'desk')),
    institution_id TEXT,
    pin_hash       TEXT NOT NULL,
    pin_failures   INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    disabled_at    TEXT,
    created_at     TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Every staff action that touches a learner's data, for the access log PIPA requires: who, what,
-- when, at which kiosk, about whom. Append-only.
CREATE TABLE staff_audit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_number TEXT NOT NULL,
    kiosk_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL
) STRICT;
CREATE INDEX staff_audit_by_staff ON staff_audit (staff_number, at);
