-- 002: Append-only payout ledger: payouts and their balanced journal legs
CREATE TABLE floorpay_payouts (
    payout_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction')),
    slot TEXT NOT NULL,
    period TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    region_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    account_token TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    enrollment INTEGER NOT NULL CHECK (enrollment IN (0, 1)),
    paid_at_ticks INTEGER NOT NULL,
    UNIQUE (citizen_id, kind, slot),
    UNIQUE (citizen_id, idempotency_key)
);
CREATE UNIQUE INDEX floorpay_payouts_one_enrollment ON floorpay_payouts (citizen_id) WHERE enrollment = 1;
CREATE TABLE floorpay_journal (
    posting_id TEXT NOT NULL,
    leg INTEGER NOT NULL,
    account TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (posting_id, leg)
);
CREATE TRIGGER floorpay_payouts_no_update BEFORE UPDATE ON floorpay_payouts
    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
CREATE TRIGGER floorpay_payouts_no_delete BEFORE DELETE ON floorpay_payouts
    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
CREATE TRIGGER floorpay_journal_no_update BEFORE UPDATE ON floorpay_journal
    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
CREATE TRIGGER floorpay_journal_no_delete BEFORE DELETE ON floorpay_journal
    BEGIN SELECT RAISE(ABORT, 'the payout ledger is append-only: post a correcting entry instead'); END;
