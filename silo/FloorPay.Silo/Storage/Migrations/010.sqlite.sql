-- 010: Region tallies of payouts and enrollments, kept by a trigger in the transaction that inserts the payouts
--
-- The ledger counts its own payouts in the inserting transaction, so region and fund aggregates cannot lose a
-- payout to a silo crash. Creating the trigger locks out inserts until the backfill below commits: none is missed.
CREATE TABLE floorpay_region_tallies (
    region_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    shard INTEGER NOT NULL,
    payouts INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    enrollments INTEGER NOT NULL,
    PRIMARY KEY (region_id, kind, period, shard)
);
CREATE TRIGGER floorpay_payouts_tally AFTER INSERT ON floorpay_payouts
BEGIN
    INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
    VALUES (NEW.region_id, NEW.kind, NEW.period, 0, 1, NEW.amount, NEW.enrollment)
    ON CONFLICT (region_id, kind, period, shard) DO UPDATE SET
        payouts = payouts + 1, amount = amount + excluded.amount, enrollments = enrollments + excluded.enrollments;
END;
INSERT INTO floorpay_region_tallies (region_id, kind, period, shard, payouts, amount, enrollments)
SELECT region_id, kind, period, 0, COUNT(*), SUM(amount), SUM(enrollment) FROM floorpay_payouts GROUP BY region_id, kind, period;
CREATE TRIGGER floorpay_region_tallies_no_delete BEFORE DELETE ON floorpay_region_tallies
    BEGIN SELECT RAISE(ABORT, 'region tallies follow the append-only ledger: they are never deleted'); END;
