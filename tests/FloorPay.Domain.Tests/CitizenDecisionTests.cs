using FloorPay.Domain.Citizens;
using static FloorPay.Domain.Tests.TestData;

namespace FloorPay.Domain.Tests;

/// <summary>
/// The citizen's payout rules as one pure function, checked over arbitrary sequences of requests: whatever banks send,
/// in whatever order and with whatever resends, no period is paid twice, dividends never exceed the index accrued, a
/// refusal appends nothing, and a resend answers with the payout first made.
/// </summary>
public sealed class CitizenDecisionTests
{
    private static readonly PolicyBook Book = new([Policy()]);
    private static readonly string[] Banks = ["bank-a", "bank-b"];

    /// <summary>One step: wait some hours, then enroll, ask for a floor (some period near now), claim, declare, or resend.</summary>
    private sealed record Step(int Hours, int Kind, int Bank, int Key, int PeriodOffset, long Total);

    private static readonly Gen<Step[]> Scenarios =
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 5], Gen.Int[0, 1], Gen.Int[0, 5], Gen.Int[-3, 1], Gen.Long[1, 10_000_000_000])
            .Select((h, k, b, key, p, t) => new Step(h, k, b, key, p, t)).Array[1, 60];

    [Fact]
    public void Any_sequence_of_requests_pays_each_period_once_never_more_dividends_than_accrued_and_replays_the_first_answer()
    {
        Scenarios.Sample(steps =>
        {
            var state = new CitizenState("c-1");
            var index = new DividendIndex();
            var now = Utc(2026, 3, 10, 9);
            var appended = new List<(CitizenRequest Request, PayoutPosting Payout)>();
            foreach (var step in steps)
            {
                now = now.AddHours(step.Hours);
                var context = new DecisionContext(Book, PeriodLength.Monthly, now, index);
                var bank = Banks[step.Bank];
                CitizenRequest request;
                switch (step.Kind)
                {
                    case 0:
                        request = new EnrollmentRequest(bank, $"k{step.Key}", bank, "region-1", Banks[(step.Bank + step.Key) % 2], "tok", null);
                        break;
                    case 1:
                        var target = context.Current;
                        for (var i = 0; i < Math.Abs(step.PeriodOffset); i++) target = step.PeriodOffset > 0 ? target.Next : target.Previous;
                        var period = target.ToString();
                        request = new FloorPayoutRequest(bank, $"k{step.Key}", bank, step.PeriodOffset == 0 ? "" : period, null);
                        break;
                    case 2:
                        request = new DividendClaimRequest(bank, $"k{step.Key}", bank);
                        break;
                    case 3:
                        index.Declare(step.Total, 1 + step.Key, now);
                        continue;
                    default:
                        if (appended.Count == 0) continue;
                        var (first, payout) = appended[step.Key % appended.Count];
                        var again = CitizenDecisions.Decide(state, first, context);
                        Assert.True(again.Replayed, $"a resend of {first} was decided anew: {again}");
                        Assert.Equal(payout, again.Payout);
                        Assert.Empty(again.Entries);
                        continue;
                }

                var decision = CitizenDecisions.Decide(state, request, context);
                if (decision.Refusal is not null || decision.Replayed)
                {
                    Assert.Empty(decision.Entries);
                    continue;
                }
                var paid = decision.Payout!;
                Assert.Equal([paid, decision.Entries[1]], decision.Entries);
                var key = Assert.IsType<IdempotencyKeyEntry>(decision.Entries[1]);
                Assert.Equal((request.Scope, request.IdempotencyKey, paid.PayoutId), (key.Scope, key.Key, key.EntryId));
                foreach (var entry in decision.Entries) state.Apply(entry);
                appended.Add((request, paid));
            }

            var floors = state.Payouts.Where(p => p.Kind == PayoutKind.Floor).Select(p => p.Slot).ToList();
            Assert.Equal(floors.Count, floors.Distinct().Count());
            Assert.Equal(state.Payouts.Count, state.Payouts.Select(p => p.PayoutId).Distinct().Count());
            if (state.Enrollment is { } enrollment)
            {
                Assert.True(state.Payouts.Count(p => p.Enrollment) == 1);
                var claimed = state.Payouts.Where(p => p.Kind == PayoutKind.Dividend).Sum(p => p.Amount);
                Assert.InRange(claimed, 0, index.Current - index.At(enrollment.PaidAt));
                Assert.All(state.Payouts, p => Assert.True(Period.Parse(p.Period, PeriodLength.Monthly) >= Period.Parse(enrollment.Period, PeriodLength.Monthly)));
            }
            else Assert.Empty(state.Payouts);
        });
    }

    [Fact]
    public void A_key_reused_for_different_content_is_refused_and_appends_nothing()
    {
        var state = new CitizenState("c-2");
        var context = new DecisionContext(Book, PeriodLength.Monthly, Utc(2026, 5, 2), new DividendIndex());
        var enrolled = CitizenDecisions.Decide(state, new EnrollmentRequest("bank-a", "k", "bank-a", "r", "bank-a", "tok", null), context);
        foreach (var entry in enrolled.Entries) state.Apply(entry);

        var reused = CitizenDecisions.Decide(state, new FloorPayoutRequest("bank-a", "k", "bank-a", "2026-05", null), context);
        Assert.Equal(RejectionKind.AlreadyExists, reused.Refusal!.Kind);
        Assert.Contains("idempotency key 'k'", reused.Refusal.Message);
        Assert.Empty(reused.Entries);
        // The enrollment already paid May: asking again under a new key is refused, naming the payout.
        var twice = CitizenDecisions.Decide(state, new FloorPayoutRequest("bank-a", "k2", "bank-a", "2026-05", null), context);
        Assert.Equal((RejectionKind.AlreadyExists, "the floor for 2026-05 was already paid as c-2:floor:2026-05"), (twice.Refusal!.Kind, twice.Refusal.Message));
        var otherBank = CitizenDecisions.Decide(state, new DividendClaimRequest("bank-b", "k3", "bank-b"), context);
        Assert.Equal(RejectionKind.PermissionDenied, otherBank.Refusal!.Kind);
    }
}
