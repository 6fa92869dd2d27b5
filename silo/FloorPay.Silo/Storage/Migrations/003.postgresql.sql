-- 003: Cluster membership and reminders (PostgreSQL clusters only)
CREATE TABLE floorpay_membership_version (
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version integer NOT NULL,
    modified_at timestamptz NOT NULL
);
CREATE TABLE floorpay_membership (
    deployment_id varchar(150) NOT NULL REFERENCES floorpay_membership_version (deployment_id),
    address varchar(45) NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    silo_name varchar(150) NOT NULL,
    host_name varchar(150) NOT NULL,
    status integer NOT NULL,
    proxy_port integer NULL,
    suspect_times varchar(8000) NULL,
    start_time timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);
CREATE TABLE floorpay_reminders (
    service_id varchar(150) NOT NULL,
    grain_id varchar(1024) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time timestamptz NOT NULL,
    period bigint NOT NULL,
    grain_hash integer NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX floorpay_reminders_by_hash ON floorpay_reminders (service_id, grain_hash);
