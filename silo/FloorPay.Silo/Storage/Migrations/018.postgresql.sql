-- 018: Bank envelopes: ids claimed per bank with their content's fingerprint, and the items' results for replays
--
-- An envelope id is claimed per bank for one content before any item runs; its items' results are kept for
-- resends. Not money (the payouts are): the results are replaced when a resend re-runs items that had failed
-- retryably, and rows are never deleted.
CREATE TABLE floorpay_envelopes (
    scope varchar(64) NOT NULL,
    envelope_id varchar(64) NOT NULL,
    kind varchar(16) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    claimed_at_ticks bigint NOT NULL,
    result bytea NULL,
    saved_at_ticks bigint NULL,
    PRIMARY KEY (scope, envelope_id)
);
CREATE TRIGGER floorpay_envelopes_no_delete BEFORE DELETE ON floorpay_envelopes
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
CREATE FUNCTION floorpay_envelope_claim_fixed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF (NEW.scope, NEW.envelope_id, NEW.kind, NEW.fingerprint, NEW.claimed_at_ticks)
       IS DISTINCT FROM (OLD.scope, OLD.envelope_id, OLD.kind, OLD.fingerprint, OLD.claimed_at_ticks) THEN
        RAISE EXCEPTION 'an envelope claim never changes';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER floorpay_envelopes_claim_fixed BEFORE UPDATE ON floorpay_envelopes
    FOR EACH ROW EXECUTE FUNCTION floorpay_envelope_claim_fixed();
