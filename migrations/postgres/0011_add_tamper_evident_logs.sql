-- Tamper-evident logs (issue 15 item 5, issue 16 item 6). The administration log, and a hash chain per funder over
-- the content-free columns of request_events, request_access_log and admin_log: each row gets its place in its
-- funder's chain (seq from 1), the previous link's hash and its own (SHA-256, written by the service in the same
-- transaction as the row: see Features/Logs/LogChain.cs). Rows from before this migration are chained once at the
-- next start. The three tables are append-only: a trigger refuses DELETE and TRUNCATE, and refuses every UPDATE but
-- the one that puts a row not yet chained into its chain (seq, prev_hash and hash only, and only while hash is null).
CREATE TABLE admin_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    funder_id    bigint      NOT NULL REFERENCES funders (id),
    seq          bigint      NULL,
    occurred_at  timestamptz NOT NULL,
    actor        text        NOT NULL,
    action_code  text        NOT NULL,
    subject_type text        NOT NULL,
    subject_id   text        NOT NULL,
    details      text        NULL,
    prev_hash    text        NULL,
    hash         text        NULL
);

CREATE UNIQUE INDEX ux_admin_log_chain ON admin_log (funder_id, seq);
CREATE INDEX ix_admin_log_unsealed ON admin_log (funder_id, id) WHERE hash IS NULL;

ALTER TABLE request_events ADD COLUMN seq bigint NULL, ADD COLUMN prev_hash text NULL, ADD COLUMN hash text NULL;
CREATE UNIQUE INDEX ux_request_events_chain ON request_events (funder_id, seq);
CREATE INDEX ix_request_events_unsealed ON request_events (funder_id, id) WHERE hash IS NULL;

ALTER TABLE request_access_log ADD COLUMN seq bigint NULL, ADD COLUMN prev_hash text NULL, ADD COLUMN hash text NULL;
CREATE UNIQUE INDEX ux_request_access_log_chain ON request_access_log (funder_id, seq);
CREATE INDEX ix_request_access_log_unsealed ON request_access_log (funder_id, id) WHERE hash IS NULL;

CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash IS NULL
           AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE TRIGGER tr_admin_log_append_only BEFORE UPDATE OR DELETE ON admin_log
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tr_admin_log_no_truncate BEFORE TRUNCATE ON admin_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tr_request_events_append_only BEFORE UPDATE OR DELETE ON request_events
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tr_request_events_no_truncate BEFORE TRUNCATE ON request_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tr_request_access_log_append_only BEFORE UPDATE OR DELETE ON request_access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tr_request_access_log_no_truncate BEFORE TRUNCATE ON request_access_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
