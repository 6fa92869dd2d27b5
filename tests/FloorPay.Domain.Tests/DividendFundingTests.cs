using FloorPay.Domain;

namespace FloorPay.Domain.Tests;

public sealed class DividendFundingTests
{
    [Fact]
    public void Nothing_is_available_before_any_AI_dividend_inflow()
    {
        Assert.Equal(0, DividendFunding.Available(0, [], 0));
        Assert.False(DividendFunding.CanDeclare(1, 0));
    }

    [Fact]
    public void What_earlier_dividends_distributed_is_no_longer_available_but_their_remainders_are()
    {
        // 1,000,000 received; a 600,000 dividend left 1 undistributed; a 0-eligible 50,000 dividend left it all.
        var available = DividendFunding.Available(1_000_000, [(600_000, 1), (50_000, 50_000)], 0);
        Assert.Equal(400_001, available);
        Assert.True(DividendFunding.CanDeclare(400_001, available));
        Assert.False(DividendFunding.CanDeclare(400_002, available));
    }

    [Fact]
    public void A_declaration_being_finalized_counts_as_distributed()
    {
        Assert.Equal(100, DividendFunding.Available(1_000, [], 900));
        Assert.Equal(0, DividendFunding.Available(1_000, [(800, 0)], 900)); // never negative
    }

    [Fact]
    public void Available_never_overflows_on_extreme_totals()
    {
        var available = DividendFunding.Available(long.MaxValue, [(long.MaxValue, 0), (long.MaxValue, 0)], 0);
        Assert.Equal(0, available);
    }
}
