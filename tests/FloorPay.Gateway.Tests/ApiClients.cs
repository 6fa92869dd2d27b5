namespace FloorPay.Gateway.Tests;

/// <summary>Generated clients for every FloorPay service, all sharing one authenticated call invoker.</summary>
public sealed class ApiClients(CallInvoker invoker)
{
    public Citizens.CitizensClient Citizens { get; } = new(invoker);

    public Payouts.PayoutsClient Payouts { get; } = new(invoker);

    public Contributions.ContributionsClient Contributions { get; } = new(invoker);

    public Funds.FundsClient Funds { get; } = new(invoker);

    public Regions.RegionsClient Regions { get; } = new(invoker);

    public Policies.PoliciesClient Policies { get; } = new(invoker);

    public Audit.AuditClient Audit { get; } = new(invoker);

    public Appeals.AppealsClient Appeals { get; } = new(invoker);

    public Bulk.BulkClient Bulk { get; } = new(invoker);

    public Instructions.InstructionsClient Instructions { get; } = new(invoker);

    public PaydayRuns.PaydayRunsClient PaydayRuns { get; } = new(invoker);
}
