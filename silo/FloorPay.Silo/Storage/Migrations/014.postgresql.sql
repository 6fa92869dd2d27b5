-- 014: Enrollment seals: who enrolled before a cutoff (a dividend's eligible count, a payday run's start), fixed in commit order
--
-- Rule 7 by construction: a dividend's eligible count (and a payday run's start) is sealed in a transaction that
-- waits for every batch writing payouts (PostgreSQL: a SHARE lock on the payouts; SQLite: its single writer), and
-- every later batch refuses an enrollment stamped before a sealed cutoff: none can slip in behind the count.
CREATE TABLE floorpay_enrollment_seals (
    seal_id varchar(200) NOT NULL PRIMARY KEY,
    eligible_before_ticks bigint NOT NULL,
    eligible_count bigint NOT NULL,
    sealed_at_ticks bigint NOT NULL
);
CREATE INDEX floorpay_enrollment_seals_cutoff ON floorpay_enrollment_seals (eligible_before_ticks);
CREATE TRIGGER floorpay_enrollment_seals_append_only BEFORE UPDATE OR DELETE ON floorpay_enrollment_seals
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
