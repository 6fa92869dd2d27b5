-- 012: Correction limits on resolutions and second-reviewer approvals of larger corrections
--
-- Rule 9: a correction above one floor amount (the limit the resolving reviewer saw, kept on the resolution) is
-- paid only on a second, different reviewer's approval; each approval is an append-only record, one per appeal.
ALTER TABLE floorpay_appeal_resolutions ADD COLUMN correction_limit INTEGER NULL;
CREATE TABLE floorpay_correction_approvals (
    appeal_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_appeal_resolutions (appeal_id),
    citizen_id TEXT NOT NULL,
    reviewer_id TEXT NOT NULL,
    approved_at_ticks INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_correction_approvals_no_update BEFORE UPDATE ON floorpay_correction_approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER floorpay_correction_approvals_no_delete BEFORE DELETE ON floorpay_correction_approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
