using System.Numerics;
using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

public class DividendIndexTests
{
    private static readonly DateTimeOffset T0 = Utc(2026, 1, 1);

    private static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Each_declaration_splits_its_total_exactly_into_equal_shares_and_a_remainder_smaller_than_one_share_each()
    {
        Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 10_000_000]).Array[1, 30].Sample(declarations =>
        {
            var index = new DividendIndex();
            for (var i = 0; i < declarations.Length; i++)
            {
                var (total, eligible) = declarations[i];
                var d = index.Declare(total, eligible, At(i));

                Assert.Equal(total, d.Total);
                Assert.Equal(eligible, d.EligibleCount);
                Assert.Equal((BigInteger)total, (BigInteger)d.PerCapita * d.EligibleCount + d.Remainder);
                Assert.InRange(d.Remainder, 0, d.EligibleCount - 1);
                Assert.True(d.PerCapita >= 0);
            }
        });
    }

    [Fact]
    public void The_cumulative_index_is_the_running_sum_of_per_capita_shares()
    {
        Gen.Select(Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 10_000_000]).Array[1, 30].Sample(declarations =>
        {
            var index = new DividendIndex();
            Assert.Equal(0, index.Current);
            long running = 0;
            for (var i = 0; i < declarations.Length; i++)
            {
                var (total, eligible) = declarations[i];
                var d = index.Declare(total, eligible, At(i));
                running += total / eligible;

                Assert.Equal(i + 1, d.Sequence);
                Assert.Equal(running, d.CumulativeIndex);
                Assert.Equal(running, index.Current);
                Assert.Equal(i + 1, index.Declarations.Count);
            }
        });
    }

    private sealed record CitizenPlan(int EnrollSlot, int EnrollLag, (int Slot, int Lag)[] Claims);

    private sealed record Scenario(CitizenPlan[] Citizens, (int Slot, long Total)[] Declarations);

    // Time is counted in seconds from T0. Citizens enroll and claim on odd seconds, declarations happen on even seconds,
    // so "enrolled strictly before the declaration" is never a tie (the tie is pinned down by its own test below).
    // A lag is how many of the declarations already made a stale snapshot is missing.
    private static readonly Gen<Scenario> Scenarios =
        from citizens in Gen.Select(Gen.Int[0, 300], Gen.Int[0, 20], Gen.Select(Gen.Int[0, 300], Gen.Int[0, 20]).Array[0, 6],
            (slot, lag, claims) => new CitizenPlan(slot, lag, claims)).Array[1, 200]
        from declarations in Gen.Select(Gen.Int[0, 300], Gen.OneOf(Gen.Long[1, 1_000_000_000_000], Gen.Long[1, 500])).Array[1, 20]
        select new Scenario(citizens, declarations.OrderBy(d => d.Item1).ToArray());

    private static DividendIndex Snapshot(DividendIndex full, int atSecond, int lag)
    {
        var made = full.Declarations.Count(d => d.DeclaredAt < At(atSecond));
        return new DividendIndex(full.Declarations.Take(Math.Max(0, made - lag)));
    }

    [Fact]
    public void Stale_snapshots_only_delay_dividends_never_lose_or_add_and_nobody_is_paid_more_than_was_declared()
    {
        Scenarios.Sample(scenario =>
        {
            var enrolledAt = scenario.Citizens.Select(c => 2 * c.EnrollSlot + 1).ToArray();

            // The fund declares each dividend for the citizens enrolled strictly before it.
            var index = new DividendIndex();
            foreach (var (slot, total) in scenario.Declarations)
            {
                var eligible = enrolledAt.Count(e => e < 2 * slot);
                if (eligible == 0) continue;
                index.Declare(total, eligible, At(2 * slot));
            }

            long everything = 0;
            for (var i = 0; i < scenario.Citizens.Length; i++)
            {
                var plan = scenario.Citizens[i];
                var enrolled = At(enrolledAt[i]);

                // On enrollment the citizen settles at the index of a possibly stale snapshot.
                var settled = Snapshot(index, enrolledAt[i], plan.EnrollLag).Current;
                long claimed = 0;
                foreach (var (slot, lag) in plan.Claims.Select(c => (Second: 2 * Math.Max(c.Slot, plan.EnrollSlot) + 1, c.Lag)).OrderBy(c => c.Second))
                {
                    var snapshot = Snapshot(index, slot, lag);
                    var accrued = snapshot.AccruedSince(enrolled, settled);
                    Assert.True(accrued >= 0);
                    // A claim pays what accrued and settles at the snapshot's index; nothing accrued, nothing changes.
                    if (accrued == 0) continue;
                    claimed += accrued;
                    settled = snapshot.Current;
                }
                var stillAccruing = index.AccruedSince(enrolled, settled);
                Assert.True(stillAccruing >= 0);

                var entitled = index.Declarations.Where(d => d.DeclaredAt > enrolled).Sum(d => d.PerCapita);
                Assert.Equal(entitled, claimed + stillAccruing);
                everything += claimed + stillAccruing;
            }

            var declared = index.Declarations.Sum(d => d.Total);
            Assert.True(everything <= declared, $"citizens got {everything} of {declared} declared");
            Assert.Equal(declared, everything + index.Declarations.Sum(d => d.Remainder));
        });
    }

    [Fact]
    public void A_citizen_enrolled_before_a_declaration_accrues_its_per_capita_share()
    {
        var index = new DividendIndex();
        var d = index.Declare(1_000_001, 4, At(10));

        Assert.Equal(250_000, d.PerCapita);
        Assert.Equal(1, d.Remainder);
        Assert.Equal(250_000, index.AccruedSince(At(5), settledIndex: 0));
    }

    [Fact]
    public void A_citizen_enrolled_after_a_declaration_accrues_nothing_from_it_even_if_its_enrollment_saw_a_stale_empty_index()
    {
        var index = new DividendIndex();
        index.Declare(1_000_000, 10, At(10));
        var staleAtEnrollment = new DividendIndex();

        var settled = staleAtEnrollment.Current;
        Assert.Equal(0, settled);
        Assert.Equal(0, index.AccruedSince(At(20), settled));

        var later = index.Declare(900_000, 11, At(30));
        Assert.Equal(later.PerCapita, index.AccruedSince(At(20), settled));
    }

    [Fact]
    public void A_claim_against_a_stale_snapshot_is_delayed_not_lost()
    {
        var index = new DividendIndex();
        index.Declare(1_000, 10, At(10));
        index.Declare(2_000, 10, At(20));
        var stale = new DividendIndex(index.Declarations.Take(1));

        var early = stale.AccruedSince(At(5), settledIndex: 0);
        Assert.Equal(100, early);
        var settled = stale.Current;

        Assert.Equal(200, index.AccruedSince(At(5), settled));
    }

    [Fact]
    public void A_snapshot_older_than_the_settled_index_accrues_nothing_never_a_negative_amount()
    {
        var index = new DividendIndex();
        index.Declare(1_000, 10, At(10));
        index.Declare(2_000, 10, At(20));
        var older = new DividendIndex(index.Declarations.Take(1));

        Assert.Equal(0, older.AccruedSince(At(5), settledIndex: index.Current));
        Assert.Equal(0, new DividendIndex().AccruedSince(At(5), settledIndex: index.Current));
    }

    [Fact]
    public void A_citizen_enrolled_at_or_after_a_cutoff_starts_from_the_index_including_that_declaration()
    {
        var index = new DividendIndex();
        var first = index.Declare(1_000, 10, At(10));
        var second = index.Declare(3_000, 10, At(20));

        Assert.Equal(0, index.At(At(10).AddTicks(-1)));
        Assert.Equal(first.CumulativeIndex, index.At(At(10)));
        Assert.Equal(first.CumulativeIndex, index.At(At(20).AddTicks(-1)));
        Assert.Equal(second.CumulativeIndex, index.At(At(20)));
    }

    [Fact]
    public void A_citizen_enrolled_at_the_very_instant_of_the_cutoff_is_not_eligible()
    {
        // Eligibility is "enrolled strictly before the cutoff", so the fund's count never has to include a tie.
        var index = new DividendIndex();
        index.Declare(1_000, 10, At(10));
        Assert.Equal(0, index.AccruedSince(At(10), settledIndex: 0));
        Assert.Equal(100, index.AccruedSince(At(10).AddTicks(-1), settledIndex: 0));
    }

    [Fact]
    public void A_grace_cutoff_before_the_declaration_excludes_the_citizens_enrolled_within_it()
    {
        var index = new DividendIndex();
        var d = index.Declare(1_000, 10, declaredAt: At(10), eligibleBefore: At(8));
        Assert.Equal(At(8), d.EligibleBefore);
        Assert.Equal(0, index.AccruedSince(At(9), settledIndex: 0));
        Assert.Equal(100, index.AccruedSince(At(7), settledIndex: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Declare(1_000, 10, declaredAt: At(20), eligibleBefore: At(21)));
        Assert.Throws<InvalidOperationException>(() => index.Declare(1_000, 10, declaredAt: At(20), eligibleBefore: At(7)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void Declare_refuses_a_total_that_is_not_positive(long total)
    {
        var index = new DividendIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Declare(total, 10, At(10)));
        Assert.Empty(index.Declarations);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Declare_refuses_when_nobody_is_eligible(long eligibleCount)
    {
        var index = new DividendIndex();
        Assert.Throws<InvalidOperationException>(() => index.Declare(1_000, eligibleCount, At(10)));
        Assert.Empty(index.Declarations);
        Assert.Equal(0, index.Current);
    }

    [Fact]
    public void Declare_refuses_a_declaration_earlier_than_the_last_one()
    {
        var index = new DividendIndex();
        var first = index.Declare(1_000, 10, At(10));

        Assert.Throws<InvalidOperationException>(() => index.Declare(1_000, 10, At(9)));
        Assert.Equal(new[] { first }, index.Declarations);
        Assert.Equal(first.CumulativeIndex, index.Current);
    }

    [Fact]
    public void The_cumulative_index_never_wraps_around()
    {
        var index = new DividendIndex();
        index.Declare(long.MaxValue, 1, At(10));

        Assert.Throws<OverflowException>(() => index.Declare(1, 1, At(20)));
        Assert.Equal(long.MaxValue, index.Current);
        Assert.Single(index.Declarations);
    }

    [Fact]
    public void An_index_rebuilt_from_stored_declarations_in_any_order_continues_where_it_left_off()
    {
        var original = new DividendIndex();
        original.Declare(1_000, 10, At(10));
        original.Declare(5_000, 7, At(20));

        var rebuilt = new DividendIndex(original.Declarations.Reverse());
        Assert.Equal(original.Declarations, rebuilt.Declarations);
        Assert.Equal(original.Current, rebuilt.Current);

        var next = rebuilt.Declare(300, 3, At(30));
        Assert.Equal(3, next.Sequence);
        Assert.Equal(original.Current + 100, next.CumulativeIndex);
    }
}
