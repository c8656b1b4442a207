-- The hub's public address as last heard (GET /health): the QR codes people scan link there,
-- also while the hub cannot be reached.
ALTER TABLE sync_state ADD COLUMN public_url TEXT;
