-- 015: Idempotency keys per calling participant, enforced for every kind of citizen record
--
-- Idempotency keys are scoped to the calling participant (a bank's id for banks, the participant id otherwise), as
-- payment switches scope them per participant: one row per (scope, key), written in the transaction of the record
-- it produced, whichever citizen that is. Existing records are backfilled, the earliest use of a key winning.
CREATE TABLE floorpay_idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    citizen_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    recorded_at_ticks INTEGER NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);
CREATE INDEX floorpay_idempotency_keys_citizen ON floorpay_idempotency_keys (citizen_id);
CREATE TRIGGER floorpay_idempotency_keys_no_update BEFORE UPDATE ON floorpay_idempotency_keys
    BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
CREATE TRIGGER floorpay_idempotency_keys_no_delete BEFORE DELETE ON floorpay_idempotency_keys
    BEGIN SELECT RAISE(ABORT, 'idempotency keys are append-only'); END;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT bank_id, idempotency_key, citizen_id, payout_id, fingerprint, paid_at_ticks FROM floorpay_payouts WHERE kind <> 'correction' AND idempotency_key NOT LIKE 'payday/%' ORDER BY paid_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT platform_id, idempotency_key, citizen_id, contribution_id, fingerprint, recorded_at_ticks FROM floorpay_contributions ORDER BY recorded_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT reviewer_id, idempotency_key, citizen_id, exemption_id, fingerprint, granted_at_ticks FROM floorpay_exemptions ORDER BY granted_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT filed_by, idempotency_key, citizen_id, appeal_id, fingerprint, filed_at_ticks FROM floorpay_appeals ORDER BY filed_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT reviewer_id, idempotency_key, citizen_id, 'resolution/' || appeal_id, fingerprint, resolved_at_ticks FROM floorpay_appeal_resolutions ORDER BY resolved_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT reviewer_id, idempotency_key, citizen_id, 'approval/' || appeal_id, fingerprint, approved_at_ticks FROM floorpay_correction_approvals ORDER BY approved_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT requested_by, idempotency_key, citizen_id, change_id, fingerprint, requested_at_ticks FROM floorpay_account_changes ORDER BY requested_at_ticks;
INSERT OR IGNORE INTO floorpay_idempotency_keys (scope, idempotency_key, citizen_id, entry_id, fingerprint, recorded_at_ticks)
SELECT from_bank_id, idempotency_key, citizen_id, release_id, fingerprint, released_at_ticks FROM floorpay_account_releases ORDER BY released_at_ticks;
