-- 020: Hash-chained audit trail and signed checkpoints
--
-- One chain per journal table: each record names one entry (table, key) and carries the hash of its canonical content
-- chained to its predecessor's (docs/audit-format.md). The sealer appends records for entries committed since its last
-- run and, in the same transaction, a checkpoint signing every chain's head.
CREATE TABLE floorpay_audit_chain (
    chain_id text NOT NULL,
    seq bigint NOT NULL,
    entry_table text NOT NULL,
    entry_key text NOT NULL,
    entry_ticks bigint NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (chain_id, seq),
    UNIQUE (entry_table, entry_key)
);
CREATE INDEX floorpay_audit_chain_by_time ON floorpay_audit_chain (entry_table, entry_ticks);
CREATE TABLE floorpay_audit_checkpoints (
    number bigint NOT NULL PRIMARY KEY,
    written_at_ticks bigint NOT NULL,
    payload text NOT NULL,
    signature text NOT NULL,
    public_key text NOT NULL
);
