-- Several instances (issue 17): an upload lives in the database, so whichever instance runs its import's job can
-- read it (1 MiB chunks, written as the request streams in, read back as a stream, deleted when the import has
-- ended for good); and the worker running an import beats a heartbeat, so an import whose worker died is shown
-- interrupted within a minute instead of running.
CREATE TABLE grant_import_uploads (
    funder_id   bigint NOT NULL REFERENCES funders (id),
    stored_name nvarchar(200) NOT NULL,
    seq         int NOT NULL,
    bytes       varbinary(max) NOT NULL,
    created_at  datetimeoffset NOT NULL,
    CONSTRAINT pk_grant_import_uploads PRIMARY KEY (funder_id, stored_name, seq)
);

ALTER TABLE grant_imports ADD heartbeat_at datetimeoffset NULL;
