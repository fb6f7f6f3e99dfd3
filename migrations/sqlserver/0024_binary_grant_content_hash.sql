-- Bytes per grant (issue 18, goal 3): grants.content_hash kept as the hash's own bytes (varbinary, 16 bytes as the
-- service writes it) instead of its hex characters (nvarchar: 64 bytes for 32 characters). The service still speaks
-- hex (GrantMapping.ContentHash): it writes Convert.FromHexString of it and reads the bytes back as the same hex, so the
-- "unchanged" test and the MERGE's change condition see the value they saw before. A column's type cannot change from
-- text to bytes in place (nvarchar converts to varbinary only explicitly, and then by its UTF-16 bytes), so the hex is
-- set aside in a column of its own, the column is made again as varbinary and filled by CONVERT style 2 (hex without
-- 0x; anything else fails the migration), and the copy goes. Batches (GO): each statement is compiled after the
-- columns it names exist.
ALTER TABLE grants ADD content_hash_hex nvarchar(64) NULL;
GO
UPDATE grants SET content_hash_hex = content_hash;
ALTER TABLE grants DROP COLUMN content_hash;
ALTER TABLE grants ADD content_hash varbinary(32) NULL;
GO
UPDATE grants SET content_hash = CONVERT(varbinary(32), content_hash_hex, 2);
ALTER TABLE grants ALTER COLUMN content_hash varbinary(32) NOT NULL;
ALTER TABLE grants DROP COLUMN content_hash_hex;
GO
