-- The hub's newest cursor as last heard, so status can say how many changes the kiosk lacks.
ALTER TABLE sync_state ADD COLUMN hub_head INTEGER;
