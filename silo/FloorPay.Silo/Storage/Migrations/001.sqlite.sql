-- 001: Orleans query table and grain state
CREATE TABLE OrleansQuery (
    QueryKey TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
CREATE TABLE floorpay_grain_state (
    service_id TEXT NOT NULL,
    grain_type TEXT NOT NULL,
    grain_n0 INTEGER NOT NULL,
    grain_n1 INTEGER NOT NULL,
    grain_key TEXT NOT NULL,
    grain_hash INTEGER NOT NULL,
    grain_type_hash INTEGER NOT NULL,
    payload BLOB NULL,
    version INTEGER NOT NULL,
    modified_at TEXT NOT NULL,
    PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
);
