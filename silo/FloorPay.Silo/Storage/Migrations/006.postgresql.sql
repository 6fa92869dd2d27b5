-- 006: Append-only appeals and their resolutions (one per appeal)
CREATE TABLE floorpay_appeals (
    appeal_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    decision_id varchar(200) NOT NULL,
    ground varchar(64) NOT NULL,
    evidence_reference varchar(64) NULL,
    filed_by varchar(64) NOT NULL,
    filed_at_ticks bigint NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TABLE floorpay_appeal_resolutions (
    appeal_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_appeals (appeal_id),
    citizen_id varchar(64) NOT NULL,
    outcome varchar(16) NOT NULL CHECK (outcome IN ('upheld', 'rejected')),
    reason varchar(500) NOT NULL,
    corrective_amount bigint NOT NULL CHECK (corrective_amount >= 0),
    reviewer_id varchar(64) NOT NULL,
    resolved_at_ticks bigint NOT NULL,
    reason_code varchar(128) NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_appeals_append_only BEFORE UPDATE OR DELETE ON floorpay_appeals
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_appeal_resolutions_append_only BEFORE UPDATE OR DELETE ON floorpay_appeal_resolutions
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
