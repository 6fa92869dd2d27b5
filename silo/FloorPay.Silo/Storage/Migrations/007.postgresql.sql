-- 007: Payment rails: per-bank instruction outbox with gap-free sequences, settlement outcomes, account changes, fraud flags
CREATE TABLE floorpay_bank_sequences (
    bank_id varchar(64) NOT NULL PRIMARY KEY,
    last_sequence bigint NOT NULL
);
CREATE TABLE floorpay_instructions (
    instruction_id varchar(200) NOT NULL PRIMARY KEY,
    bank_id varchar(64) NOT NULL,
    sequence bigint NOT NULL,
    kind varchar(16) NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction', 'notice')),
    payout_id varchar(200) NULL,
    citizen_id varchar(64) NOT NULL,
    account_token varchar(64) NOT NULL,
    amount bigint NOT NULL CHECK (amount >= 0),
    currency varchar(3) NOT NULL,
    period varchar(16) NOT NULL,
    reason_code varchar(128) NOT NULL,
    reissue_of varchar(200) NULL UNIQUE,
    issued_at_ticks bigint NOT NULL,
    UNIQUE (bank_id, sequence)
);
CREATE INDEX floorpay_instructions_by_citizen ON floorpay_instructions (citizen_id);
CREATE INDEX floorpay_instructions_by_payout ON floorpay_instructions (payout_id);
CREATE INDEX floorpay_instructions_by_day ON floorpay_instructions (bank_id, issued_at_ticks);
CREATE TABLE floorpay_instruction_outcomes (
    instruction_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_instructions (instruction_id),
    bank_id varchar(64) NOT NULL,
    citizen_id varchar(64) NOT NULL,
    outcome varchar(16) NOT NULL CHECK (outcome IN ('settled', 'returned')),
    reason varchar(64) NOT NULL,
    amount bigint NOT NULL,
    recorded_at_ticks bigint NOT NULL
);
CREATE INDEX floorpay_outcomes_by_citizen ON floorpay_instruction_outcomes (citizen_id);
CREATE INDEX floorpay_outcomes_returned ON floorpay_instruction_outcomes (recorded_at_ticks) WHERE outcome = 'returned';
CREATE INDEX floorpay_outcomes_by_day ON floorpay_instruction_outcomes (bank_id, recorded_at_ticks);
CREATE TABLE floorpay_account_changes (
    change_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    bank_id varchar(64) NOT NULL,
    account_token varchar(64) NOT NULL,
    previous_bank_id varchar(64) NOT NULL,
    previous_account_token varchar(64) NOT NULL,
    requested_by varchar(64) NOT NULL,
    requested_at_ticks bigint NOT NULL,
    effective_at_ticks bigint NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE INDEX floorpay_account_changes_by_account ON floorpay_account_changes (bank_id, account_token);
CREATE INDEX floorpay_account_changes_by_citizen ON floorpay_account_changes (citizen_id);
CREATE INDEX floorpay_enrollments_by_account ON floorpay_payouts (bank_id, account_token) WHERE enrollment;
CREATE TABLE floorpay_fraud_flags (
    bank_id varchar(64) NOT NULL,
    account_token varchar(64) NOT NULL,
    citizen_count integer NOT NULL,
    raised_by_change varchar(200) NOT NULL,
    raised_at_ticks bigint NOT NULL,
    PRIMARY KEY (bank_id, account_token)
);
CREATE TRIGGER floorpay_instructions_append_only BEFORE UPDATE OR DELETE ON floorpay_instructions
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_outcomes_append_only BEFORE UPDATE OR DELETE ON floorpay_instruction_outcomes
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_account_changes_append_only BEFORE UPDATE OR DELETE ON floorpay_account_changes
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_fraud_flags_append_only BEFORE UPDATE OR DELETE ON floorpay_fraud_flags
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
