-- 014: Enrollment seals: who enrolled before a cutoff (a dividend's eligible count, a payday run's start), fixed in commit order
--
-- Rule 7 by construction: a dividend's eligible count (and a payday run's start) is sealed in a transaction that
-- waits for every batch writing payouts (PostgreSQL: a SHARE lock on the payouts; SQLite: its single writer), and
-- every later batch refuses an enrollment stamped before a sealed cutoff: none can slip in behind the count.
CREATE TABLE floorpay_enrollment_seals (
    seal_id TEXT NOT NULL PRIMARY KEY,
    eligible_before_ticks INTEGER NOT NULL,
    eligible_count INTEGER NOT NULL,
    sealed_at_ticks INTEGER NOT NULL
);
CREATE INDEX floorpay_enrollment_seals_cutoff ON floorpay_enrollment_seals (eligible_before_ticks);
CREATE TRIGGER floorpay_enrollment_seals_no_update BEFORE UPDATE ON floorpay_enrollment_seals
    BEGIN SELECT RAISE(ABORT, 'enrollment seals are append-only'); END;
CREATE TRIGGER floorpay_enrollment_seals_no_delete BEFORE DELETE ON floorpay_enrollment_seals
    BEGIN SELECT RAISE(ABORT, 'enrollment seals are append-only'); END;
