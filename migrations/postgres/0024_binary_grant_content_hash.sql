-- Bytes per grant (issue 18, goal 3): grants.content_hash kept as the hash's own 16 bytes (bytea) instead of its 32
-- lowercase hex characters (17 bytes stored instead of 33). The service still speaks hex (GrantMapping.ContentHash):
-- it writes Convert.FromHexString of it and reads the bytes back as the same hex, so the "unchanged" test, the merge's
-- change condition (bytea compares byte for byte as the text did) and everything else see the value they saw before.
-- Every stored hash is lowercase hex (the service has only ever written that); any other value stops the migration
-- rather than being changed. ALTER … TYPE rewrites the table in place (the column keeps its position) and builds the
-- indexes again, in this script's transaction.
DO $$
DECLARE
    bad text;
BEGIN
    SELECT identifier INTO bad FROM grants WHERE content_hash !~ '^([0-9a-f]{2})+$' LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'grants.content_hash is not lowercase hex for grant %', bad;
    END IF;
END
$$;

ALTER TABLE grants ALTER COLUMN content_hash TYPE bytea USING decode(content_hash, 'hex');
