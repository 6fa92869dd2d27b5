namespace FloorPay.Grains;

/// <summary>The ledger could not be reached or its transaction failed: nothing was committed; retry with the same key.</summary>
[GenerateSerializer, Alias("floorpay.LedgerUnavailableException")]
public sealed class LedgerUnavailableException : Exception
{
    // The cause is kept as text only: driver exceptions (e.g. Npgsql's) cannot cross silos.
    public LedgerUnavailableException(string message, Exception? cause = null)
        : base(cause is null ? message : $"{message} ({cause.GetType().Name}: {cause.Message})") { }
}
