-- Several instances (issue 17): an upload lives in the database, so whichever instance runs its import's job can
-- read it (1 MiB chunks, written as the request streams in, read back as a stream, deleted when the import has
-- ended for good); and the worker running an import beats a heartbeat, so an import whose worker died is shown
-- interrupted within a minute instead of running.
CREATE TABLE grant_import_uploads (
    funder_id   bigint NOT NULL REFERENCES funders (id),
    stored_name text NOT NULL,
    seq         integer NOT NULL,
    bytes       bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (funder_id, stored_name, seq)
);

ALTER TABLE grant_imports ADD COLUMN heartbeat_at timestamptz NULL;
