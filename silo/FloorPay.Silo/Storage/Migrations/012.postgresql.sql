-- 012: Correction limits on resolutions and second-reviewer approvals of larger corrections
--
-- Rule 9: a correction above one floor amount (the limit the resolving reviewer saw, kept on the resolution) is
-- paid only on a second, different reviewer's approval; each approval is an append-only record, one per appeal.
ALTER TABLE floorpay_appeal_resolutions ADD COLUMN correction_limit bigint NULL;
CREATE TABLE floorpay_correction_approvals (
    appeal_id varchar(200) NOT NULL PRIMARY KEY REFERENCES floorpay_appeal_resolutions (appeal_id),
    citizen_id varchar(64) NOT NULL,
    reviewer_id varchar(64) NOT NULL,
    approved_at_ticks bigint NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE TRIGGER floorpay_correction_approvals_append_only BEFORE UPDATE OR DELETE ON floorpay_correction_approvals
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
