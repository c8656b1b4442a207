-- 시설 대관 at the kiosk: the rooms and the taken times as the hub last said (`room_board` keeps
-- when, for "14:05 기준", and the holidays), and this kiosk's learners' bookings (`status` the
-- hub's BookingStatus JSON, NULL until it answered; `refused` a RoomRefusal JSON; `rejected` a
-- RejectReason code).
CREATE TABLE rooms (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE room_busy (
    room_id      TEXT NOT NULL,
    date         TEXT NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute   INTEGER NOT NULL
);
CREATE INDEX room_busy_by_room ON room_busy (room_id, date);

CREATE TABLE room_board (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    as_of    TEXT NOT NULL,
    holidays TEXT NOT NULL
);

CREATE TABLE room_bookings (
    booking_id TEXT PRIMARY KEY,
    learner_id TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     TEXT,
    fee        INTEGER,
    paid       INTEGER NOT NULL DEFAULT 0,
    refused    TEXT,
    rejected   TEXT,
    pending_op TEXT,
    created_at TEXT NOT NULL,
    hub_as_of  TEXT
);
CREATE INDEX room_bookings_by_learner ON room_bookings (learner_id);
