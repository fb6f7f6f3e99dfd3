-- Tamper-evident logs (issue 15 item 5, issue 16 item 6): the administration log, hash-chained per funder (see the
-- PostgreSQL script of the same name). On SQLite request_events and request_access_log live in the rapid-response
-- file: their chain columns and triggers are in migrations/sqlite-rapid-response/0003_add_log_chains.sql.
CREATE TABLE admin_log (
    id           INTEGER PRIMARY KEY,
    funder_id    INTEGER NOT NULL REFERENCES funders (id),
    seq          INTEGER NULL,
    occurred_at  TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    action_code  TEXT    NOT NULL,
    subject_type TEXT    NOT NULL,
    subject_id   TEXT    NOT NULL,
    details      TEXT    NULL,
    prev_hash    TEXT    NULL,
    hash         TEXT    NULL
);

CREATE UNIQUE INDEX ux_admin_log_chain ON admin_log (funder_id, seq);
CREATE INDEX ix_admin_log_unsealed ON admin_log (funder_id, id) WHERE hash IS NULL;

-- Append-only: no DELETE; no UPDATE but the one that chains a row not chained yet (seq, prev_hash, hash).
CREATE TRIGGER tr_admin_log_no_update BEFORE UPDATE ON admin_log
WHEN OLD.hash IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.funder_id IS NOT OLD.funder_id
  OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.actor IS NOT OLD.actor OR NEW.action_code IS NOT OLD.action_code
  OR NEW.subject_type IS NOT OLD.subject_type OR NEW.subject_id IS NOT OLD.subject_id OR NEW.details IS NOT OLD.details
BEGIN
    SELECT RAISE(ABORT, 'admin_log is append-only: UPDATE refused');
END;

CREATE TRIGGER tr_admin_log_no_delete BEFORE DELETE ON admin_log
BEGIN
    SELECT RAISE(ABORT, 'admin_log is append-only: DELETE refused');
END;
