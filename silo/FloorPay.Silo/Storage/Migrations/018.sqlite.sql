-- 018: Bank envelopes: ids claimed per bank with their content's fingerprint, and the items' results for replays
--
-- An envelope id is claimed per bank for one content before any item runs; its items' results are kept for
-- resends. Not money (the payouts are): the results are replaced when a resend re-runs items that had failed
-- retryably, and rows are never deleted.
CREATE TABLE floorpay_envelopes (
    scope TEXT NOT NULL,
    envelope_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    claimed_at_ticks INTEGER NOT NULL,
    result BLOB NULL,
    saved_at_ticks INTEGER NULL,
    PRIMARY KEY (scope, envelope_id)
);
CREATE TRIGGER floorpay_envelopes_no_delete BEFORE DELETE ON floorpay_envelopes
    BEGIN SELECT RAISE(ABORT, 'envelopes are never deleted'); END;
CREATE TRIGGER floorpay_envelopes_claim_fixed BEFORE UPDATE OF scope, envelope_id, kind, fingerprint, claimed_at_ticks ON floorpay_envelopes
    BEGIN SELECT RAISE(ABORT, 'an envelope claim never changes'); END;
