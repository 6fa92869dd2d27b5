-- 017: Citizens per payout account counted by triggers; the fraud flag raised in the transaction that crosses the threshold
--
-- A shared payout account is flagged by whichever record puts its Nth citizen on it (an enrollment, through any
-- path, or an account change), in that record's transaction: a counter per account, kept by triggers, counts each
-- citizen once, and its row lock orders concurrent writers so exactly one of them sees the threshold crossed. The
-- threshold is the cluster's stored setting (written at start from FloorPay:Accounts:FraudFlagThreshold).
-- Statement triggers hand their new holders to one function: it adds them to the accounts' counters (locked in
-- key order) and flags each account at the first holder that reaches the threshold.
CREATE TABLE floorpay_settings (
    name varchar(64) NOT NULL PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO floorpay_settings (name, value) VALUES ('fraud_flag_threshold', 5);
CREATE TABLE floorpay_account_holdings (
    bank_id varchar(64) NOT NULL,
    account_token varchar(64) NOT NULL,
    citizens bigint NOT NULL,
    PRIMARY KEY (bank_id, account_token)
);
INSERT INTO floorpay_account_holdings (bank_id, account_token, citizens)
SELECT bank_id, account_token, COUNT(*) FROM (
    SELECT bank_id, account_token, citizen_id FROM floorpay_payouts WHERE enrollment
    UNION SELECT bank_id, account_token, citizen_id FROM floorpay_account_changes) u GROUP BY bank_id, account_token;
INSERT INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
SELECT h.bank_id, h.account_token, h.citizens, 'schema-upgrade-17', 0 FROM floorpay_account_holdings h
WHERE h.citizens >= 5 ON CONFLICT DO NOTHING;
DROP INDEX floorpay_enrollments_by_account;
CREATE FUNCTION floorpay_join_accounts(banks text[], tokens text[], entries text[], stamps bigint[]) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE threshold bigint := (SELECT value FROM floorpay_settings WHERE name = 'fraud_flag_threshold');
BEGIN
    WITH joining AS (
        SELECT j.*, row_number() OVER (PARTITION BY j.bank_id, j.account_token ORDER BY j.entry_id) AS nth,
               COUNT(*) OVER (PARTITION BY j.bank_id, j.account_token) AS joined
        FROM unnest(banks, tokens, entries, stamps) AS j(bank_id, account_token, entry_id, at_ticks)),
    counted AS (
        INSERT INTO floorpay_account_holdings AS h (bank_id, account_token, citizens)
        SELECT bank_id, account_token, COUNT(*) FROM joining GROUP BY bank_id, account_token ORDER BY bank_id, account_token
        ON CONFLICT (bank_id, account_token) DO UPDATE SET citizens = h.citizens + EXCLUDED.citizens
        RETURNING h.bank_id, h.account_token, h.citizens)
    INSERT INTO floorpay_fraud_flags (bank_id, account_token, citizen_count, raised_by_change, raised_at_ticks)
    SELECT DISTINCT ON (j.bank_id, j.account_token) j.bank_id, j.account_token, c.citizens - j.joined + j.nth, j.entry_id, j.at_ticks
    FROM joining j JOIN counted c ON c.bank_id = j.bank_id AND c.account_token = j.account_token
    WHERE c.citizens - j.joined + j.nth >= threshold
    ORDER BY j.bank_id, j.account_token, j.nth
    ON CONFLICT DO NOTHING;
END
$fn$;
CREATE FUNCTION floorpay_hold_enrolled_accounts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- An enrollment is a citizen's first record, so each one is a new holder of its account.
    PERFORM floorpay_join_accounts(array_agg(bank_id::text), array_agg(account_token::text), array_agg(payout_id::text), array_agg(paid_at_ticks))
    FROM added WHERE enrollment HAVING COUNT(*) > 0;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER floorpay_payouts_holding AFTER INSERT ON floorpay_payouts
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_hold_enrolled_accounts();
CREATE FUNCTION floorpay_hold_changed_accounts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- A citizen returning to an account it held before (A, B, then A again) is not a new holder.
    PERFORM floorpay_join_accounts(array_agg(a.bank_id::text), array_agg(a.account_token::text), array_agg(a.change_id::text), array_agg(a.requested_at_ticks))
    FROM added a
    WHERE NOT EXISTS (SELECT 1 FROM floorpay_account_changes c WHERE c.citizen_id = a.citizen_id
                      AND c.bank_id = a.bank_id AND c.account_token = a.account_token
                      AND (c.requested_at_ticks, c.change_id) < (a.requested_at_ticks, a.change_id))
      AND NOT EXISTS (SELECT 1 FROM floorpay_payouts p WHERE p.citizen_id = a.citizen_id AND p.enrollment
                      AND p.bank_id = a.bank_id AND p.account_token = a.account_token)
    HAVING COUNT(*) > 0;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER floorpay_account_changes_holding AFTER INSERT ON floorpay_account_changes
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_hold_changed_accounts();
CREATE TRIGGER floorpay_account_holdings_no_delete BEFORE DELETE ON floorpay_account_holdings
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
