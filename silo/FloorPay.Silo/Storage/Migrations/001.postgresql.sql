-- 001: Orleans query table and grain state
CREATE TABLE OrleansQuery (
    QueryKey varchar(64) NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);
CREATE TABLE floorpay_grain_state (
    service_id varchar(150) NOT NULL,
    grain_type varchar(512) NOT NULL,
    grain_n0 bigint NOT NULL,
    grain_n1 bigint NOT NULL,
    grain_key varchar(512) NOT NULL,
    grain_hash integer NOT NULL,
    grain_type_hash integer NOT NULL,
    payload bytea NULL,
    version integer NOT NULL,
    modified_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
);
