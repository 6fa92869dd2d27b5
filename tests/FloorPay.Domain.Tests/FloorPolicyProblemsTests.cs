using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class FloorPolicyProblemsTests
{
    [Fact]
    public void The_default_policy_document_has_no_problems()
    {
        Assert.Empty(DefaultPolicy.Version1().Problems());
        Assert.Empty(Policy(length: PeriodLength.Weekly, effectiveFrom: "2026-W01").Problems());
    }

    private static FloorPolicy Broken(string defect)
    {
        var valid = DefaultPolicy.Version1();
        return defect switch
        {
            "zero floor" => valid with { FloorAmount = 0 },
            "negative floor" => valid with { FloorAmount = -120_000 },
            "lowercase currency" => valid with { Currency = "eur" },
            "four-letter currency" => valid with { Currency = "EURO" },
            "empty currency" => valid with { Currency = "" },
            "digit in currency" => valid with { Currency = "E1R" },
            "non-ascii currency" => valid with { Currency = "ÉUR" },
            "no contribution categories" => valid with { ContributionCategories = [] },
            "duplicate contribution category" => valid with { ContributionCategories = ["care", "education", "care"] },
            "duplicate exemption category" => valid with { ExemptionCategories = ["illness", "illness"] },
            "contribution category with a space" => valid with { ContributionCategories = ["child care"] },
            "contribution category with a slash" => valid with { ContributionCategories = ["care/eldercare"] },
            "empty exemption category" => valid with { ExemptionCategories = ["illness", ""] },
            "overlong contribution category" => valid with { ContributionCategories = [new string('c', 65)] },
            "version zero" => valid with { Version = 0 },
            "weekly effective-from on a monthly policy" => valid with { EffectiveFrom = "2026-W48" },
            "negative quota" => valid with { ContributionQuotaMinutes = -1 },
            "negative runway alert" => valid with { LowRunwayAlertPeriods = -1 },
            "unknown first-payout rule" => valid with { FirstPayout = (FirstPayoutRule)0 },
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };
    }

    [Theory]
    [InlineData("zero floor", "floor")]
    [InlineData("negative floor", "floor")]
    [InlineData("lowercase currency", "currency")]
    [InlineData("four-letter currency", "currency")]
    [InlineData("empty currency", "currency")]
    [InlineData("digit in currency", "currency")]
    [InlineData("non-ascii currency", "currency")]
    [InlineData("no contribution categories", "category")]
    [InlineData("duplicate contribution category", "unique")]
    [InlineData("duplicate exemption category", "unique")]
    [InlineData("contribution category with a space", "identifier")]
    [InlineData("contribution category with a slash", "identifier")]
    [InlineData("empty exemption category", "identifier")]
    [InlineData("overlong contribution category", "identifier")]
    [InlineData("version zero", "version")]
    [InlineData("weekly effective-from on a monthly policy", "effective-from")]
    [InlineData("negative quota", "quota")]
    [InlineData("negative runway alert", "runway")]
    [InlineData("unknown first-payout rule", "first-payout")]
    public void Each_defect_of_a_policy_document_is_reported_as_exactly_one_problem(string defect, string mentions)
    {
        var problems = Broken(defect).Problems();

        var problem = Assert.Single(problems);
        Assert.Contains(mentions, problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_unknown_period_length_is_a_problem()
    {
        var problems = (DefaultPolicy.Version1() with { PeriodLength = (PeriodLength)99 }).Problems();
        Assert.Contains(problems, p => p.Contains("period length", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_problem_of_a_document_is_listed_not_just_the_first()
    {
        var policy = DefaultPolicy.Version1() with { FloorAmount = 0, Currency = "eur", ContributionCategories = [] };
        Assert.Equal(3, policy.Problems().Count);
    }

    [Fact]
    public void The_floor_of_a_policy_is_its_amount_in_its_currency()
    {
        var policy = Policy(floorAmount: 98_765) with { Currency = "SEK" };
        Assert.Equal(new Money(98_765, "SEK"), policy.Floor);
        Assert.Equal(Monthly("2026-01"), policy.EffectiveFromPeriod);
    }
}
