-- Tamper-evident logs (issue 15 item 5): request_events and request_access_log hash-chained per funder over their
-- content-free columns (see migrations/postgres/0011_add_tamper_evident_logs.sql), and append-only: no DELETE, no
-- UPDATE but the one that chains a row not chained yet. Rows from before are chained once at the next start.
ALTER TABLE request_events ADD COLUMN seq INTEGER NULL;
ALTER TABLE request_events ADD COLUMN prev_hash TEXT NULL;
ALTER TABLE request_events ADD COLUMN hash TEXT NULL;
CREATE UNIQUE INDEX ux_request_events_chain ON request_events (funder_id, seq);
CREATE INDEX ix_request_events_unsealed ON request_events (funder_id, id) WHERE hash IS NULL;

ALTER TABLE request_access_log ADD COLUMN seq INTEGER NULL;
ALTER TABLE request_access_log ADD COLUMN prev_hash TEXT NULL;
ALTER TABLE request_access_log ADD COLUMN hash TEXT NULL;
CREATE UNIQUE INDEX ux_request_access_log_chain ON request_access_log (funder_id, seq);
CREATE INDEX ix_request_access_log_unsealed ON request_access_log (funder_id, id) WHERE hash IS NULL;

CREATE TRIGGER tr_request_events_no_update BEFORE UPDATE ON request_events
WHEN OLD.hash IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.funder_id IS NOT OLD.funder_id
  OR NEW.request_id IS NOT OLD.request_id OR NEW.command IS NOT OLD.command OR NEW.from_state IS NOT OLD.from_state
  OR NEW.to_state IS NOT OLD.to_state OR NEW.actor IS NOT OLD.actor OR NEW.actor_role IS NOT OLD.actor_role
  OR NEW.amount IS NOT OLD.amount OR NEW.occurred_at IS NOT OLD.occurred_at
BEGIN
    SELECT RAISE(ABORT, 'request_events is append-only: UPDATE refused');
END;

CREATE TRIGGER tr_request_events_no_delete BEFORE DELETE ON request_events
BEGIN
    SELECT RAISE(ABORT, 'request_events is append-only: DELETE refused');
END;

CREATE TRIGGER tr_request_access_log_no_update BEFORE UPDATE ON request_access_log
WHEN OLD.hash IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.funder_id IS NOT OLD.funder_id
  OR NEW.request_id IS NOT OLD.request_id OR NEW.actor IS NOT OLD.actor OR NEW.fields IS NOT OLD.fields
  OR NEW.read_at IS NOT OLD.read_at
BEGIN
    SELECT RAISE(ABORT, 'request_access_log is append-only: UPDATE refused');
END;

CREATE TRIGGER tr_request_access_log_no_delete BEFORE DELETE ON request_access_log
BEGIN
    SELECT RAISE(ABORT, 'request_access_log is append-only: DELETE refused');
END;
