namespace FloorPay.Gateway.Tests;

/// <summary>
/// Everything a refused call could have changed, read back through the API after the call: the target citizen's statement,
/// whether a not-yet-enrolled citizen got enrolled, the fund's synchronously kept figures and the published opportunities.
/// (Fund outflows and counts move with other tests' enrollments on the shared server, so they are not part of it.)
/// </summary>
public sealed record StateSnapshot(Statement Citizen, bool FreshCitizenEnrolled, Money Inflows, Money DividendsDeclared, long DividendIndex, string Opportunities)
{
    public const string OpportunitiesRegion = "R-WEST";

    public static async Task<StateSnapshot> Take(FloorPayServer server, string citizenId, string freshCitizenId)
    {
        var fund = await server.Fund();
        var region = await server.Region(OpportunitiesRegion);
        return new StateSnapshot(
            await server.Statement(citizenId),
            await IsEnrolled(server, freshCitizenId),
            fund.Inflows,
            fund.DividendsDeclared,
            fund.DividendIndex,
            string.Join(",", region.OpenOpportunities.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
    }

    public static async Task<bool> IsEnrolled(FloorPayServer server, string citizenId)
    {
        try
        {
            await server.Statement(citizenId);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }
}
