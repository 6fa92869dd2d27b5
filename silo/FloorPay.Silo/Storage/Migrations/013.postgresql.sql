-- 013: Releases of account holders to another bank (the first step of a bank transfer)
--
-- Rule 11: moving a citizen to another bank is a release by the bank holding the account, then a claim by the
-- named bank within a window. Releases are append-only records.
CREATE TABLE floorpay_account_releases (
    release_id varchar(200) NOT NULL PRIMARY KEY,
    citizen_id varchar(64) NOT NULL,
    from_bank_id varchar(64) NOT NULL,
    to_bank_id varchar(64) NOT NULL,
    released_at_ticks bigint NOT NULL,
    expires_at_ticks bigint NOT NULL,
    idempotency_key varchar(64) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE INDEX floorpay_account_releases_citizen ON floorpay_account_releases (citizen_id);
CREATE TRIGGER floorpay_account_releases_append_only BEFORE UPDATE OR DELETE ON floorpay_account_releases
    FOR EACH ROW EXECUTE FUNCTION floorpay_append_only();
