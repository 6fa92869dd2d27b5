namespace FloorPay.Silo.Storage;

/// <summary>The project's schema history, oldest first.</summary>
public static class SchemaMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "Orleans query table and grain state",
            Sqlite: """
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
                """,
            PostgreSql: """
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
                """),
    ];
}
