namespace FloorPay.Gateway.Tests;

/// <summary>
/// Returns and payout account changes, the classic fraud path: a returned payment flags the account; a changed account
/// receives money only after the cooling-off; the old bank gets a notice; the returned payment is re-issued exactly
/// once; many citizens on one account raise a fraud flag.
/// </summary>
[Collection(RailServerCollection.Name)]
public sealed class AccountChangeTests(RailServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private static ReleaseAccountHolderRequest Release(string citizenId, string toBankId, string? key = null) => new()
    {
        CitizenId = citizenId, ToBankId = toBankId, IdempotencyKey = key ?? Ids.Key("release"),
    };

    private static ChangePayoutAccountRequest Change(string citizenId, string bankId, string token, string? key = null) => new()
    {
        CitizenId = citizenId, IdempotencyKey = key ?? Ids.Key("acct"), Account = new PayoutAccount { BankId = bankId, AccountToken = token },
    };

    [Fact]
    public async Task A_resent_return_answers_as_the_original_did_even_after_the_account_was_updated()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var bank = _server.As(ApiKeys.BankA);
        var request = new ReturnPaymentRequest { InstructionId = enrolled.FirstPayout.PayoutId, Reason = "ACCOUNT_CLOSED" };
        var original = await bank.Instructions.ReturnPaymentAsync(request);
        Assert.True(original.AccountNeedsUpdate);

        await bank.Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", Ids.Token()));
        Assert.False((await _server.Statement(citizenId)).AccountNeedsUpdate); // the citizen's state moved on

        var resent = await bank.Instructions.ReturnPaymentAsync(request);
        Assert.True(resent.Replayed);
        Assert.Equal(original.AccountNeedsUpdate, resent.AccountNeedsUpdate);
        Assert.Equal(original.RecordedAt, resent.RecordedAt);
        Assert.Equal(original.Reason, resent.Reason);
    }

    [Fact]
    public async Task A_returned_payment_is_reissued_exactly_once_after_the_account_update_and_its_cooling_off()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var returnedId = enrolled.FirstPayout.PayoutId;
        var bank = _server.As(ApiKeys.BankA);

        var returned = await bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = returnedId, Reason = "ACCOUNT_CLOSED" });
        Assert.True(returned.AccountNeedsUpdate);
        Assert.False(returned.Replayed);
        Assert.True((await _server.Statement(citizenId)).AccountNeedsUpdate);
        var resent = await bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = returnedId, Reason = "ACCOUNT_CLOSED" });
        Assert.True(resent.Replayed);
        await Expect.Status(StatusCode.AlreadyExists, bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = returnedId, Reason = "ACCOUNT_BLOCKED" }));
        await Expect.Status(StatusCode.FailedPrecondition, bank.Instructions.ConfirmSettlementAsync(new ConfirmSettlementRequest { InstructionIds = { returnedId } }));

        var newToken = Ids.Token();
        var change = await bank.Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", newToken));
        Assert.Equal(RailServerFixture.CoolingOff, change.EffectiveAt.ToDateTimeOffset() - change.RequestedAt.ToDateTimeOffset());
        var statement = await _server.Statement(citizenId);
        Assert.Equal(newToken, statement.PendingAccount.AccountToken);
        Assert.False(statement.AccountNeedsUpdate);
        Assert.Equal(enrolled.FirstPayout.PayoutId, statement.Payouts[0].PayoutId);

        // During the cooling-off nothing is re-issued, however many sweeps run.
        await Task.Delay(1_000);
        Assert.DoesNotContain((await _server.Statement(citizenId)).Instructions, i => i.ReissueOf == returnedId);

        fixture.Time.Advance(RailServerFixture.CoolingOff + TimeSpan.FromMinutes(1));
        var reissued = await Eventually.Satisfies(() => _server.Statement(citizenId), s => s.Instructions.Any(i => i.ReissueOf == returnedId),
            "the re-issue after the cooling-off");
        await Task.Delay(1_000); // several more sweeps
        var final = await _server.Statement(citizenId);
        var reissue = Assert.Single(final.Instructions, i => i.ReissueOf == returnedId);
        Assert.Equal(enrolled.FirstPayout.Amount, reissue.Amount);
        Assert.Equal(returnedId, reissue.PayoutId);
        Assert.Equal(newToken, final.PayoutAccount.AccountToken);
        Assert.Single(final.Payouts); // the money was paid once; only the instruction is new

        // The bank receives the re-issue on its stream, to the new account.
        var list = await bank.Instructions.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = 0, PageSize = 1000 });
        var all = list.Instructions.ToList();
        for (var after = list.NextAfterSequence; ; )
        {
            var page = await bank.Instructions.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = after, PageSize = 1000 });
            if (page.Instructions.Count == 0) break;
            all.AddRange(page.Instructions);
            after = page.NextAfterSequence;
        }
        var delivered = Assert.Single(all, i => i.InstructionId == reissue.InstructionId);
        Assert.Equal(newToken, delivered.AccountToken);
        Assert.Equal(enrolled.FirstPayout.Amount, delivered.Amount);
    }

    [Fact]
    public async Task Citizens_back_on_the_account_a_payment_was_returned_from_never_hold_up_another_citizens_reissue()
    {
        // More citizens than the sweep reads at a time (500): each moved A -> B -> A and then had a payment returned on A.
        // The account in effect is the returned one, so none is due; before, each matched the sweep's query forever and
        // together they filled every pass.
        var bank = _server.As(ApiKeys.BankA);
        var stuck = new System.Collections.Concurrent.ConcurrentBag<(string CitizenId, string Returned)>();
        using var parallel = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, 501).Select(async _ =>
        {
            await parallel.WaitAsync();
            try
            {
                var citizenId = Ids.Citizen();
                var token = Ids.Token();
                var enroll = Requests.Enroll(citizenId, token: token);
                var enrolled = await Steps.Retrying(() => bank.Citizens.EnrollAsync(enroll).ResponseAsync);
                var away = Change(citizenId, "bank-a", Ids.Token());
                await Steps.Retrying(() => bank.Citizens.ChangePayoutAccountAsync(away).ResponseAsync);
                var back = Change(citizenId, "bank-a", token);
                await Steps.Retrying(() => bank.Citizens.ChangePayoutAccountAsync(back).ResponseAsync);
                var ret = new ReturnPaymentRequest { InstructionId = enrolled.FirstPayout.PayoutId, Reason = "ACCOUNT_CLOSED" };
                await Steps.Retrying(() => bank.Instructions.ReturnPaymentAsync(ret).ResponseAsync);
                stuck.Add((citizenId, enrolled.FirstPayout.PayoutId));
            }
            finally { parallel.Release(); }
        }));
        // Named to come after every other citizen, wherever the sweep's reading order puts citizens.
        var genuineId = $"z-{Guid.NewGuid():N}";
        var genuine = await bank.Citizens.EnrollAsync(Requests.Enroll(genuineId));
        await bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = genuine.FirstPayout.PayoutId, Reason = "ACCOUNT_CLOSED" });
        await bank.Citizens.ChangePayoutAccountAsync(Change(genuineId, "bank-a", Ids.Token()));

        fixture.Time.Advance(RailServerFixture.CoolingOff + TimeSpan.FromMinutes(1));
        await Eventually.Satisfies(() => _server.Statement(genuineId), s => s.Instructions.Any(i => i.ReissueOf == genuine.FirstPayout.PayoutId),
            "the genuine re-issue, past 501 citizens that are not due");
        foreach (var (citizenId, returned) in stuck.Take(20))
        {
            var statement = await _server.Statement(citizenId);
            Assert.DoesNotContain(statement.Instructions, i => i.ReissueOf == returned); // never re-sent to the dead end
            Assert.True(statement.AccountNeedsUpdate);
        }
    }

    [Fact]
    public async Task Moving_to_another_bank_notifies_the_old_bank_and_pays_the_new_one_only_after_the_cooling_off()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var oldToken = (await _server.Statement(citizenId)).PayoutAccount.AccountToken;
        var newToken = Ids.Token();

        // A bank can move payouts only to an account it holds, and another bank cannot take over bank A's account holder.
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", newToken)));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", newToken)));
        // Only the holding bank releases its account holder; then the named bank claims it.
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-b")));
        var releaseKey = Ids.Key("release");
        var release = await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-b", releaseKey));
        Assert.Equal(("bank-a", "bank-b"), (release.FromBankId, release.ToBankId));
        Assert.True((await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-b", releaseKey))).Replayed);
        var key = Ids.Key("acct");
        var change = await _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", newToken, key));
        Assert.Equal(("bank-a", oldToken), (change.PreviousAccount.BankId, change.PreviousAccount.AccountToken));
        var replay = await _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", newToken, key));
        Assert.True(replay.Replayed);
        Assert.Equal(change.ChangeId, replay.ChangeId);
        await Expect.Status(StatusCode.AlreadyExists, _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token(), key)));

        // The old bank gets a notice at once, with no money in it.
        var statement = await _server.Statement(citizenId);
        var notice = Assert.Single(statement.Instructions, i => i.InstructionId == change.NoticeInstructionId);
        Assert.Equal((InstructionKind.Notice, "bank-a", 0L), (notice.Kind, notice.BankId, notice.Amount.MinorUnits));
        await Expect.Status(StatusCode.FailedPrecondition,
            _server.As(ApiKeys.BankA).Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = notice.InstructionId, Reason = "ACCOUNT_CLOSED" }));

        // Until the cooling-off ends the account on file is still the old one, held by the old bank.
        Assert.Equal(("bank-a", oldToken), (statement.PayoutAccount.BankId, statement.PayoutAccount.AccountToken));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId }));

        // After it, payouts go to the new bank: the next period's floor is an instruction for bank-b's new account.
        fixture.Time.Advance(TimeSpan.FromDays(32));
        var floor = await _server.As(ApiKeys.BankB).Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId));
        var after = await _server.As(ApiKeys.BankB).Citizens.GetStatementAsync(new GetStatementRequest { CitizenId = citizenId });
        Assert.Equal(("bank-b", newToken), (after.PayoutAccount.BankId, after.PayoutAccount.AccountToken));
        var instruction = Assert.Single(after.Instructions, i => i.PayoutId == floor.PayoutId);
        Assert.Equal("bank-b", instruction.BankId);
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Payouts.RequestFloorPayoutAsync(Requests.Floor(citizenId)));
        Assert.NotEqual(enrolled.FirstPayout.Period, floor.Period);
    }

    [Fact]
    public async Task A_bank_cannot_take_over_another_banks_account_holder_and_a_release_is_used_once_and_expires()
    {
        var (citizenId, _) = await _server.EnrollNewCitizen();
        var before = await _server.Statement(citizenId);

        // Bank B, never released the citizen: refused, and nothing is recorded or sent.
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token())));
        // A release names another bank, and a claim only takes the bank it names.
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-a")));
        await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-z"));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token())));
        var unchanged = await _server.Statement(citizenId);
        Assert.Equal(before.Instructions.Count, unchanged.Instructions.Count);
        Assert.Null(unchanged.PendingAccount);

        // A release to bank B that is not claimed within the window lapses.
        await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-b"));
        fixture.Time.Advance(TimeSpan.FromDays(8));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token())));

        // A fresh release is claimed once: after the claim bank B holds the citizen, and bank A can neither change nor release it.
        await _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-b"));
        var claimed = await _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token()));
        Assert.Equal("bank-a", claimed.PreviousAccount.BankId);
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", Ids.Token())));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Citizens.ReleaseAccountHolderAsync(Release(citizenId, "bank-a")));
        var second = await _server.As(ApiKeys.BankB).Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-b", Ids.Token()));
        Assert.Equal("bank-b", second.PreviousAccount.BankId);
    }

    [Fact]
    public async Task Many_citizens_pointing_at_one_account_raise_a_fraud_flag_for_review()
    {
        var shared = Ids.Token();
        var raised = new List<bool>();
        string? lastCitizen = null, lastKey = null;
        for (var i = 0; i < RailServerFixture.FraudThreshold; i++)
        {
            (lastCitizen, _) = await _server.EnrollNewCitizen();
            lastKey = Ids.Key("acct");
            raised.Add((await _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change(lastCitizen, "bank-a", shared, lastKey))).FraudFlagRaised);
        }
        Assert.Equal(Enumerable.Range(0, RailServerFixture.FraudThreshold).Select(i => i == RailServerFixture.FraudThreshold - 1), raised);
        // A resend of the change that raised the flag answers as the original did.
        var resent = await _server.As(ApiKeys.BankA).Citizens.ChangePayoutAccountAsync(Change(lastCitizen!, "bank-a", shared, lastKey));
        Assert.True(resent.Replayed);
        Assert.True(resent.FraudFlagRaised);

        var flags = await _server.As(ApiKeys.Reviewer).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest());
        var flag = Assert.Single(flags.Flags, f => f.AccountToken == shared);
        Assert.Equal(("bank-a", RailServerFixture.FraudThreshold), (flag.BankId, flag.CitizenCount));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest()));
        await Expect.Status(StatusCode.InvalidArgument, _server.As(ApiKeys.Auditor).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest { PageSize = -3 }));
    }

    [Fact]
    public async Task Citizens_enrolled_on_one_account_raise_the_fraud_flag_in_the_enrollment_that_makes_them_too_many()
    {
        var shared = Ids.Token();
        var enrolled = new List<EnrollResponse>();
        for (var i = 0; i < RailServerFixture.FraudThreshold; i++)
            enrolled.Add(await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen(), token: shared)));

        var flags = await _server.As(ApiKeys.Reviewer).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest());
        var flag = Assert.Single(flags.Flags, f => f.AccountToken == shared);
        Assert.Equal(("bank-a", RailServerFixture.FraudThreshold, enrolled[^1].FirstPayout.PayoutId),
            (flag.BankId, flag.CitizenCount, flag.RaisedByChange));
    }

    [Fact]
    public async Task A_citizen_returning_to_an_account_it_held_before_is_counted_once_towards_the_fraud_flag()
    {
        var shared = Ids.Token();
        var bank = _server.As(ApiKeys.BankA);
        var first = Ids.Citizen();
        await bank.Citizens.EnrollAsync(Requests.Enroll(first, token: shared));
        await bank.Citizens.ChangePayoutAccountAsync(Change(first, "bank-a", Ids.Token()));
        Assert.False((await bank.Citizens.ChangePayoutAccountAsync(Change(first, "bank-a", shared))).FraudFlagRaised);
        for (var i = 1; i < RailServerFixture.FraudThreshold - 1; i++)
            await bank.Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen(), token: shared));
        Assert.DoesNotContain((await _server.As(ApiKeys.Reviewer).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest())).Flags, f => f.AccountToken == shared);

        var last = await bank.Citizens.EnrollAsync(Requests.Enroll(Ids.Citizen(), token: shared));
        var flag = Assert.Single((await _server.As(ApiKeys.Reviewer).Audit.ListFraudFlagsAsync(new ListFraudFlagsRequest())).Flags, f => f.AccountToken == shared);
        Assert.Equal((RailServerFixture.FraudThreshold, last.FirstPayout.PayoutId), (flag.CitizenCount, flag.RaisedByChange));
    }

    [Fact]
    public async Task Bad_account_changes_and_returns_change_nothing()
    {
        var (citizenId, enrolled) = await _server.EnrollNewCitizen();
        var before = await _server.Statement(citizenId);
        var bank = _server.As(ApiKeys.BankA);

        await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.ChangePayoutAccountAsync(new ChangePayoutAccountRequest { CitizenId = citizenId, IdempotencyKey = Ids.Key() }));
        await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", "bad token")));
        await Expect.Status(StatusCode.InvalidArgument, bank.Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", Ids.Token(), key: "")));
        await Expect.Status(StatusCode.NotFound, bank.Citizens.ChangePayoutAccountAsync(Change(Ids.Citizen(), "bank-a", Ids.Token())));
        await Expect.Status(StatusCode.FailedPrecondition, bank.Citizens.ChangePayoutAccountAsync(Change(citizenId, "bank-a", before.PayoutAccount.AccountToken)));
        await Expect.Status(StatusCode.InvalidArgument,
            bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = enrolled.FirstPayout.PayoutId, Reason = "I_DO_NOT_LIKE_IT" }));
        await Expect.Status(StatusCode.NotFound,
            _server.As(ApiKeys.BankB).Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = enrolled.FirstPayout.PayoutId, Reason = "ACCOUNT_CLOSED" }));
        await Expect.Status(StatusCode.NotFound,
            bank.Instructions.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = $"{citizenId}:floor:1999-01", Reason = "ACCOUNT_CLOSED" }));

        Assert.Equal(before, await _server.Statement(citizenId));
    }
}
