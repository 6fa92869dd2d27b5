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

    private static readonly string[] Reviewers = ["bank-a", "reviewer-1", "reviewer-2", "reviewer-3"];

    /// <summary>One step on an enrolled citizen: a civic or account request with arbitrary content, or a resend.</summary>
    private sealed record CivicStep(int Hours, int Kind, int Actor, int Key, int Pick, long Amount, bool Valid);

    private static readonly Gen<CivicStep[]> CivicScenarios =
        Gen.Select(Gen.Int[0, 200], Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[0, 7], Gen.Int[0, 20], Gen.Long[0, 400_000], Gen.Bool)
            .Select((h, k, a, key, p, m, v) => new CivicStep(h, k, a, key, p, m, v)).Array[1, 80];

    [Fact]
    public void Any_sequence_of_civic_and_account_requests_keeps_every_bound_and_separation_of_duties()
    {
        var limits = new CitizenRecordLimits { ContributionsPerPeriod = 3, ExemptionsPerPeriod = 2, AppealsPerPeriod = 3, AccountChangesPerPeriod = 2, ReleasesPerPeriod = 2 };
        CivicScenarios.Sample(steps =>
        {
            var state = new CitizenState("c-3");
            var now = Utc(2026, 4, 3, 9);
            DecisionContext Context() => new(Book, PeriodLength.Monthly, now, new DividendIndex(), limits, new PayoutAccountOptions { CoolingOff = TimeSpan.FromDays(1) });
            foreach (var entry in CitizenDecisions.Decide(state, new EnrollmentRequest("bank-a", "enroll", "bank-a", "r", "bank-a", "tok-0", null), Context()).Entries)
                state.Apply(entry);
            var appended = new List<(CitizenRequest Request, JournalEntry Subject)>();
            foreach (var step in steps)
            {
                now = now.AddHours(step.Hours);
                var actor = Reviewers[step.Actor];
                var bank = step.Actor % 2 == 0 ? "bank-a" : "bank-b";
                var key = $"k{step.Key}";
                string Pick(IReadOnlyList<string> ids) => ids.Count == 0 || !step.Valid ? $"nothing-{step.Pick}" : ids[step.Pick % ids.Count];
                CitizenRequest request;
                switch (step.Kind)
                {
                    case 0:
                        request = new ContributionRequest("platform-1", key, step.Valid ? DefaultPolicy.ContributionCategories[0] : "golf",
                            (int)(step.Amount % 2_000), null, "platform-1");
                        break;
                    case 1:
                        request = new ExemptionRequest(actor, key, DefaultPolicy.ExemptionCategories[step.Pick % DefaultPolicy.ExemptionCategories.Count],
                            "evidence", step.Valid ? now.AddDays(30) : now.AddDays(-1), actor);
                        break;
                    case 2:
                        var decisions = state.Payouts.Select(p => p.PayoutId).Concat(state.Contributions.Select(c => c.ContributionId)).ToList();
                        request = new AppealRequest(actor, key, null, Pick(decisions), AppealGrounds.All[0], null, actor);
                        break;
                    case 3:
                        request = new ResolutionRequest(actor, key, Pick(state.Appeals.Select(a => a.AppealId).ToList()),
                            step.Pick % 3 == 0 ? AppealOutcome.Rejected : AppealOutcome.Upheld, "reviewed", step.Pick % 3 == 0 ? 0 : step.Amount, actor);
                        break;
                    case 4:
                        request = new ApprovalRequest(actor, key, Pick(state.Appeals.Select(a => a.AppealId).ToList()), actor);
                        break;
                    case 5:
                        request = new AccountChangeRequest(bank, key, bank, bank, $"tok-{step.Pick % 3}");
                        break;
                    case 6:
                        request = new ReleaseRequest(bank, key, bank, bank == "bank-a" ? "bank-b" : "bank-a");
                        break;
                    default:
                        if (appended.Count == 0) continue;
                        var (first, subject) = appended[step.Pick % appended.Count];
                        var again = CitizenDecisions.Decide(state, first, Context());
                        Assert.True(again.Replayed, $"a resend of {first} was decided anew: {again}");
                        Assert.Equal(subject, again.Subject);
                        Assert.Empty(again.Entries);
                        continue;
                }
                var decision = CitizenDecisions.Decide(state, request, Context());
                if (decision.Refusal is not null || decision.Replayed)
                {
                    Assert.Empty(decision.Entries);
                    continue;
                }
                var recordedKey = Assert.Single(decision.Entries.OfType<IdempotencyKeyEntry>());
                Assert.Equal((request.Scope, request.IdempotencyKey), (recordedKey.Scope, recordedKey.Key));
                foreach (var entry in decision.Entries) state.Apply(entry);
                appended.Add((request, decision.Subject!));
            }

            var all = state.Payouts.Concat<JournalEntry>(state.Contributions).Concat(state.Exemptions).Concat(state.Appeals).Concat(state.Resolutions)
                .Concat(state.Approvals).Concat(state.AccountChanges).Concat(state.Releases).Concat(state.Keys).Select(e => e.JournalId).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.All(state.Contributions.GroupBy(c => c.Period), g => Assert.True(g.Count() <= limits.ContributionsPerPeriod));
            Assert.All(state.Appeals.GroupBy(a => Period.Containing(a.FiledAt, PeriodLength.Monthly)), g => Assert.True(g.Count() <= limits.AppealsPerPeriod));
            Assert.All(state.AccountChanges.GroupBy(c => Period.Containing(c.RequestedAt, PeriodLength.Monthly)),
                g => Assert.True(g.Count() <= limits.AccountChangesPerPeriod));
            foreach (var appeal in state.Appeals)
            {
                var resolutions = state.Resolutions.Where(r => r.AppealId == appeal.AppealId).ToList();
                Assert.True(resolutions.Count <= 1);
                Assert.All(resolutions, r => Assert.NotEqual(appeal.FiledBy, r.ReviewerId));
                if (state.CorrectionFor(appeal) is not { } correction) continue;
                var resolution = Assert.Single(resolutions);
                Assert.Equal(resolution.CorrectiveAmount, correction.Amount);
                // Above the limit a correction is paid only with a second reviewer's approval (rule 9).
                if (CorrectionLimit.NeedsSecondApproval(correction.Amount, resolution.CorrectionLimit ?? 0))
                {
                    var approval = Assert.Single(state.Approvals, a => a.AppealId == appeal.AppealId);
                    Assert.DoesNotContain(approval.ReviewerId, new[] { resolution.ReviewerId, appeal.FiledBy });
                }
            }
            // A bank moves payouts only to its own account, and only for its own holder or one released to it (rule 11).
            Assert.All(state.AccountChanges, c =>
            {
                Assert.Equal(c.RequestedBy, c.BankId);
                Assert.True(c.PreviousBankId == c.RequestedBy || state.Releases.Any(r => r.FromBankId == c.PreviousBankId && r.ToBankId == c.RequestedBy &&
                    r.ReleasedAt <= c.RequestedAt && r.ExpiresAt > c.RequestedAt), $"{c.RequestedBy} moved {c.PreviousBankId}'s holder without a release");
            });
        });
    }
}
