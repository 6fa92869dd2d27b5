-- 007: Payment rails: per-bank instruction outbox with gap-free sequences, settlement outcomes, account changes, fraud flags
CREATE TABLE floorpay_bank_sequences (
    bank_id TEXT NOT NULL PRIMARY KEY,
    last_sequence INTEGER NOT NULL
);
CREATE TABLE floorpay_instructions (
    instruction_id TEXT NOT NULL PRIMARY KEY,
    bank_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction', 'notice')),
    payout_id TEXT NULL,
    citizen_id TEXT NOT NULL,
    account_token TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    period TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reissue_of TEXT NULL UNIQUE,
    issued_at_ticks INTEGER NOT NULL,
    UNIQUE (bank_id, sequence)
);
CREATE INDEX floorpay_instructions_by_citizen ON floorpay_instructions (citizen_id);
CREATE INDEX floorpay_instructions_by_payout ON floorpay_instructions (payout_id);
CREATE INDEX floorpay_instructions_by_day ON floorpay_instructions (bank_id, issued_at_ticks);
CREATE TABLE floorpay_instruction_outcomes (
    instruction_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_instructions (instruction_id),
    bank_id TEXT NOT NULL,
    citizen_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('settled', 'returned')),
    reason TEXT NOT NULL,
    amount INTEGER NOT NULL,
    recorded_at_ticks INTEGER NOT NULL
);
CREATE INDEX floorpay_outcomes_by_citizen ON floorpay_instruction_outcomes (citizen_id);
CREATE INDEX floorpay_outcomes_returned ON floorpay_instruction_outcomes (recorded_at_ticks) WHERE outcome = 'returned';
CREATE INDEX floorpay_outcomes_by_day ON floorpay_instruction_outcomes (bank_id, recorded_at_ticks);
CREATE TABLE floorpay_account_changes (
    change_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    account_token TEXT NOT NULL,
    previous_bank_id TEXT NOT NULL,
    previous_account_token TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at_ticks INTEGER NOT NULL,
    effective_at_ticks INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE INDEX floorpay_account_changes_by_account ON floorpay_account_changes (bank_id, account_token);
CREATE INDEX floorpay_account_changes_by_citizen ON floorpay_account_changes (citizen_id);
CREATE INDEX floorpay_enrollments_by_account ON floorpay_payouts (bank_id, account_token) WHERE enrollment = 1;
CREATE TABLE floorpay_fraud_flags (
    bank_id TEXT NOT NULL,
    account_token TEXT NOT NULL,
    citizen_count INTEGER NOT NULL,
    raised_by_change TEXT NOT NULL,
    raised_at_ticks INTEGER NOT NULL,
    PRIMARY KEY (bank_id, account_token)
);
CREATE TRIGGER floorpay_instructions_no_update BEFORE UPDATE ON floorpay_instructions
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_instructions_no_delete BEFORE DELETE ON floorpay_instructions
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_outcomes_no_update BEFORE UPDATE ON floorpay_instruction_outcomes
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_outcomes_no_delete BEFORE DELETE ON floorpay_instruction_outcomes
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_account_changes_no_update BEFORE UPDATE ON floorpay_account_changes
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_account_changes_no_delete BEFORE DELETE ON floorpay_account_changes
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_fraud_flags_no_update BEFORE UPDATE ON floorpay_fraud_flags
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
CREATE TRIGGER floorpay_fraud_flags_no_delete BEFORE DELETE ON floorpay_fraud_flags
    BEGIN SELECT RAISE(ABORT, 'payment rail records are append-only'); END;
