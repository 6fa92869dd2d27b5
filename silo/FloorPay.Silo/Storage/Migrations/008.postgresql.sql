-- 008: Hash bucket of each citizen on its payouts, so the payday run reads enrollments slice by slice
ALTER TABLE floorpay_payouts ADD COLUMN bucket smallint NOT NULL DEFAULT 0;
CREATE INDEX floorpay_enrollments_by_bucket ON floorpay_payouts (bucket, citizen_id) WHERE enrollment;
