-- Device keys kiosks sign provisional certificates with while offline. A key is registered by
-- the kiosk and trusted only once staff endorsed it (the hub signs it; who and when recorded).
CREATE TABLE kiosk_keys (
    key_id        TEXT PRIMARY KEY,
    kiosk_id      TEXT NOT NULL,
    public_key    TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    endorsement   TEXT,
    endorsed_at   TEXT,
    endorsed_by   TEXT
) STRICT;
CREATE INDEX kiosk_keys_by_kiosk ON kiosk_keys (kiosk_id);
