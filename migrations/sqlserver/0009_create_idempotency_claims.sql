-- Idempotency-Key claims (IETF draft "The Idempotency-Key HTTP Header Field"): a request that holds a key while it
-- runs, with the fingerprint of its body and a lease, so that the same key meanwhile answers 409 and a claim left by
-- a process that died expires. Disbursements keep the fingerprint of the request that recorded them (422 when the
-- same key comes with another body).
CREATE TABLE idempotency_claims (
    scope          nvarchar(200) NOT NULL,
    key_hash       nvarchar(200) NOT NULL,
    request_hash   nvarchar(200) NOT NULL,
    locked_until   datetimeoffset NOT NULL,
    CONSTRAINT pk_idempotency_claims PRIMARY KEY (scope, key_hash)
);

ALTER TABLE disbursements ADD request_hash nvarchar(200) NULL;
