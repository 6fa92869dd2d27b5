namespace FloorPay.Gateway.Tests;

/// <summary>Common steps against a running server, each through the public gRPC API with the right participant's key.</summary>
public static class Steps
{
    /// <summary>Enrolls a fresh citizen at bank-a (or <paramref name="bankKey"/>'s bank) and returns its id and response.</summary>
    public static async Task<(string CitizenId, EnrollResponse Response)> EnrollNewCitizen(
        this FloorPayServer server, string region = "R-NORTH", string bankKey = ApiKeys.BankA, string bankId = "bank-a")
    {
        var citizenId = Ids.Citizen();
        var response = await server.As(bankKey).Citizens.EnrollAsync(Requests.Enroll(citizenId, bankId, region));
        return (citizenId, response);
    }

    /// <summary>Sends a call as a client would under load: a retryable refusal is resent (the same request, so the same key).</summary>
    public static async Task<T> Retrying<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await call(); }
            catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.ResourceExhausted && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt));
            }
        }
    }

    /// <summary>The statement as a reviewer (who may read any citizen) sees it.</summary>
    /// <summary>The sequence of the bank's latest instruction (0 if none), paging through its outbox.</summary>
    public static async Task<long> InstructionHeadAsync(this FloorPayServer server, string bankKey)
    {
        var after = 0L;
        while (true)
        {
            var page = await server.As(bankKey).Instructions.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = after, PageSize = 1000 });
            if (page.Instructions.Count == 0) return after;
            after = page.NextAfterSequence;
        }
    }

    public static async Task<Statement> Statement(this FloorPayServer server, string citizenId) =>
        await server.As(ApiKeys.Reviewer).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId });

    public static async Task<Policy> Policy(this FloorPayServer server) =>
        await server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest());

    public static async Task<Fund> Fund(this FloorPayServer server) =>
        await server.As(ApiKeys.Treasury).Funds.GetFundAsync(new GetFundRequest { FundId = Requests.Fund });

    public static async Task<Region> Region(this FloorPayServer server, string regionId) =>
        await server.As(ApiKeys.Auditor).Regions.GetRegionAsync(new GetRegionRequest { RegionId = regionId });
}
