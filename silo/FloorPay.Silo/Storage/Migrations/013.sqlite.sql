-- 013: Releases of account holders to another bank (the first step of a bank transfer)
--
-- Rule 11: moving a citizen to another bank is a release by the bank holding the account, then a claim by the
-- named bank within a window. Releases are append-only records.
CREATE TABLE floorpay_account_releases (
    release_id TEXT NOT NULL PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    from_bank_id TEXT NOT NULL,
    to_bank_id TEXT NOT NULL,
    released_at_ticks INTEGER NOT NULL,
    expires_at_ticks INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE INDEX floorpay_account_releases_citizen ON floorpay_account_releases (citizen_id);
CREATE TRIGGER floorpay_account_releases_no_update BEFORE UPDATE ON floorpay_account_releases
    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
CREATE TRIGGER floorpay_account_releases_no_delete BEFORE DELETE ON floorpay_account_releases
    BEGIN SELECT RAISE(ABORT, 'releases are append-only'); END;
