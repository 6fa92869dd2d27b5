-- 004: Append-only civic records: contributions and exemptions
CREATE TABLE floorpay_contributions (
    contribution_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    category varchar(64) NOT NULL,
    minutes integer NOT NULL CHECK (minutes > 0),
    period varchar(16) NOT NULL,
    platform_id varchar(64) NOT NULL,
    reason_code varchar(128) NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    recorded_at_ticks bigint NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TABLE floorpay_exemptions (
    exemption_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    category varchar(64) NOT NULL,
    evidence_reference varchar(64) NOT NULL,
    granted_at_ticks bigint NOT NULL,
    expires_at_ticks bigint NOT NULL,
    reviewer_id varchar(64) NOT NULL,
    reason_code varchar(128) NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_contributions_append_only BEFORE UPDATE OR DELETE ON floorpay_contributions
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE TRIGGER floorpay_exemptions_append_only BEFORE UPDATE OR DELETE ON floorpay_exemptions
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
