-- Envelope encryption of a case (issue 15, item 2): each request's sensitive fields are AES-256-GCM ciphertext under a
-- random data key of its own, kept here as Data Protection ciphertext whose purpose names the case. Shredding a case
-- deletes its row: every sensitive field of the case is unreadable at once. Backups leave this table's rows out and
-- keep them in a key file of their own that shredding rewrites (see the README, "Backups"). shredded_at marks a
-- shredded case (its statistics, timers and events stay).
CREATE TABLE case_keys (
    request_id      INTEGER NOT NULL PRIMARY KEY REFERENCES emergency_requests (id),
    funder_id       INTEGER NOT NULL,
    reference       TEXT NOT NULL,
    key_protected   TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

ALTER TABLE emergency_requests ADD COLUMN shredded_at TEXT NULL;
