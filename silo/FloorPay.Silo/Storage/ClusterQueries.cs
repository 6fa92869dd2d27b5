namespace FloorPay.Silo.Storage;

/// <summary>
/// Our implementation of the Orleans ADO.NET clustering and reminder query contracts on PostgreSQL (the store of a
/// multi-silo cluster; the SQLite single node uses localhost clustering and no reminders). Membership changes are
/// guarded by the table version the silo read: an update applies only if nobody changed the table since.
/// </summary>
internal static class ClusterQueries
{
    private const string Member = "deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation";

    private const string MemberColumns =
        "v.version AS Version, m.start_time AS StartTime, m.address AS Address, m.port AS Port, m.generation AS Generation, " +
        "m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort, " +
        "m.i_am_alive_time AS IAmAliveTime, m.suspect_times AS SuspectTimes";

    private const string ReminderColumns =
        "grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period AS Period, version AS Version";

    public static IReadOnlyDictionary<string, string> PostgreSql { get; } = new Dictionary<string, string>
    {
        // Always exactly one row: true when this call created the version row.
        ["InsertMembershipVersionKey"] =
            "WITH created AS (INSERT INTO floorpay_membership_version (deployment_id, version, modified_at) VALUES (@DeploymentId, 0, now()) " +
            "ON CONFLICT DO NOTHING RETURNING 1) SELECT EXISTS (SELECT 1 FROM created);",

        // At least one row (the version row), with the members if any; a row without StartTime carries only the version.
        ["MembershipReadAllKey"] =
            $"SELECT {MemberColumns} FROM floorpay_membership_version v " +
            "LEFT JOIN floorpay_membership m ON m.deployment_id = v.deployment_id WHERE v.deployment_id = @DeploymentId;",

        ["MembershipReadRowKey"] =
            $"SELECT {MemberColumns} FROM floorpay_membership_version v " +
            "LEFT JOIN floorpay_membership m ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port " +
            "AND m.generation = @Generation WHERE v.deployment_id = @DeploymentId;",

        ["InsertMembershipKey"] =
            "WITH bumped AS (UPDATE floorpay_membership_version SET version = version + 1, modified_at = now() " +
            "WHERE deployment_id = @DeploymentId AND version = @Version " +
            $"AND NOT EXISTS (SELECT 1 FROM floorpay_membership WHERE {Member}) RETURNING deployment_id), " +
            "added AS (INSERT INTO floorpay_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, " +
            "start_time, i_am_alive_time) SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, " +
            "@StartTime, @IAmAliveTime FROM bumped ON CONFLICT DO NOTHING RETURNING 1) SELECT EXISTS (SELECT 1 FROM added);",

        ["UpdateMembershipKey"] =
            "WITH bumped AS (UPDATE floorpay_membership_version SET version = version + 1, modified_at = now() " +
            "WHERE deployment_id = @DeploymentId AND version = @Version RETURNING deployment_id), " +
            "changed AS (UPDATE floorpay_membership SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime " +
            $"WHERE {Member} AND EXISTS (SELECT 1 FROM bumped) RETURNING 1) SELECT EXISTS (SELECT 1 FROM changed);",

        // Liveness heartbeats do not change the table version.
        ["UpdateIAmAlivetimeKey"] =
            $"UPDATE floorpay_membership SET i_am_alive_time = @IAmAliveTime WHERE {Member};",

        ["DeleteMembershipTableEntriesKey"] =
            "DELETE FROM floorpay_membership WHERE deployment_id = @DeploymentId; " +
            "DELETE FROM floorpay_membership_version WHERE deployment_id = @DeploymentId;",

        ["GatewaysQueryKey"] =
            "SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation FROM floorpay_membership " +
            "WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;",

        // Removes silos that stopped heartbeating before the cut-off and are not active.
        ["CleanupDefunctSiloEntriesKey"] =
            "DELETE FROM floorpay_membership WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;",

        ["ReadReminderRowsKey"] =
            $"SELECT {ReminderColumns} FROM floorpay_reminders WHERE service_id = @ServiceId AND grain_id = @GrainId;",

        ["ReadReminderRowKey"] =
            $"SELECT {ReminderColumns} FROM floorpay_reminders WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;",

        ["ReadRangeRows1Key"] =
            $"SELECT {ReminderColumns} FROM floorpay_reminders WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;",

        // The hash range wraps around.
        ["ReadRangeRows2Key"] =
            $"SELECT {ReminderColumns} FROM floorpay_reminders WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);",

        ["UpsertReminderRowKey"] =
            "INSERT INTO floorpay_reminders (service_id, grain_id, reminder_name, start_time, period, grain_hash, version) " +
            "VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0) " +
            "ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET start_time = excluded.start_time, period = excluded.period, " +
            "grain_hash = excluded.grain_hash, version = floorpay_reminders.version + 1 RETURNING version AS Version;",

        ["DeleteReminderRowKey"] =
            "WITH removed AS (DELETE FROM floorpay_reminders WHERE service_id = @ServiceId AND grain_id = @GrainId " +
            "AND reminder_name = @ReminderName AND version = @Version RETURNING 1) SELECT EXISTS (SELECT 1 FROM removed);",

        ["DeleteReminderRowsKey"] =
            "DELETE FROM floorpay_reminders WHERE service_id = @ServiceId;",
    };
}
