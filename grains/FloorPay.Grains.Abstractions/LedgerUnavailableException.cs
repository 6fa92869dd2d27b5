namespace FloorPay.Grains;

/// <summary>The ledger could not be reached or its transaction failed: nothing was committed; retry with the same key.</summary>
[GenerateSerializer, Alias("floorpay.LedgerUnavailableException")]
public sealed class LedgerUnavailableException : Exception
{
    public LedgerUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
