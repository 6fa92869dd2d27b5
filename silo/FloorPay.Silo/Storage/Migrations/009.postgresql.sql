-- 009: Leaner instruction indexes: none by payout (never queried), re-issue uniqueness only where there is one
DROP INDEX floorpay_instructions_by_payout;
ALTER TABLE floorpay_instructions DROP CONSTRAINT floorpay_instructions_reissue_of_key;
CREATE UNIQUE INDEX floorpay_instructions_one_reissue ON floorpay_instructions (reissue_of) WHERE reissue_of IS NOT NULL;
