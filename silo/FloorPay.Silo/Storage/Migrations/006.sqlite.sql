-- 006: Append-only appeals and their resolutions (one per appeal)
CREATE TABLE floorpay_appeals (
    appeal_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    ground TEXT NOT NULL,
    evidence_reference TEXT NULL,
    filed_by TEXT NOT NULL,
    filed_at_ticks INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TABLE floorpay_appeal_resolutions (
    appeal_id TEXT NOT NULL PRIMARY KEY REFERENCES floorpay_appeals (appeal_id),
    citizen_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('upheld', 'rejected')),
    reason TEXT NOT NULL,
    corrective_amount INTEGER NOT NULL CHECK (corrective_amount >= 0),
    reviewer_id TEXT NOT NULL,
    resolved_at_ticks INTEGER NOT NULL,
    reason_code TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_appeals_no_update BEFORE UPDATE ON floorpay_appeals
    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
CREATE TRIGGER floorpay_appeals_no_delete BEFORE DELETE ON floorpay_appeals
    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
CREATE TRIGGER floorpay_appeal_resolutions_no_update BEFORE UPDATE ON floorpay_appeal_resolutions
    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
CREATE TRIGGER floorpay_appeal_resolutions_no_delete BEFORE DELETE ON floorpay_appeal_resolutions
    BEGIN SELECT RAISE(ABORT, 'appeals are append-only'); END;
