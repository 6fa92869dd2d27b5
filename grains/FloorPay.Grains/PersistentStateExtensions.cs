namespace FloorPay.Grains;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, re-reads what storage holds before rethrowing, because the in-memory
    /// state is ahead of storage and must not be served.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }
    }
}
