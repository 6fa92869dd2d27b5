-- 019: Published policy versions, append-only
--
-- The published policy book: the truth for every silo, each version's document fixed once published.
CREATE TABLE floorpay_policy_versions (
    version integer NOT NULL PRIMARY KEY,
    effective_from varchar(16) NOT NULL,
    document text NOT NULL,
    published_at_ticks bigint NOT NULL
);
CREATE TRIGGER floorpay_policy_versions_append_only BEFORE UPDATE OR DELETE ON floorpay_policy_versions
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
