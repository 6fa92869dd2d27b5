-- 004: Append-only civic records: contributions and exemptions
CREATE TABLE floorpay_contributions (
    contribution_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    category TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    period TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    recorded_at_ticks INTEGER NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TABLE floorpay_exemptions (
    exemption_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    category TEXT NOT NULL,
    evidence_reference TEXT NOT NULL,
    granted_at_ticks INTEGER NOT NULL,
    expires_at_ticks INTEGER NOT NULL,
    reviewer_id TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_contributions_no_update BEFORE UPDATE ON floorpay_contributions
    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
CREATE TRIGGER floorpay_contributions_no_delete BEFORE DELETE ON floorpay_contributions
    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
CREATE TRIGGER floorpay_exemptions_no_update BEFORE UPDATE ON floorpay_exemptions
    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
CREATE TRIGGER floorpay_exemptions_no_delete BEFORE DELETE ON floorpay_exemptions
    BEGIN SELECT RAISE(ABORT, 'civic records are append-only'); END;
