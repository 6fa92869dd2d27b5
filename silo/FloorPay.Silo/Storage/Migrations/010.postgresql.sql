-- 010: Region tallies of payouts and enrollments, kept by a trigger in the transaction that inserts the payouts
--
-- The ledger counts its own payouts in the inserting transaction, so region and fund aggregates cannot lose a
-- payout to a silo crash. Creating the trigger locks out inserts until the backfill below commits: none is missed.
-- One row per (region, kind, period) and shard: concurrent transactions mostly add to different shards (by
-- server process), so a hot region does not serialize every commit on one row. Rows are locked in key order.
CREATE TABLE floorpay_region_tallies (
    region_id varchar(64) NOT NULL,
    kind varchar(16) NOT NULL,
    period varchar(16) NOT NULL,
    shard smallint NOT NULL,
    payouts bigint NOT NULL,
    amount bigint NOT NULL,
    enrollments bigint NOT NULL,
    PRIMARY KEY (region_id, kind, period, shard)
);
CREATE FUNCTION floorpay_tally_payouts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO floorpay_region_tallies AS t (region_id, kind, period, shard, payouts, amount, enrollments)
    SELECT region_id, kind, period, (pg_backend_pid() % 16)::smallint, COUNT(*), SUM(amount), COUNT(*) FILTER (WHERE enrollment)
    FROM added GROUP BY region_id, kind, period ORDER BY region_id, kind, period
    ON CONFLICT (region_id, kind, period, shard) DO UPDATE SET
        payouts = t.payouts + EXCLUDED.payouts, amount = t.amount + EXCLUDED.amount, enrollments = t.enrollments + EXCLUDED.enrollments;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER floorpay_payouts_tally AFTER INSERT ON floorpay_payouts
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION floorpay_tally_payouts();
INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
SELECT region_id, kind, period, 0, COUNT(*), SUM(amount), COUNT(*) FILTER (WHERE enrollment)
FROM floorpay_payouts GROUP BY region_id, kind, period;
CREATE TRIGGER floorpay_region_tallies_no_delete BEFORE DELETE ON floorpay_region_tallies
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
