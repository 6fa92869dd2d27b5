-- 021: Administrative acts, append-only
--
-- Inflows recorded and dividends proposed, approved and declared, with who did them: chained by the audit trail.
CREATE TABLE floorpay_admin_acts (
    act_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    amount INTEGER NOT NULL,
    detail TEXT NOT NULL,
    at_ticks INTEGER NOT NULL
);
CREATE INDEX floorpay_admin_acts_by_time ON floorpay_admin_acts (at_ticks);
CREATE TRIGGER floorpay_admin_acts_no_update BEFORE UPDATE ON floorpay_admin_acts
    BEGIN SELECT RAISE(ABORT, 'an administrative act never changes'); END;
CREATE TRIGGER floorpay_admin_acts_no_delete BEFORE DELETE ON floorpay_admin_acts
    BEGIN SELECT RAISE(ABORT, 'an administrative act never changes'); END;
