-- CSV portfolio imports: one row per upload (status, progress, counts, file hash), and the rows each import rejected.
-- The uploaded file itself lives on disk under Imports:Folder, named by stored_name; the truth about progress lives here.
CREATE TABLE grant_imports (
    id               bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id        bigint NOT NULL REFERENCES funders (id),
    status           nvarchar(64) NOT NULL,
    file_name        nvarchar(max) NOT NULL,
    stored_name      nvarchar(200) NOT NULL,
    file_sha256      nvarchar(64) NOT NULL,
    file_bytes       bigint NOT NULL,
    date_format      nvarchar(64) NULL,
    same_file_as     bigint NULL,
    run_token        nvarchar(64) NULL,
    attempts         bigint NOT NULL DEFAULT 0,
    data_rows        bigint NULL,
    rows_read        bigint NOT NULL DEFAULT 0,
    rows_accepted    bigint NOT NULL DEFAULT 0,
    rows_rejected    bigint NOT NULL DEFAULT 0,
    rows_superseded  bigint NOT NULL DEFAULT 0,
    bytes_read       bigint NOT NULL DEFAULT 0,
    created_count    bigint NULL,
    updated_count    bigint NULL,
    unchanged_count  bigint NULL,
    warning_count    bigint NOT NULL DEFAULT 0,
    errors_truncated bit NOT NULL DEFAULT 0,
    warnings_json    nvarchar(max) NULL,
    problems_json    nvarchar(max) NULL,
    created_by       nvarchar(max) NOT NULL,
    created_at       datetimeoffset NOT NULL,
    started_at       datetimeoffset NULL,
    finished_at      datetimeoffset NULL,
    updated_at       datetimeoffset NOT NULL
);

-- Newest first per funder, and the earlier import of the same file.
CREATE INDEX ix_grant_imports_funder_id ON grant_imports (funder_id, id);
CREATE INDEX ix_grant_imports_funder_sha256 ON grant_imports (funder_id, file_sha256);

CREATE TABLE grant_import_errors (
    id          bigint IDENTITY(1,1) PRIMARY KEY,
    funder_id   bigint NOT NULL REFERENCES funders (id),
    import_id   bigint NOT NULL REFERENCES grant_imports (id),
    file_row    bigint NOT NULL,
    column_name nvarchar(max) NULL,
    code        nvarchar(64) NOT NULL,
    message     nvarchar(max) NOT NULL
);

CREATE INDEX ix_grant_import_errors_import_row ON grant_import_errors (funder_id, import_id, file_row, id);
