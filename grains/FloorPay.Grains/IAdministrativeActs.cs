namespace FloorPay.Grains;

/// <summary>The append-only record of administrative acts (audited with the ledger).</summary>
public interface IAdministrativeActs
{
    /// <summary>Appends the act; one already recorded under its id is left as it is (an answer resent records it again).</summary>
    Task RecordAsync(AdministrativeActEntry act, CancellationToken cancellation = default);
}
