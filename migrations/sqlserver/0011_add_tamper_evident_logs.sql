-- Tamper-evident logs (issue 15 item 5, issue 16 item 6): see the PostgreSQL script of the same name. The
-- administration log, and a hash chain per funder over the content-free columns of request_events,
-- request_access_log and admin_log. Append-only: an AFTER trigger throws (rolling the statement's transaction back)
-- on DELETE, and on every UPDATE but the one that chains a row not chained yet (seq, prev_hash and hash only, and only
-- while hash is null). The chain's unique (funder_id, seq) indexes are filtered: rows not chained yet have no seq.
-- Writers take the funder's applock before inserting, and the chain's reads can seek these indexes (not scanning other
-- funders' rows), so that one funder's writer need not wait on another's uncommitted row.
CREATE TABLE admin_log (
    id           bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id    bigint         NOT NULL REFERENCES funders (id),
    seq          bigint         NULL,
    occurred_at  datetimeoffset NOT NULL,
    actor        nvarchar(200)  NOT NULL,
    action_code  nvarchar(100)  NOT NULL,
    subject_type nvarchar(100)  NOT NULL,
    subject_id   nvarchar(200)  NOT NULL,
    details      nvarchar(400)  NULL,
    prev_hash    nvarchar(64)   NULL,
    hash         nvarchar(64)   NULL
);

CREATE UNIQUE INDEX ux_admin_log_chain ON admin_log (funder_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX ix_admin_log_unsealed ON admin_log (funder_id, id) WHERE hash IS NULL;

ALTER TABLE request_events ADD seq bigint NULL, prev_hash nvarchar(64) NULL, hash nvarchar(64) NULL;
ALTER TABLE request_access_log ADD seq bigint NULL, prev_hash nvarchar(64) NULL, hash nvarchar(64) NULL;
GO

CREATE UNIQUE INDEX ux_request_events_chain ON request_events (funder_id, seq) WHERE seq IS NOT NULL;
CREATE UNIQUE INDEX ux_request_access_log_chain ON request_access_log (funder_id, seq) WHERE seq IS NOT NULL;
CREATE INDEX ix_request_events_unsealed ON request_events (funder_id, id) WHERE hash IS NULL;
CREATE INDEX ix_request_access_log_unsealed ON request_access_log (funder_id, id) WHERE hash IS NULL;
GO

CREATE TRIGGER tr_admin_log_append_only ON admin_log AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF (EXISTS (SELECT 1 FROM deleted) AND NOT EXISTS (SELECT 1 FROM inserted))
       OR EXISTS (SELECT 1 FROM deleted WHERE hash IS NOT NULL)
       OR EXISTS (
           SELECT id, funder_id, occurred_at, actor, action_code, subject_type, subject_id, details FROM inserted
           EXCEPT
           SELECT id, funder_id, occurred_at, actor, action_code, subject_type, subject_id, details FROM deleted)
        THROW 51000, 'admin_log is append-only: UPDATE and DELETE are refused.', 1;
END;
GO

CREATE TRIGGER tr_request_events_append_only ON request_events AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF (EXISTS (SELECT 1 FROM deleted) AND NOT EXISTS (SELECT 1 FROM inserted))
       OR EXISTS (SELECT 1 FROM deleted WHERE hash IS NOT NULL)
       OR EXISTS (
           SELECT id, funder_id, request_id, command, from_state, to_state, actor, actor_role, amount, occurred_at
           FROM inserted
           EXCEPT
           SELECT id, funder_id, request_id, command, from_state, to_state, actor, actor_role, amount, occurred_at
           FROM deleted)
        THROW 51000, 'request_events is append-only: UPDATE and DELETE are refused.', 1;
END;
GO

CREATE TRIGGER tr_request_access_log_append_only ON request_access_log AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    IF (EXISTS (SELECT 1 FROM deleted) AND NOT EXISTS (SELECT 1 FROM inserted))
       OR EXISTS (SELECT 1 FROM deleted WHERE hash IS NOT NULL)
       OR EXISTS (
           SELECT id, funder_id, request_id, actor, fields, read_at FROM inserted
           EXCEPT
           SELECT id, funder_id, request_id, actor, fields, read_at FROM deleted)
        THROW 51000, 'request_access_log is append-only: UPDATE and DELETE are refused.', 1;
END;
GO
