-- The operators' console. Staff sign in with a password (Argon2id keyed with the hub's pepper,
-- locked after repeated failures); a 시스템 관리자 also with a TOTP code. The TOTP secret itself
-- is not stored: it is derived from the pepper and `totp_nonce` (see console/auth.rs), so a copy
-- of this database gives no second factor away. `totp_last_step` refuses a code used twice.
ALTER TABLE staff ADD COLUMN password_hash TEXT;
ALTER TABLE staff ADD COLUMN password_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN password_locked_until TEXT;
ALTER TABLE staff ADD COLUMN totp_nonce TEXT;
ALTER TABLE staff ADD COLUMN totp_confirmed_at TEXT;
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;

-- Console sessions: only a digest of the cookie's token is kept. `verified` is 1 once every
-- factor the role needs has been given; `csrf` is the token every form of the session carries.
CREATE TABLE console_sessions (
    token_digest  TEXT PRIMARY KEY,
    staff_number  TEXT NOT NULL,
    csrf          TEXT NOT NULL,
    address       TEXT NOT NULL,
    verified      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    ended_at      TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX console_sessions_by_staff ON console_sessions (staff_number);

-- Where a staff action came from: a kiosk's id (kiosk_id) or, in the console, the caller's
-- address. Console actions are logged with kiosk_id 'console'.
ALTER TABLE staff_audit ADD COLUMN address TEXT;
CREATE INDEX staff_audit_by_at ON staff_audit (at);

-- The last heartbeat of each kiosk (every few minutes, with its device credential).
CREATE TABLE heartbeats (
    kiosk_id       TEXT PRIMARY KEY,
    received_at    TEXT NOT NULL,
    interval_secs  INTEGER NOT NULL,
    version        TEXT NOT NULL,
    uptime_secs    INTEGER NOT NULL,
    outbox         INTEGER NOT NULL,
    last_sync_at   TEXT,
    catalog_behind INTEGER,
    printer        TEXT NOT NULL,
    free_disk_mb   INTEGER,
    device_key     TEXT NOT NULL,
    status         TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Notices for kiosks' screens (e.g. 오늘 오후 3시 정전 예정), all kiosks or one institution's.
CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    text           TEXT NOT NULL,
    institution_id TEXT,
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;
