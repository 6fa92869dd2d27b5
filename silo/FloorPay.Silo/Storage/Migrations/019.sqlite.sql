-- 019: Published policy versions, append-only
--
-- The published policy book: the truth for every silo, each version's document fixed once published.
CREATE TABLE floorpay_policy_versions (
    version INTEGER NOT NULL PRIMARY KEY,
    effective_from TEXT NOT NULL,
    document TEXT NOT NULL,
    published_at_ticks INTEGER NOT NULL
);
CREATE TRIGGER floorpay_policy_versions_no_update BEFORE UPDATE ON floorpay_policy_versions
    BEGIN SELECT RAISE(ABORT, 'a published policy version never changes'); END;
CREATE TRIGGER floorpay_policy_versions_no_delete BEFORE DELETE ON floorpay_policy_versions
    BEGIN SELECT RAISE(ABORT, 'a published policy version never changes'); END;
