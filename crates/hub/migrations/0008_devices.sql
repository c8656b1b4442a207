-- Kiosks the hub trusts. Staff issue a one-time invite for an institution; a kiosk presents it
-- once, with the id it chose and its device key, and gets a credential. Only digests of codes
-- and credentials are kept: a copy of this database lets nobody provision or act as a kiosk.
CREATE TABLE kiosk_invites (
    code_digest    TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    -- Set when the invite is for an existing kiosk's id (one the hub already has history for).
    kiosk_id       TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT,
    used_by_kiosk  TEXT
) STRICT;

CREATE TABLE devices (
    kiosk_id          TEXT PRIMARY KEY,
    institution_id    TEXT NOT NULL,
    credential_digest TEXT NOT NULL UNIQUE,
    key_id            TEXT NOT NULL,
    provisioned_at    TEXT NOT NULL,
    revoked_at        TEXT,
    revoked_by        TEXT,
    revoked_reason    TEXT
) STRICT;
