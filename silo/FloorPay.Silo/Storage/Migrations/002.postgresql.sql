-- 002: Append-only payout ledger: payouts and their balanced journal legs
CREATE TABLE floorpay_payouts (
    payout_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    kind varchar(16) NOT NULL CHECK (kind IN ('floor', 'dividend', 'correction')),
    slot varchar(32) NOT NULL,
    period varchar(16) NOT NULL,
    amount bigint NOT NULL CHECK (amount >= 0),
    currency varchar(3) NOT NULL,
    reason_code varchar(128) NOT NULL,
    region_id varchar(64) NOT NULL,
    bank_id varchar(64) NOT NULL,
    account_token varchar(64) NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    enrollment boolean NOT NULL,
    paid_at_ticks bigint NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (citizen_id, kind, slot),
    UNIQUE (citizen_id, idempotency_key)
);
CREATE UNIQUE INDEX floorpay_payouts_one_enrollment ON floorpay_payouts (citizen_id) WHERE enrollment;
CREATE TABLE floorpay_journal (
    posting_id varchar(200) NOT NULL,
    leg smallint NOT NULL,
    account varchar(128) NOT NULL,
    amount bigint NOT NULL,
    PRIMARY KEY (posting_id, leg)
);
CREATE FUNCTION floorpay_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'the payout ledger is append-only: post a correcting entry instead';
END
$fn$;
CREATE TRIGGER floorpay_payouts_append_only BEFORE UPDATE OR DELETE ON floorpay_payouts
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_journal_append_only BEFORE UPDATE OR DELETE ON floorpay_journal
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
