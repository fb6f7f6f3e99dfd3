-- CSV portfolio imports: one row per upload (status, progress, counts, file hash), and the rows each import rejected.
-- The uploaded file itself lives on disk under Imports:Folder, named by stored_name; the truth about progress lives here.
CREATE TABLE grant_imports (
    id               INTEGER PRIMARY KEY,
    funder_id        INTEGER NOT NULL REFERENCES funders (id),
    status           TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    stored_name      TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    file_bytes       INTEGER NOT NULL,
    date_format      TEXT NULL,
    same_file_as     INTEGER NULL,
    run_token        TEXT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    data_rows        INTEGER NULL,
    rows_read        INTEGER NOT NULL DEFAULT 0,
    rows_accepted    INTEGER NOT NULL DEFAULT 0,
    rows_rejected    INTEGER NOT NULL DEFAULT 0,
    rows_superseded  INTEGER NOT NULL DEFAULT 0,
    bytes_read       INTEGER NOT NULL DEFAULT 0,
    created_count    INTEGER NULL,
    updated_count    INTEGER NULL,
    unchanged_count  INTEGER NULL,
    warning_count    INTEGER NOT NULL DEFAULT 0,
    errors_truncated INTEGER NOT NULL DEFAULT 0,
    warnings_json    TEXT NULL,
    problems_json    TEXT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    started_at       TEXT NULL,
    finished_at      TEXT NULL,
    updated_at       TEXT NOT NULL
);

-- Newest first per funder, and the earlier import of the same file.
CREATE INDEX ix_grant_imports_funder_id ON grant_imports (funder_id, id);
CREATE INDEX ix_grant_imports_funder_sha256 ON grant_imports (funder_id, file_sha256);

CREATE TABLE grant_import_errors (
    id          INTEGER PRIMARY KEY,
    funder_id   INTEGER NOT NULL REFERENCES funders (id),
    import_id   INTEGER NOT NULL REFERENCES grant_imports (id),
    file_row    INTEGER NOT NULL,
    column_name TEXT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL
);

CREATE INDEX ix_grant_import_errors_import_row ON grant_import_errors (funder_id, import_id, file_row, id);
