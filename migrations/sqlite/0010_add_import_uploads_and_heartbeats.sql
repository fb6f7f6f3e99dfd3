-- Several instances (issue 17): an upload can live in the database (Imports:UploadStore = database; SQLite's default
-- is the folder, since SQLite runs one service process), in 1 MiB chunks written as the request streams in, read back
-- as a stream, deleted when the import has ended for good; and the worker running an import beats a heartbeat, so an
-- import whose worker died is shown interrupted within a minute instead of running.
CREATE TABLE grant_import_uploads (
    funder_id   INTEGER NOT NULL REFERENCES funders (id),
    stored_name TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (funder_id, stored_name, seq)
);

ALTER TABLE grant_imports ADD COLUMN heartbeat_at TEXT NULL;
