-- A returning learner checked here without the hub (the line is down) meets this kiosk's own
-- count of wrong PINs and lock, as the hub keeps its own: nobody can try PINs without limit.
ALTER TABLE learners ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learners ADD COLUMN locked_until TEXT;
