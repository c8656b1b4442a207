-- A returning learner checked here without the hub (the line is down) meets this kiosk's own
-- count of wrong PINs and lock, as the hub keeps its own: nobody can try PINs without limit.
ALTER TABLE learners ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learners ADD COLUMN locked_until TEXT;
-- When the learner last registered or was found here: her details are purged some days after
-- (`keep_personal_days`), once nothing about her waits for the hub. Rows from before count from
-- the first purge pass that sees them.
ALTER TABLE learners ADD COLUMN last_seen_at TEXT;
-- Documents printed before this release are not kept either (a certificate has the full name).
UPDATE print_jobs SET document = x'' WHERE state = 'printed';
