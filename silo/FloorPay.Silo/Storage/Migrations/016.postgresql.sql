-- 016: An abort function for statements that must not commit half a unit (PostgreSQL only)
--
-- A statement can refuse to commit its batch (PostgreSQL): the payouts statement calls this when a payout went in
-- without its idempotency key (another transaction took the key meanwhile), so the writer retries the batch.
CREATE FUNCTION floorpay_abort(reason text) RETURNS text LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = reason;
END
$fn$;
