namespace FloorPay.Gateway.Tests;

/// <summary>
/// No single hand on the big levers: a dividend above FloorPay:Dividends:ApprovalThreshold is a proposal until a second
/// treasury participant approves it; alone, or approved by its own proposer, or left to expire, it declares nothing.
/// </summary>
public sealed class DividendApprovalTests
{
    private const long Threshold = 1_000_000;
    private const long Big = 5_000_000;

    private static Task<FloorPayServer> StartAsync(string lifetime = "01:00:00") =>
        FloorPayServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FloorPay:Dividends:ApprovalThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FloorPay:Dividends:ProposalLifetime"] = lifetime,
            ["FloorPay:Dividends:EligibilityGrace"] = "00:00:00.200",
        }));

    private static ApproveDividendRequest Approve(string proposalId, string? key = null) =>
        new() { IdempotencyKey = key ?? Ids.Key("approve"), FundId = Requests.Fund, ProposalId = proposalId };

    [Fact]
    public async Task A_lone_proposal_declares_nothing_its_proposer_cannot_approve_it_and_a_second_treasury_participant_declares_it()
    {
        await using var server = await StartAsync();
        await server.EnrollNewCitizen();
        var treasury = server.As(ApiKeys.Treasury).Funds;
        var second = server.As(ApiKeys.SecondTreasury).Funds;
        await treasury.RecordInflowAsync(Requests.Inflow(2 * Big));
        var before = await server.Fund();

        var proposeRequest = Requests.Dividend(Big);
        var proposed = await treasury.DeclareDividendAsync(proposeRequest);
        Assert.True(proposed.AwaitsApproval);
        Assert.Equal(0, proposed.Sequence);
        Assert.Equal("treasury", proposed.ProposedBy);
        Assert.NotEmpty(proposed.ProposalId);
        Assert.Equal("", proposed.ApprovedBy);
        // Resent, the same proposal; nothing declared either way.
        var resent = await treasury.DeclareDividendAsync(proposeRequest);
        Assert.Equal(proposed.ProposalId, resent.ProposalId);
        Assert.True(resent.Replayed);
        var untouched = await server.Fund();
        Assert.Equal(before.DividendsDeclared, untouched.DividendsDeclared);
        Assert.Equal(before.DividendIndex, untouched.DividendIndex);

        // Its proposer cannot approve it.
        await Expect.Status(StatusCode.PermissionDenied, treasury.ApproveDividendAsync(Approve(proposed.ProposalId)));
        Assert.Equal(before.DividendsDeclared, (await server.Fund()).DividendsDeclared);
        // Nor can anyone approve a proposal that does not exist, or a role other than treasury.
        await Expect.Status(StatusCode.NotFound, second.ApproveDividendAsync(Approve("national:proposal:404")));
        await Expect.Status(StatusCode.PermissionDenied, server.As(ApiKeys.Auditor).Funds.ApproveDividendAsync(Approve(proposed.ProposalId)));

        // A second treasury participant approves: declared, final, naming both.
        var approveRequest = Approve(proposed.ProposalId);
        var declared = await second.ApproveDividendAsync(approveRequest);
        Assert.False(declared.AwaitsApproval);
        Assert.True(declared.Final);
        Assert.True(declared.Sequence >= 1);
        Assert.Equal(Big, declared.Total.MinorUnits);
        Assert.Equal(("treasury", "treasury-2"), (declared.ProposedBy, declared.ApprovedBy));
        Assert.Equal(before.DividendsDeclared.MinorUnits + Big, (await server.Fund()).DividendsDeclared.MinorUnits);

        // Approving again declares nothing more: the same request replays, another is refused.
        var again = await second.ApproveDividendAsync(approveRequest);
        Assert.Equal(declared.Sequence, again.Sequence);
        Assert.True(again.Replayed);
        await Expect.Status(StatusCode.AlreadyExists, second.ApproveDividendAsync(Approve(proposed.ProposalId)));
        Assert.Equal(before.DividendsDeclared.MinorUnits + Big, (await server.Fund()).DividendsDeclared.MinorUnits);

        // Both hands are on the record: the acts the audit trail chains name the proposer, the approver and both.
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={server.DatabaseFile};Mode=ReadOnly;Pooling=False"))
        {
            await db.OpenAsync();
            await using var read = db.CreateCommand();
            read.CommandText = "SELECT kind || ' by ' || actor FROM floorpay_admin_acts WHERE kind LIKE 'dividend.%' ORDER BY at_ticks, kind";
            var acts = new List<string>();
            await using (var reader = await read.ExecuteReaderAsync())
                while (await reader.ReadAsync()) acts.Add(reader.GetString(0));
            Assert.Equal(["dividend.proposed by treasury", "dividend.approved by treasury-2", "dividend.declared by treasury+treasury-2"], acts);
        }

        // At or below the threshold, one participant declares as before.
        var small = await treasury.DeclareDividendAsync(Requests.Dividend(Threshold));
        Assert.False(small.AwaitsApproval);
        Assert.True(small.Final);
        Assert.Equal("", small.ProposalId);
    }

    [Fact]
    public async Task A_proposal_left_unapproved_expires_and_declares_nothing()
    {
        await using var server = await StartAsync(lifetime: "00:00:00.050");
        var treasury = server.As(ApiKeys.Treasury).Funds;
        await treasury.RecordInflowAsync(Requests.Inflow(2 * Big));
        var proposed = await treasury.DeclareDividendAsync(Requests.Dividend(Big));
        Assert.True(proposed.AwaitsApproval);
        Assert.True(proposed.ProposalExpiresAt.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(-5));
        await Task.Delay(TimeSpan.FromMilliseconds(100)); // past its lifetime: waiting longer changes nothing

        var e = await Assert.ThrowsAsync<RpcException>(() => server.As(ApiKeys.SecondTreasury).Funds.ApproveDividendAsync(Approve(proposed.ProposalId)).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("expired unapproved", e.Status.Detail);
        Assert.Equal(0, (await server.Fund()).DividendsDeclared.MinorUnits);
    }

    [Fact]
    public async Task A_proposal_above_what_the_fund_holds_is_refused_at_once()
    {
        await using var server = await StartAsync();
        await Expect.Status(StatusCode.FailedPrecondition, server.As(ApiKeys.Treasury).Funds.DeclareDividendAsync(Requests.Dividend(Big)));
    }
}
