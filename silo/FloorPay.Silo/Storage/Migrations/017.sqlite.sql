-- 017: Citizens per payout account counted by triggers; the fraud flag raised in the transaction that crosses the threshold
--
-- A shared payout account is flagged by whichever record puts its Nth citizen on it (an enrollment, through any
-- path, or an account change), in that record's transaction: a counter per account, kept by triggers, counts each
-- citizen once, and its row lock orders concurrent writers so exactly one of them sees the threshold crossed. The
-- threshold is the cluster's stored setting (written at start from FloorPay:Accounts:FraudFlagThreshold).
CREATE TABLE floorpay_settings (
    name TEXT NOT NULL PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO floorpay_settings (name, value) VALUES ('fraud_flag_threshold', 5);
CREATE TABLE floorpay_account_holdings (
    bank_id TEXT NOT NULL,
    account_token TEXT NOT NULL,
    citizens INTEGER NOT NULL,
    PRIMARY KEY (bank_id, account_token)
);
INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens)
SELECT bank_id, account_token, COUNT(*) FROM (
    SELECT bank_id, account_token, citizen_id FROM floorpay_payouts WHERE enrollment = 1
    UNION SELECT bank_id, account_token, citizen_id FROM floorpay_account_changes) GROUP BY bank_id, account_token;
INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
SELECT h.bank_id, h.account_token, h.citizens, 'schema-upgrade-17', 0 FROM floorpay_account_holdings h
WHERE h.citizens >= 5;
DROP INDEX floorpay_enrollments_by_account;
CREATE TRIGGER floorpay_payouts_holding AFTER INSERT ON floorpay_payouts WHEN NEW.enrollment = 1
BEGIN
    INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens) VALUES (NEW.bank_id, NEW.account_token, 1)
        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = citizens + 1;
    INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
    SELECT h.bank_id, h.account_token, h.citizens, NEW.payout_id, NEW.paid_at_ticks FROM floorpay_account_holdings h
    WHERE h.bank_id = NEW.bank_id AND h.account_token = NEW.account_token
        AND h.citizens >= (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
END;
CREATE TRIGGER floorpay_account_changes_holding AFTER INSERT ON floorpay_account_changes
WHEN NOT EXISTS (SELECT 1 FROM floorpay_account_changes c WHERE c.citizen_id = NEW.citizen_id AND c.change_id <> NEW.change_id
                 AND c.bank_id = NEW.bank_id AND c.account_token = NEW.account_token)
 AND NOT EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.citizen_id = NEW.citizen_id AND p.enrollment = 1
                 AND p.bank_id = NEW.bank_id AND p.account_token = NEW.account_token)
BEGIN
    INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens) VALUES (NEW.bank_id, NEW.account_token, 1)
        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = citizens + 1;
    INSERT OR IGNORE INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
    SELECT h.bank_id, h.account_token, h.citizens, NEW.change_id, NEW.requested_at_ticks FROM floorpay_account_holdings h
    WHERE h.bank_id = NEW.bank_id AND h.account_token = NEW.account_token
        AND h.citizens >= (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
END;
CREATE TRIGGER floorpay_account_holdings_no_delete BEFORE DELETE ON floorpay_account_holdings
    BEGIN SELECT RAISE(ABORT, 'account holdings follow the append-only ledger: they are never deleted'); END;
