namespace FloorPay.Grains;

/// <summary>Returned payments waiting to be re-issued.</summary>
public interface IReturnedPayments
{
    /// <summary>
    /// The one rule for re-issuing a returned payment, used by the citizen grain and by the sweep alike: not re-issued
    /// yet, and either an account change asked for at or after the return is in effect, or the account in effect (the
    /// latest change in effect, else the enrollment account) differs from the returned payment's. In citizen order,
    /// after <paramref name="afterCitizenId"/> (a cursor), or for one citizen only.
    /// </summary>
    Task<IReadOnlyList<DueReissue>> ReissuesDueAsync(DateTimeOffset now, string afterCitizenId, int limit, string? citizenId = null,
        CancellationToken cancellation = default);
}

/// <summary>A returned payment that is due to be re-issued to its citizen's account in effect.</summary>
public sealed record DueReissue(string CitizenId, string ReturnedInstructionId);
