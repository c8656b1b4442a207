-- 시설 대관: rooms as their institutions rent them (the Room JSON), which rooms may not be booked
-- at the same time (a hall and its parts, both ways), the holidays and no-show rule, bookings
-- and strikes.
CREATE TABLE rooms (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- One row per ordered pair that conflicts, a room with itself included.
CREATE TABLE room_conflicts (
    room_id  TEXT NOT NULL,
    other_id TEXT NOT NULL,
    PRIMARY KEY (room_id, other_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE room_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    holidays TEXT NOT NULL,
    strikes  TEXT NOT NULL
) STRICT;

-- `status` is the BookingStatus JSON; `live` whether it holds the room (승인 대기, 승인, 확정).
CREATE TABLE room_bookings (
    booking_id   TEXT PRIMARY KEY,
    learner_id   TEXT NOT NULL,
    room_id      TEXT NOT NULL REFERENCES rooms (id),
    date         TEXT NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute   INTEGER NOT NULL CHECK (end_minute > start_minute),
    request      TEXT NOT NULL,
    status       TEXT NOT NULL,
    live         INTEGER NOT NULL CHECK (live IN (0, 1)),
    fee          INTEGER NOT NULL,
    paid         INTEGER NOT NULL DEFAULT 0,
    organisation TEXT,
    pay_by       TEXT,
    kiosk_id     TEXT NOT NULL,
    arrival      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX room_bookings_live ON room_bookings (room_id, date) WHERE live = 1;
CREATE INDEX room_bookings_by_learner ON room_bookings (learner_id);
CREATE INDEX room_bookings_due ON room_bookings (pay_by) WHERE live = 1 AND pay_by IS NOT NULL;

-- The last line of defence: whatever the code above does, the database refuses a live booking
-- overlapping another live one in the same or a conflicting room.
CREATE TRIGGER room_bookings_no_overlap_insert BEFORE INSERT ON room_bookings
WHEN NEW.live = 1 AND EXISTS (
    SELECT 1 FROM room_bookings b
    WHERE (b.room_id = NEW.room_id
           OR b.room_id IN (SELECT other_id FROM room_conflicts WHERE room_id = NEW.room_id))
      AND b.live = 1 AND b.date = NEW.date
      AND b.start_minute < NEW.end_minute AND b.end_minute > NEW.start_minute)
BEGIN
    SELECT RAISE(ABORT, 'room_overlap');
END;
CREATE TRIGGER room_bookings_no_overlap_update BEFORE UPDATE OF live ON room_bookings
WHEN NEW.live = 1 AND OLD.live = 0 AND EXISTS (
    SELECT 1 FROM room_bookings b
    WHERE (b.room_id = NEW.room_id
           OR b.room_id IN (SELECT other_id FROM room_conflicts WHERE room_id = NEW.room_id))
      AND b.live = 1 AND b.date = NEW.date AND b.booking_id <> NEW.booking_id
      AND b.start_minute < NEW.end_minute AND b.end_minute > NEW.start_minute)
BEGIN
    SELECT RAISE(ABORT, 'room_overlap');
END;

-- A strike per no-show, for the person and (when named) the organisation.
CREATE TABLE room_strikes (
    id           INTEGER PRIMARY KEY,
    learner_id   TEXT NOT NULL,
    organisation TEXT,
    booking_id   TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX room_strikes_by_learner ON room_strikes (learner_id);
CREATE INDEX room_strikes_by_organisation ON room_strikes (organisation);

-- Staff decisions on bookings (approve, reject, paid, no-show): who, when, why.
CREATE TABLE room_actions (
    id         INTEGER PRIMARY KEY,
    booking_id TEXT NOT NULL,
    action     TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    reason     TEXT,
    at         TEXT NOT NULL
) STRICT;
