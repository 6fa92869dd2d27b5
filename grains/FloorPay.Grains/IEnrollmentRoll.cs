namespace FloorPay.Grains;

/// <summary>The enrolled citizens, read slice by slice from the ledger for the payday run.</summary>
public interface IEnrollmentRoll
{
    /// <summary>
    /// Up to <paramref name="limit"/> citizens of the bucket enrolled in a period before <paramref name="period"/>,
    /// with citizen id after <paramref name="afterCitizenId"/>, in id order, each with the payout account in effect at <paramref name="now"/>.
    /// </summary>
    Task<IReadOnlyList<EnrolledCitizen>> PageAsync(int bucket, string afterCitizenId, string period, DateTimeOffset now, int limit,
        CancellationToken cancellation = default);

    /// <summary>
    /// For each of these citizens that is enrolled: its region, enrollment period and the payout account in effect at
    /// <paramref name="now"/>. (Idempotency keys need no look-up: each payout commits with its key's row.)
    /// </summary>
    Task<IReadOnlyDictionary<string, CitizenStanding>> LookupAsync(IReadOnlyCollection<string> citizenIds, DateTimeOffset now,
        CancellationToken cancellation = default);
}

public sealed record CitizenStanding(EnrolledCitizen Citizen, string EnrollmentPeriod);

public sealed record EnrolledCitizen(string CitizenId, string RegionId, PayoutAccount Account);
