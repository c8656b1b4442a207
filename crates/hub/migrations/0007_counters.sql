-- Numbers handed out in order (the hub's arrival order of intents, certificate serials per year)
-- come from one row per counter, advanced inside the writer's transaction. MAX(...)+1 over the
-- numbered table is right only while there is one writer; a counter row is locked by the update
-- that advances it on SQLite and PostgreSQL alike, so numbers stay unique and in order with
-- several hub processes, and a number once given is never given again.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;

INSERT INTO counters (name, value)
SELECT 'arrival', MAX(arrival) FROM kiosk_intents HAVING COUNT(*) > 0;

-- Hub serials read GM-<year>-<number> (provisional ones, GM-P<year>-…, are the kiosks' own).
INSERT INTO counters (name, value)
SELECT 'certificate-' || substr(serial, 4, 4), MAX(CAST(substr(serial, 9) AS INTEGER))
  FROM certificates
 WHERE serial GLOB 'GM-[0-9][0-9][0-9][0-9]-[0-9]*'
 GROUP BY substr(serial, 4, 4);
