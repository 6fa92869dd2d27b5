namespace FloorPay.Gateway.Tests;

/// <summary>Rule 8: the policy is one published, versioned document any authenticated participant can read.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class PolicyTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    public static TheoryData<string> Roles => new(ApiKeys.ByRole.Keys.Append("bank-b"));

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_role_reads_the_policy_in_force(string role)
    {
        var key = role == "bank-b" ? ApiKeys.BankB : ApiKeys.ByRole[role];

        var policy = await _server.As(key).Policies.GetPolicyAsync(new GetPolicyRequest());

        Assert.Equal(1, policy.Version);
        Assert.Equal(1, policy.VersionInForce);
        Assert.Contains(1, policy.Versions);
        Assert.Equal("EUR", policy.Currency);
        Assert.Equal(policy.Currency, policy.FloorAmount.Currency);
        Assert.True(policy.FloorAmount.MinorUnits > 0);
        Assert.Contains(policy.PeriodLength, new[] { "weekly", "monthly" });
        Assert.Contains(policy.FirstPayout, new[] { "full", "pro-rated" });
        Assert.Contains("care", policy.ContributionCategories);
        Assert.Contains("childcare", policy.ExemptionCategories);
        Assert.True(policy.ContributionQuotaMinutes > 0);
        Assert.Matches(policy.PeriodLength == "monthly" ? @"^\d{4}-\d{2}$" : @"^\d{4}-W\d{2}$", policy.CurrentPeriod);
        Assert.Equal(DateTime.UtcNow.ToString(policy.PeriodLength == "monthly" ? "yyyy-MM" : "yyyy", System.Globalization.CultureInfo.InvariantCulture),
            policy.CurrentPeriod[..(policy.PeriodLength == "monthly" ? 7 : 4)]);
    }

    [Fact]
    public async Task Version_one_by_number_is_the_version_in_force()
    {
        var policies = _server.As(ApiKeys.Auditor).Policies;
        Assert.Equal(await policies.GetPolicyAsync(new GetPolicyRequest()), await policies.GetPolicyAsync(new GetPolicyRequest { Version = 1 }));
    }

    [Fact]
    public async Task An_unknown_version_is_not_found_and_a_negative_one_invalid()
    {
        var policies = _server.As(ApiKeys.Auditor).Policies;
        await Expect.Status(StatusCode.NotFound, policies.GetPolicyAsync(new GetPolicyRequest { Version = 99 }));
        await Expect.Status(StatusCode.InvalidArgument, policies.GetPolicyAsync(new GetPolicyRequest { Version = -1 }));
    }
}
