-- Staff mode. The PIN itself is never stored: only its Argon2id verifier (PHC string), and the
-- count of wrong tries, so a restart does not lift a lockout.
CREATE TABLE staff_pin (
    one          INTEGER PRIMARY KEY CHECK (one = 1),
    verifier     TEXT NOT NULL,
    set_at       TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
) STRICT;
