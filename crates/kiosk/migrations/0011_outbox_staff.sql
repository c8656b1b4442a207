-- A staff action's stamp (StaffStamp as JSON: the staff member and the digest of the session the
-- hub opened for them here), uploaded beside the intent so the hub accepts it.
ALTER TABLE outbox ADD COLUMN staff TEXT;
