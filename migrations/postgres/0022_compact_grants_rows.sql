-- Bytes per grant (issue 18, goal 3): grants rebuilt with its columns in alignment order, so a row carries no padding.
-- PostgreSQL aligns each fixed-width value to its own width (8 for bigint, double precision and timestamptz, 4 for date
-- and integer); in the order of migration 0002 and the later ALTER TABLE … ADD, most 8-byte columns followed a run of
-- text and each cost up to 7 bytes of padding. Here the 8-byte columns come first, then the 4-byte ones, then text
-- (a short text value, up to 126 bytes, is never aligned; the longest, description, follows the 4-byte columns), and
-- the booleans (1 byte) last. Only a new table changes the order: the rows are copied with their ids, the old table is
-- dropped and the new one takes its name, and everything that hung on the old one is made again from the catalog's own
-- definitions (its constraints and foreign key, every index, the triggers of 0008 and 0019, the foreign keys of other
-- tables that reference it, the id sequence's position), so an index or trigger added by a later migration on another
-- branch is carried over too. Nothing the service reads changes: every statement names its columns. One transaction
-- (DbUp runs each script in one): a failure leaves the old table as it was. SQL Server lays out fixed-width columns
-- ahead of variable-length ones whatever the declared order, and SQLite does not align, so neither needs this.
CREATE TABLE grants_compact (
    id                           bigint GENERATED ALWAYS AS IDENTITY,
    funder_id                    bigint NOT NULL,
    amount_awarded               bigint NOT NULL,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    amount_disbursed             bigint NULL,
    import_id                    bigint NULL,
    first_import_id              bigint NULL,
    classified_at                timestamptz NULL,
    level_confidence             double precision NULL,
    purpose_confidence           double precision NULL,
    flexible_confidence          double precision NULL,
    award_date                   date NOT NULL,
    planned_start_date           date NULL,
    planned_end_date             date NULL,
    quality_flags                integer NULL,
    description                  text NULL,
    identifier                   text NOT NULL,
    title                        text NOT NULL,
    currency                     text NOT NULL,
    recipient_org_id             text NULL,
    recipient_org_name           text NULL,
    recipient_country            text NULL,
    recipient_location_countries text NULL,
    beneficiary_locations        text NULL,
    beneficiary_countries        text NULL,
    funding_org_id               text NULL,
    funding_org_name             text NULL,
    programme_title              text NULL,
    funding_types                text NULL,
    location_scope               text NULL,
    regrant_type                 text NULL,
    explicit_level               text NULL,
    explicit_purpose             text NULL,
    extra_json                   text NULL,
    content_hash                 text NOT NULL,
    level                        text NOT NULL DEFAULT 'unclassified',
    level_source                 text NULL,
    level_evidence               text NULL,
    purpose                      text NOT NULL DEFAULT 'unclassified',
    purpose_source               text NULL,
    purpose_evidence             text NULL,
    flexible_source              text NULL,
    flexible_evidence            text NULL,
    rule_set_version             text NULL,
    sensitive                    boolean NOT NULL DEFAULT FALSE,
    explicit_flexible            boolean NULL,
    flexible                     boolean NULL
);

DO $$
DECLARE
    missing text;
    old_sequence text := pg_get_serial_sequence('grants', 'id');
    last_id bigint;
    id_called boolean;
    own_constraints text[];
    own_indexes text[];
    own_triggers text[];
    referencing text[];
    statement text;
BEGIN
    -- Every column of grants must have its place in the new table, or its values would be lost.
    SELECT string_agg(a.attname, ', ') INTO missing
    FROM pg_attribute a
    WHERE a.attrelid = 'grants'::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT EXISTS (SELECT 1 FROM pg_attribute b
                      WHERE b.attrelid = 'grants_compact'::regclass AND b.attname = a.attname AND NOT b.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'grants columns without a place in grants_compact: %', missing;
    END IF;

    INSERT INTO grants_compact (
        id, funder_id, amount_awarded, created_at, updated_at, amount_disbursed, import_id, first_import_id,
        classified_at, level_confidence, purpose_confidence, flexible_confidence, award_date, planned_start_date,
        planned_end_date, quality_flags, description, identifier, title, currency, recipient_org_id, recipient_org_name,
        recipient_country, recipient_location_countries, beneficiary_locations, beneficiary_countries, funding_org_id,
        funding_org_name, programme_title, funding_types, location_scope, regrant_type, explicit_level, explicit_purpose,
        extra_json, content_hash, level, level_source, level_evidence, purpose, purpose_source, purpose_evidence,
        flexible_source, flexible_evidence, rule_set_version, sensitive, explicit_flexible, flexible)
    OVERRIDING SYSTEM VALUE
    SELECT
        id, funder_id, amount_awarded, created_at, updated_at, amount_disbursed, import_id, first_import_id,
        classified_at, level_confidence, purpose_confidence, flexible_confidence, award_date, planned_start_date,
        planned_end_date, quality_flags, description, identifier, title, currency, recipient_org_id, recipient_org_name,
        recipient_country, recipient_location_countries, beneficiary_locations, beneficiary_countries, funding_org_id,
        funding_org_name, programme_title, funding_types, location_scope, regrant_type, explicit_level, explicit_purpose,
        extra_json, content_hash, level, level_source, level_evidence, purpose, purpose_source, purpose_evidence,
        flexible_source, flexible_evidence, rule_set_version, sensitive, explicit_flexible, flexible
    FROM grants
    ORDER BY id;

    EXECUTE format('SELECT last_value, is_called FROM %s', old_sequence) INTO last_id, id_called;

    -- The definitions of what hangs on grants, read before it goes: the primary key first (the foreign keys that
    -- reference grants need it), then its other constraints; the indexes that are not a constraint's; the triggers.
    SELECT coalesce(array_agg(format('ALTER TABLE grants ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid))
                              ORDER BY c.contype <> 'p', c.conname), '{}')
    INTO own_constraints
    FROM pg_constraint c
    WHERE c.conrelid = 'grants'::regclass AND c.contype <> 'n';

    SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid), '{}')
    INTO own_indexes
    FROM pg_index i
    WHERE i.indrelid = 'grants'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid);

    SELECT coalesce(array_agg(pg_get_triggerdef(t.oid) ORDER BY t.tgname), '{}')
    INTO own_triggers
    FROM pg_trigger t
    WHERE t.tgrelid = 'grants'::regclass AND NOT t.tgisinternal;

    SELECT coalesce(array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                                     pg_get_constraintdef(c.oid)) ORDER BY c.conname), '{}')
    INTO referencing
    FROM pg_constraint c
    WHERE c.confrelid = 'grants'::regclass AND c.conrelid <> 'grants'::regclass;

    -- The foreign keys of other tables go first, by name; the table then goes without CASCADE, so anything else that
    -- depends on it (a view) stops the migration instead of disappearing with it.
    FOR statement IN
        SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)
        FROM pg_constraint c
        WHERE c.confrelid = 'grants'::regclass AND c.conrelid <> 'grants'::regclass
    LOOP
        EXECUTE statement;
    END LOOP;
    DROP TABLE grants;

    ALTER TABLE grants_compact RENAME TO grants;
    EXECUTE format('ALTER SEQUENCE %s RENAME TO grants_id_seq', pg_get_serial_sequence('grants', 'id'));
    PERFORM setval(pg_get_serial_sequence('grants', 'id'), last_id, id_called);

    FOREACH statement IN ARRAY own_constraints || own_indexes || own_triggers || referencing LOOP
        EXECUTE statement;
    END LOOP;
END $$;

ANALYZE grants;
