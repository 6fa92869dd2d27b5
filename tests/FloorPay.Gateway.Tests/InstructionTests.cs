namespace FloorPay.Gateway.Tests;

/// <summary>
/// The instruction outbox as banks see it: every payout is one instruction for the citizen's bank, numbered per bank
/// without gaps; the stream resumes from a cursor after a disconnect; pages walk the same sequence; settlements check
/// the whole batch before recording anything.
/// </summary>
[Collection(RailServerCollection.Name)]
public sealed class InstructionTests(RailServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private async Task<List<V1.PayoutInstruction>> ListAfterAsync(string bankKey, long after, int pageSize = 1000)
    {
        var all = new List<V1.PayoutInstruction>();
        while (true)
        {
            var page = await _server.As(bankKey).Instructions.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = after, PageSize = pageSize });
            if (page.Instructions.Count == 0) return all;
            all.AddRange(page.Instructions);
            after = page.NextAfterSequence;
        }
    }

    [Fact]
    public async Task Every_payout_is_one_instruction_for_its_bank_numbered_without_gaps()
    {
        var headA = await _server.InstructionHeadAsync(ApiKeys.BankA);
        var headB = await _server.InstructionHeadAsync(ApiKeys.BankB);
        var enrolled = new List<EnrollResponse>();
        foreach (var _ in Enumerable.Range(0, 12)) enrolled.Add((await _server.EnrollNewCitizen()).Response);

        var mine = await ListAfterAsync(ApiKeys.BankA, headA, pageSize: 5);
        Assert.Equal(Enumerable.Range(1, mine.Count).Select(i => headA + i), mine.Select(i => i.Sequence));
        foreach (var e in enrolled)
        {
            var instruction = Assert.Single(mine, i => i.InstructionId == e.FirstPayout.PayoutId);
            Assert.Equal(e.CitizenId, instruction.CitizenId);
            Assert.Equal(e.FirstPayout.Amount, instruction.Amount);
            Assert.Equal(InstructionKind.Floor, instruction.Kind);
            Assert.Equal(e.FirstPayout.Period, instruction.Period);
            Assert.Equal(e.FirstPayout.ReasonCode, instruction.ReasonCode);
            Assert.StartsWith("tok-", instruction.AccountToken);
        }
        // Another bank sees none of them.
        var theirs = await ListAfterAsync(ApiKeys.BankB, headB);
        Assert.DoesNotContain(theirs, i => enrolled.Any(e => e.CitizenId == i.CitizenId));
    }

    [Fact]
    public async Task A_subscriber_that_disconnects_mid_stream_resumes_from_its_cursor_and_misses_nothing()
    {
        var head = await _server.InstructionHeadAsync(ApiKeys.BankA);
        var received = new List<V1.PayoutInstruction>();
        var expected = new List<string>();

        using (var first = new CancellationTokenSource())
        {
            using var call = _server.As(ApiKeys.BankA).Instructions.SubscribeInstructions(
                new SubscribeInstructionsRequest { AfterSequence = head }, cancellationToken: first.Token);
            foreach (var _ in Enumerable.Range(0, 10)) expected.Add((await _server.EnrollNewCitizen()).Response.FirstPayout.PayoutId);
            while (received.Count < 5 && await call.ResponseStream.MoveNextInstruction(first.Token)) received.Add(call.ResponseStream.Current.Instruction);
            first.Cancel(); // the bank drops the connection after five
        }
        // More payouts commit while the bank is away.
        foreach (var _ in Enumerable.Range(0, 10)) expected.Add((await _server.EnrollNewCitizen()).Response.FirstPayout.PayoutId);

        using var resumed = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var again = _server.As(ApiKeys.BankA).Instructions.SubscribeInstructions(
            new SubscribeInstructionsRequest { AfterSequence = received[^1].Sequence }, cancellationToken: resumed.Token);
        while (received.Count < 20 && await again.ResponseStream.MoveNextInstruction(resumed.Token)) received.Add(again.ResponseStream.Current.Instruction);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => head + i), received.Select(i => i.Sequence));
        Assert.Equal(expected.Order(), received.Select(i => i.InstructionId).Order());
    }

    [Fact]
    public async Task A_live_subscriber_receives_a_new_payout_without_asking_again()
    {
        var head = await _server.InstructionHeadAsync(ApiKeys.BankA);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = _server.As(ApiKeys.BankA).Instructions.SubscribeInstructions(new SubscribeInstructionsRequest { AfterSequence = head },
            cancellationToken: cancel.Token);
        var next = call.ResponseStream.MoveNextInstruction(cancel.Token);
        await Task.Delay(300); // the stream is idle and waiting
        var (citizenId, response) = await _server.EnrollNewCitizen();

        Assert.True(await next);
        Assert.Equal(response.FirstPayout.PayoutId, call.ResponseStream.Current.Instruction.InstructionId);
        Assert.Equal(citizenId, call.ResponseStream.Current.Instruction.CitizenId);
        Assert.Equal(head + 1, call.ResponseStream.Current.Instruction.Sequence);
    }

    [Fact]
    public async Task Settlement_records_each_instruction_once_and_a_bad_batch_records_nothing()
    {
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, 3)) ids.Add((await _server.EnrollNewCitizen()).Response.FirstPayout.PayoutId);
        var (otherBanks, _) = await _server.EnrollNewCitizen(bankKey: ApiKeys.BankB, bankId: "bank-b");
        var foreign = (await _server.Statement(otherBanks)).Payouts[0].PayoutId;
        var bank = _server.As(ApiKeys.BankA).Instructions;

        // One unknown or foreign id refuses the whole batch: nothing is settled.
        await Expect.Status(StatusCode.NotFound, bank.ConfirmSettlementAsync(Settle(ids[0], ids[1], "c-nobody:floor:2026-01")));
        await Expect.Status(StatusCode.NotFound, bank.ConfirmSettlementAsync(Settle(ids[0], foreign)));
        await Expect.Status(StatusCode.InvalidArgument, bank.ConfirmSettlementAsync(Settle()));
        await Expect.Status(StatusCode.InvalidArgument, bank.ConfirmSettlementAsync(Settle(ids[0], ids[0])));
        await Expect.Status(StatusCode.InvalidArgument, bank.ConfirmSettlementAsync(Settle("has space")));
        await Expect.Status(StatusCode.InvalidArgument, bank.ConfirmSettlementAsync(Settle(Enumerable.Range(0, 1001).Select(i => $"x{i}").ToArray())));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Auditor).Instructions.ConfirmSettlementAsync(Settle(ids[0])));
        foreach (var id in ids) Assert.Equal("ISSUED", await StatusOf(id));

        var first = await bank.ConfirmSettlementAsync(Settle(ids[0], ids[1]));
        Assert.Equal(new[] { ids[0], ids[1] }.Order(), first.Settled.Order());
        Assert.Empty(first.AlreadySettled);
        var resend = await bank.ConfirmSettlementAsync(Settle(ids[0], ids[1], ids[2]));
        Assert.Equal([ids[2]], resend.Settled);
        Assert.Equal(new[] { ids[0], ids[1] }.Order(), resend.AlreadySettled.Order());
        foreach (var id in ids) Assert.Equal("SETTLED", await StatusOf(id));

        // A settled payment cannot then be returned.
        await Expect.Status(StatusCode.FailedPrecondition, bank.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = ids[0], Reason = "ACCOUNT_CLOSED" }));
    }

    [Fact]
    public async Task A_settlement_racing_the_banks_own_return_never_reports_a_returned_payment_as_settled()
    {
        var ids = new List<string>();
        foreach (var _ in Enumerable.Range(0, 30)) ids.Add((await _server.EnrollNewCitizen()).Response.FirstPayout.PayoutId);
        var bank = _server.As(ApiKeys.BankA).Instructions;

        // Each instruction is settled and returned at the same moment: exactly one outcome wins, and the answers agree with it.
        var races = await Task.WhenAll(ids.Select(async id =>
        {
            var settle = bank.ConfirmSettlementAsync(Settle(id)).ResponseAsync;
            var giveBack = bank.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = id, Reason = "ACCOUNT_CLOSED" }).ResponseAsync;
            ConfirmSettlementResponse? settled = null;
            var returned = false;
            try { settled = await settle; } catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition) { }
            try { await giveBack; returned = true; } catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition) { }
            return (Id: id, Settled: settled, Returned: returned, Status: await StatusOf(id));
        }));

        foreach (var r in races)
        {
            Assert.True(r.Returned != (r.Status == "SETTLED"), $"{r.Id}: returned {r.Returned}, status {r.Status}");
            if (r.Returned)
                Assert.True(r.Settled is null || (!r.Settled.Settled.Contains(r.Id) && !r.Settled.AlreadySettled.Contains(r.Id)),
                    $"{r.Id} was returned but the settlement answered {r.Settled}");
        }
    }

    [Fact]
    public async Task Paging_and_cursors_refuse_bad_input()
    {
        var bank = _server.As(ApiKeys.BankA).Instructions;
        await Expect.Status(StatusCode.InvalidArgument, bank.ListInstructionsAsync(new ListInstructionsRequest { PageSize = -1 }));
        await Expect.Status(StatusCode.InvalidArgument, bank.ListInstructionsAsync(new ListInstructionsRequest { PageSize = 1001 }));
        await Expect.Status(StatusCode.InvalidArgument, bank.ListInstructionsAsync(new ListInstructionsRequest { AfterSequence = -1 }));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Reviewer).Instructions.ListInstructionsAsync(new ListInstructionsRequest()));
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = _server.As(ApiKeys.Treasury).Instructions.SubscribeInstructions(new SubscribeInstructionsRequest());
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task The_daily_report_counts_issued_settled_returned_and_outstanding()
    {
        var day = fixture.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd");
        var request = new GetSettlementReportRequest { BankId = "bank-b", Day = day };
        var before = await _server.As(ApiKeys.BankB).Instructions.GetSettlementReportAsync(request);

        var payouts = new List<PayoutReceipt>();
        foreach (var _ in Enumerable.Range(0, 4))
            payouts.Add((await _server.EnrollNewCitizen(bankKey: ApiKeys.BankB, bankId: "bank-b")).Response.FirstPayout);
        var bank = _server.As(ApiKeys.BankB).Instructions;
        await bank.ConfirmSettlementAsync(Settle(payouts[0].PayoutId, payouts[1].PayoutId));
        await bank.ReturnPaymentAsync(new ReturnPaymentRequest { InstructionId = payouts[2].PayoutId, Reason = "ACCOUNT_NOT_FOUND" });

        var after = await _server.As(ApiKeys.Auditor).Instructions.GetSettlementReportAsync(request);
        var amount = payouts[0].Amount.MinorUnits;
        Assert.Equal((before.Issued.Count + 4, before.Issued.Amount.MinorUnits + 4 * amount), (after.Issued.Count, after.Issued.Amount.MinorUnits));
        Assert.Equal((before.Settled.Count + 2, before.Settled.Amount.MinorUnits + 2 * amount), (after.Settled.Count, after.Settled.Amount.MinorUnits));
        Assert.Equal((before.Returned.Count + 1, before.Returned.Amount.MinorUnits + amount), (after.Returned.Count, after.Returned.Amount.MinorUnits));
        Assert.Equal((before.Outstanding.Count + 1, before.Outstanding.Amount.MinorUnits + amount), (after.Outstanding.Count, after.Outstanding.Amount.MinorUnits));

        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.BankA).Instructions.GetSettlementReportAsync(request));
        await Expect.Status(StatusCode.InvalidArgument, bank.GetSettlementReportAsync(new GetSettlementReportRequest { BankId = "bank-b", Day = "26-11-2026" }));
        await Expect.Status(StatusCode.PermissionDenied, _server.As(ApiKeys.Reviewer).Instructions.GetSettlementReportAsync(request));
    }

    private static ConfirmSettlementRequest Settle(params string[] ids)
    {
        var request = new ConfirmSettlementRequest();
        request.InstructionIds.AddRange(ids);
        return request;
    }

    private async Task<string> StatusOf(string instructionId)
    {
        var citizenId = instructionId[..instructionId.IndexOf(':')];
        return (await _server.Statement(citizenId)).Instructions.Single(i => i.InstructionId == instructionId).Status;
    }
}
