-- 009: Leaner instruction indexes: none by payout (never queried), re-issue uniqueness only where there is one
DROP INDEX floorpay_instructions_by_payout;
