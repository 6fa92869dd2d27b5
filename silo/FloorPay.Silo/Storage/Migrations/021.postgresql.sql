-- 021: Administrative acts, append-only
--
-- Inflows recorded and dividends proposed, approved and declared, with who did them: chained by the audit trail.
CREATE TABLE floorpay_admin_acts (
    act_id text NOT NULL PRIMARY KEY,
    kind text NOT NULL,
    actor text NOT NULL,
    subject text NOT NULL,
    amount bigint NOT NULL,
    detail text NOT NULL,
    at_ticks bigint NOT NULL
);
CREATE INDEX floorpay_admin_acts_by_time ON floorpay_admin_acts (at_ticks);
CREATE TRIGGER floorpay_admin_acts_append_only BEFORE UPDATE OR DELETE ON floorpay_admin_acts
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
