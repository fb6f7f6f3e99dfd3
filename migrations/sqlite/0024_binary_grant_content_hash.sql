-- Bytes per grant (issue 18, goal 3): grants.content_hash kept as the hash's own 16 bytes (BLOB) instead of its 32
-- lowercase hex characters. The service still speaks hex (GrantMapping.ContentHash): it writes Convert.FromHexString
-- of it and reads the bytes back as the same hex, so the "unchanged" test and the merge's change condition see the
-- value they saw before. SQLite cannot change a column's declared type, and rebuilding grants would delete every
-- grant_corrections row by its cascade (PRAGMA foreign_keys cannot be switched off inside the migration's
-- transaction), so the bytes go into a new BLOB column that then takes the old one's name; it is the table's last
-- column, which no statement depends on (every statement names its columns). NOT NULL on an added column needs a
-- default: the empty BLOB, which no write uses (every write path sets the hash). unhex() returns NULL for anything
-- that is not hex, which the NOT NULL column refuses: the migration stops rather than change a value.
ALTER TABLE grants ADD COLUMN content_hash_bytes BLOB NOT NULL DEFAULT X'';
UPDATE grants SET content_hash_bytes = CASE
    WHEN content_hash GLOB '*[^0-9a-f]*' THEN NULL
    ELSE unhex(content_hash)
END;
ALTER TABLE grants DROP COLUMN content_hash;
ALTER TABLE grants RENAME COLUMN content_hash_bytes TO content_hash;
