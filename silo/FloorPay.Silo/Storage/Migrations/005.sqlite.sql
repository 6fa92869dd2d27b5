-- 005: Index of enrollments by instant, for dividend eligibility counts
CREATE INDEX floorpay_payouts_enrollments ON floorpay_payouts (paid_at_ticks) WHERE enrollment = 1;
