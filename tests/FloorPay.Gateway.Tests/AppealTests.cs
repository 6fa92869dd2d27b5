namespace FloorPay.Gateway.Tests;

/// <summary>Rule 9: every decision can be appealed to a human reviewer; resolutions are recorded with reasons and an
/// upheld appeal can order a corrective payment, paid exactly once.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class AppealTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private static FileAppealRequest File(string citizenId, string decisionId, string ground = "amount-wrong", string? key = null) => new()
    {
        IdempotencyKey = key ?? Ids.Key("appeal"),
        CitizenId = citizenId,
        DecisionId = decisionId,
        Ground = ground,
        EvidenceReference = "case-118",
    };

    private static ResolveAppealRequest Resolve(string citizenId, string appealId, AppealOutcome outcome, long amount = 0, string? key = null,
        string reason = "the pro-rated amount was computed on the wrong day") => new()
    {
        IdempotencyKey = key ?? Ids.Key("resolve"),
        CitizenId = citizenId,
        AppealId = appealId,
        Outcome = outcome,
        Reason = reason,
        CorrectiveAmount = amount == 0 ? null : Requests.Money(amount),
    };

    [Fact]
    public async Task An_upheld_appeal_pays_its_correction_exactly_once_and_the_statement_shows_the_reasons()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var filed = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId));
        Assert.StartsWith("APPEAL_FILED@policy-v", filed.ReasonCode);
        Assert.Equal(AppealOutcome.Unspecified, filed.Outcome);
        Assert.Equal("bank-a", filed.FiledBy);

        var resolve = Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: 5_000);
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Steps.Retrying(() => _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(resolve).ResponseAsync)));
        Assert.Single(results, r => !r.Replayed);
        var resolved = results.First(r => !r.Replayed);
        Assert.Equal(AppealOutcome.Upheld, resolved.Outcome);
        Assert.Equal(PayoutKind.Correction, resolved.CorrectivePayout.Kind);
        Assert.Equal(5_000, resolved.CorrectivePayout.Amount.MinorUnits);
        Assert.StartsWith("APPEAL_UPHELD@policy-v", resolved.ReasonCode);

        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(
            Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: 9_000)));
        var statement = await _server.Statement(citizenId);
        Assert.Single(statement.Payouts, p => p.Kind == PayoutKind.Correction);
        var shown = Assert.Single(statement.Appeals);
        Assert.Equal(resolve.Reason, shown.ResolutionReason);
        Assert.Equal("reviewer", shown.ResolvedBy);
    }

    [Fact]
    public async Task A_rejected_appeal_records_the_reasons_and_pays_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var filed = await _server.As(ApiKeys.SecondReviewer).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId, ground: "amount-wrong"));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(
            Resolve(citizenId, filed.AppealId, AppealOutcome.Rejected, amount: 100)));

        var rejected = await _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(
            Resolve(citizenId, filed.AppealId, AppealOutcome.Rejected, reason: "no evidence of caregiving was provided"));
        Assert.Equal(AppealOutcome.Rejected, rejected.Outcome);
        Assert.Null(rejected.CorrectivePayout);
        Assert.StartsWith("APPEAL_REJECTED@policy-v", rejected.ReasonCode);
        Assert.Single((await _server.Statement(citizenId)).Payouts);
    }

    [Fact]
    public async Task Appeals_follow_the_role_rules_and_bad_input_changes_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId)));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Platform).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId)));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId, ground: "vip")));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, $"{citizenId}:floor:1999-01")));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(Ids.Citizen(), "anything")));
        // A decision must exist for this citizen: free text, a refusal's reason code or another citizen's payout is not one.
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, "anything")));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Appeals.FileAppealAsync(File(citizenId, "EXEMPTION_REFUSED@policy-v1")));
        var (other, otherEnrolled) = await _server.EnrollNewCitizen();
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, otherEnrolled.FirstPayout.PayoutId)));
        Assert.Empty((await _server.Statement(citizenId)).Appeals);

        var key = Ids.Key("appeal");
        var filed = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId, key: key));
        Assert.True((await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId, key: key))).Replayed);
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId, ground: "other", key: key)));

        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld)));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Unspecified)));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, reason: " ")));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: -5)));
        await Expect.Status(StatusCode.NotFound, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, $"{citizenId}:appeal:99", AppealOutcome.Upheld)));

        var statement = await _server.Statement(citizenId);
        Assert.Equal(AppealOutcome.Unspecified, Assert.Single(statement.Appeals).Outcome);
        Assert.Single(statement.Payouts);
        Assert.Empty((await _server.Statement(other)).Appeals);
    }

    [Fact]
    public async Task A_reviewer_never_resolves_an_appeal_they_filed()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var filed = await _server.As(ApiKeys.Reviewer).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId));

        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(
            Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: 1_000)));
        var untouched = await _server.Statement(citizenId);
        Assert.Single(untouched.Payouts);
        Assert.Equal(AppealOutcome.Unspecified, Assert.Single(untouched.Appeals).Outcome);

        // Another reviewer may.
        var resolved = await _server.As(ApiKeys.SecondReviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: 1_000));
        Assert.Equal(1_000, resolved.CorrectivePayout.Amount.MinorUnits);
        Assert.Equal("reviewer-2", resolved.ResolvedBy);
    }

    [Fact]
    public async Task A_correction_above_one_floor_amount_pays_nothing_until_a_second_different_reviewer_approves_it()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var limit = (await _server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest())).FloorAmount.MinorUnits;
        var filed = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId));
        Assert.Equal(limit, filed.CorrectionLimit.MinorUnits);

        // What one reviewer ordered, 10^15 minor units, is recorded; nothing is paid and no instruction reaches a bank.
        var resolved = await _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(
            Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: 1_000_000_000_000_000));
        Assert.True(resolved.CorrectionAwaitsApproval);
        Assert.Null(resolved.CorrectivePayout);
        var waiting = await _server.Statement(citizenId);
        Assert.Single(waiting.Payouts);
        Assert.Single(waiting.Instructions);

        // Neither the resolver nor anyone but a reviewer may release it.
        var approve = new ApproveCorrectionRequest { IdempotencyKey = Ids.Key("approve"), CitizenId = citizenId, AppealId = filed.AppealId };
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Reviewer).Appeals.ApproveCorrectionAsync(approve));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Appeals.ApproveCorrectionAsync(approve));
        Assert.Single((await _server.Statement(citizenId)).Payouts);

        var approvals = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Steps.Retrying(() => _server.As(ApiKeys.SecondReviewer).Appeals.ApproveCorrectionAsync(approve).ResponseAsync)));
        Assert.Single(approvals, a => !a.Replayed);
        var approved = approvals.First(a => !a.Replayed);
        Assert.False(approved.CorrectionAwaitsApproval);
        Assert.Equal("reviewer-2", approved.CorrectionApprovedBy);
        Assert.Equal(1_000_000_000_000_000, approved.CorrectivePayout.Amount.MinorUnits);
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.SecondReviewer).Appeals.ApproveCorrectionAsync(
            new ApproveCorrectionRequest { IdempotencyKey = Ids.Key("approve"), CitizenId = citizenId, AppealId = filed.AppealId }));
        Assert.Single((await _server.Statement(citizenId)).Payouts, p => p.Kind == PayoutKind.Correction);
    }

    [Fact]
    public async Task A_correction_within_the_limit_is_paid_on_resolution_and_needs_no_approval()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var limit = (await _server.As(ApiKeys.Auditor).Policies.GetPolicyAsync(new GetPolicyRequest())).FloorAmount.MinorUnits;
        var filed = await _server.As(ApiKeys.BankA).Appeals.FileAppealAsync(File(citizenId, enrolled.FirstPayout.PayoutId));
        var resolved = await _server.As(ApiKeys.Reviewer).Appeals.ResolveAppealAsync(Resolve(citizenId, filed.AppealId, AppealOutcome.Upheld, amount: limit));
        Assert.Equal(limit, resolved.CorrectivePayout.Amount.MinorUnits);
        Assert.False(resolved.CorrectionAwaitsApproval);
        await Expect.Status(StatusCode.FailedPrecondition, _server.As(ApiKeys.SecondReviewer).Appeals.ApproveCorrectionAsync(
            new ApproveCorrectionRequest { IdempotencyKey = Ids.Key("approve"), CitizenId = citizenId, AppealId = filed.AppealId }));
    }
}
